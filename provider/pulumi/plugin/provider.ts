import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type * as provider from "@pulumi/pulumi/provider";
import { KilnError } from "../../engine/errors";
import { kilnPackageRoot, kilnVersion } from "../../util/version";
import type { LineWriter } from "../console";
import { type BakedImageInputs, type BakedImageOutputs, type ResolvedArgs, SECRET_OUTPUTS, UNKNOWN } from "../inputs";
import { Interrupter, interruptible } from "../interrupt";
import { bakedImageOperations } from "../operations";
import { constructFleet } from "./fleet";
import { reveal, rewrap, secret, secretValues } from "./wire";

export const BAKED_IMAGE = "kiln:index:BakedImage";
export const IMMUTABLE_FLEET = "kiln:index:ImmutableFleet";

/** `urn:pulumi:<stack>::<project>::<type>::<name>` */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const [head = "", project = "", type = "", ...rest] = urn.split("::");
  return {
    stack: head.replace(/^urn:pulumi:/, ""),
    project,
    type: type.split("$").pop() ?? type,
    name: rest.join("::"),
  };
}

export interface KilnProviderOptions {
  /** Where a resource's lines go: the engine's log under its URN. */
  readonly log: (urn: string) => LineWriter;
}

/**
 * `pulumi-resource-kiln`: the BakedImage operations the dynamic provider runs (operations.ts), behind
 * the engine's provider protocol. What differs is only the front end's part: the inputs the Node program
 * computes (fingerprint, secrets to redact, owner) are computed in `check`; secrets arrive marked and are
 * marked again in what is returned; output goes to the engine's log; the engine's `Cancel` (a first
 * Ctrl-C) aborts running builds, which clean up and fail their creates at once.
 */
export function kilnProvider(options: KilnProviderOptions): provider.Provider {
  const cancels = new Interrupter();
  const operations = (urn: string) =>
    bakedImageOperations({
      write: options.log(urn),
      // The engine's Cancel, or a signal (a second Ctrl-C reaches plugins as SIGINT).
      interruptible: (operation) =>
        interruptible((signalled) => cancels.run((cancelled) => operation(AbortSignal.any([signalled, cancelled])))),
    });

  return {
    version: kilnVersion(),
    getSchema: () => readFile(join(kilnPackageRoot(), "schema.json"), "utf8"),

    async check(urn, _olds, news) {
      expectBakedImage(urn);
      const { name, project, stack } = parseUrn(urn);
      const args = reveal(news) as ResolvedArgs;
      const unchecked = {
        ...args,
        sourceName: args.sourceName ?? name,
        sensitiveValues: secretValues(news),
        owner: `${project}/${stack}/${name}`,
      };
      // Validated and fingerprinted from one load (UNKNOWN until every input is known: the image may change).
      const { failures, fingerprint = UNKNOWN } = await operations(urn).checkWithFingerprint(unchecked);
      const inputs: BakedImageInputs = { ...unchecked, fingerprint };
      const computed = {
        sourceName: inputs.sourceName,
        fingerprint: inputs.fingerprint,
        sensitiveValues: secret(inputs.sensitiveValues),
        owner: inputs.owner,
      };
      return { inputs: { ...news, ...computed }, failures };
    },

    async diff(_id, urn, olds, news) {
      return operations(urn).diff(reveal(olds) as BakedImageOutputs, reveal(news) as BakedImageInputs);
    },

    async create(urn, inputs) {
      try {
        const { id, outs } = await operations(urn).create(reveal(inputs) as BakedImageInputs);
        return { id, outs: marked(outs, inputs) };
      } catch (error) {
        // A partly created resource (its image could not be deleted) is recorded with its outputs.
        const partial = error as { properties?: BakedImageOutputs };
        if (partial.properties) partial.properties = marked(partial.properties, inputs) as unknown as BakedImageOutputs;
        throw error;
      }
    },

    async read(id, urn, props) {
      const found = await operations(urn).read(id, reveal(props) as BakedImageOutputs);
      return found.id ? { id: found.id, props } : { id: "", props: {} };
    },

    async update(_id, urn, olds, news) {
      const outs = await operations(urn).update(reveal(olds) as BakedImageOutputs, reveal(news) as BakedImageInputs);
      return { outs: marked(outs, news) };
    },

    async delete(_id, urn, props) {
      await operations(urn).remove(reveal(props) as BakedImageOutputs);
    },

    // The component is the TypeScript ImmutableFleet itself, its children registered by this process.
    async construct(name, type, inputs, options) {
      if (type !== IMMUTABLE_FLEET)
        throw new KilnError(
          "UNKNOWN_RESOURCE_TYPE",
          `pulumi-resource-kiln has no component ${type} (it has ${IMMUTABLE_FLEET})`,
        );
      return constructFleet(name, inputs, options);
    },

    async cancel() {
      cancels.interrupt("cancelled by the Pulumi engine", "the engine asked to cancel (Ctrl-C)");
    },
  };
}

/** Outputs with secrets marked: those of the inputs they echo, and the outputs secret by nature. */
function marked(outs: BakedImageOutputs, wiredInputs: unknown): Record<string, unknown> {
  const wrapped = rewrap(outs, wiredInputs) as Record<string, unknown>;
  for (const key of SECRET_OUTPUTS) if (key in outs) wrapped[key] = secret(outs[key]);
  return wrapped;
}

function expectBakedImage(urn: string): void {
  const { type } = parseUrn(urn);
  if (type !== BAKED_IMAGE)
    throw new KilnError(
      "UNKNOWN_RESOURCE_TYPE",
      `pulumi-resource-kiln has no custom resource ${type} (it has ${BAKED_IMAGE})`,
    );
}
