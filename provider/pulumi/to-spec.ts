import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { KilnError } from "../engine/errors";
import { loadTemplate } from "../kiln";
import type { BuildSpec, PostProcessorSpec, ProvisionerSpec, SourceSpec } from "../spec/types";
import { INLINE_BUILDERS, type InlineBuilderKey, traitsOf } from "./builders";
import type { ResolvedArgs } from "./inputs";
import { isPlainObject, toPackerFields } from "./packer-fields";

/** A problem with the resource's args themselves, named by Pulumi property. */
export interface ArgsFailure {
  readonly property: string;
  readonly reason: string;
}

/** Code `ARGS_INVALID`; `context.property` names the first failure's Pulumi property. */
export class ArgsError extends KilnError {
  readonly failures: readonly ArgsFailure[];
  constructor(failures: readonly ArgsFailure[]) {
    super("ARGS_INVALID", failures.map((f) => `${f.property}: ${f.reason}`).join("; "), {
      context: { property: failures[0]?.property },
    });
    this.failures = failures;
  }
}

/** The args the mapping reads: the resolved args, the source name the program chose, secrets known so far. */
export type SpecArgs = ResolvedArgs & { readonly sourceName: string; readonly sensitiveValues?: readonly string[] };

/** What a BakedImage builds: one build block reduced to exactly one source. */
export interface ImageSpec {
  readonly form: "inline" | "template";
  readonly spec: BuildSpec;
  readonly source: SourceSpec;
}

/** Which form the args use; exactly one of the builder keys and `template` must be set. */
export function formOf(args: ResolvedArgs): { form: "inline"; key: InlineBuilderKey } | { form: "template" } {
  const keys = (Object.keys(INLINE_BUILDERS) as InlineBuilderKey[]).filter((k) => args[k] !== undefined);
  const given = [...keys, ...(args.template !== undefined ? ["template"] : [])];
  if (given.length !== 1) {
    const options = [...Object.keys(INLINE_BUILDERS), "template"].map((k) => `[${k}]`).join(" or ");
    throw new ArgsError([
      {
        property: given[1] ?? "amazonEbs",
        reason: given.length
          ? `set only one of ${options} (got ${given.join(", ")})`
          : `set one of ${options}: a builder to bake with, or a Packer template`,
      },
    ]);
  }
  return keys[0] ? { form: "inline", key: keys[0] } : { form: "template" };
}

export function baseDirOf(args: Pick<ResolvedArgs, "baseDir">): string {
  return args.baseDir ? resolve(args.baseDir) : process.cwd();
}

/** Maps the args to the engine's BuildSpec (loading the template in the template form). */
export async function imageSpec(args: SpecArgs): Promise<ImageSpec> {
  const form = formOf(args);
  const baseDir = baseDirOf(args);
  const image = form.form === "inline" ? inlineSpec(args, form.key, baseDir) : await templateSpec(args, baseDir);
  return withTopLevelTags(image, args.tags);
}

function inlineSpec(args: SpecArgs, key: InlineBuilderKey, baseDir: string): ImageSpec {
  const source: SourceSpec = {
    type: INLINE_BUILDERS[key],
    name: args.sourceName,
    config: toPackerFields(args[key]) as Record<string, unknown>,
  };
  const spec: BuildSpec = {
    sources: [source],
    provisioners: (args.provisioners ?? []).map(provisionerSpec),
    ...(args.errorCleanupProvisioner ? { errorCleanupProvisioner: provisionerSpec(args.errorCleanupProvisioner) } : {}),
    postProcessors: (args.postProcessors ?? []).map((item) =>
      (Array.isArray(item) ? item : [item]).map(postProcessorSpec),
    ),
    baseDir,
    sensitiveValues: [...(args.sensitiveValues ?? [])],
  };
  return { form: "inline", spec, source };
}

async function templateSpec(args: SpecArgs, baseDir: string): Promise<ImageSpec> {
  const loaded = await loadTemplate(resolve(baseDir, args.template as string), {
    vars: args.vars ? { ...args.vars } : undefined,
    varFiles: args.varFiles?.map((f) => resolve(baseDir, f)),
    only: args.only ? [...args.only] : undefined,
    except: args.except ? [...args.except] : undefined,
  });
  const candidates = loaded.builds.flatMap((build) => build.sources.map((source) => ({ build, source })));
  const names = candidates.map(
    ({ build, source }) => `${build.name ? `${build.name}.` : ""}${source.type}.${source.name}`,
  );
  const [one] = candidates;
  if (!one || candidates.length > 1) {
    throw new ArgsError([
      {
        property: "only",
        reason: one
          ? `the template builds ${candidates.length} sources (${names.join(", ")}); a BakedImage bakes one image: set [only] to one of them`
          : "no source of the template is left to build",
      },
    ]);
  }
  const spec: BuildSpec = {
    ...one.build,
    sources: [one.source],
    sensitiveValues: [...(one.build.sensitiveValues ?? []), ...loaded.sensitiveValues, ...(args.sensitiveValues ?? [])],
  };
  return { form: "template", spec, source: one.source };
}

function provisionerSpec(args: object): ProvisionerSpec {
  const { type, pause_before, max_retries, timeout, only, except, ...config } = toPackerFields(args) as Record<
    string,
    unknown
  >;
  return {
    type: String(type),
    config,
    ...(pause_before !== undefined ? { pause_before: pause_before as string } : {}),
    ...(max_retries !== undefined ? { max_retries: max_retries as number } : {}),
    ...(timeout !== undefined ? { timeout: timeout as string } : {}),
    ...(only !== undefined ? { only: only as string[] } : {}),
    ...(except !== undefined ? { except: except as string[] } : {}),
  };
}

function postProcessorSpec(args: object): PostProcessorSpec {
  const { type, only, except, keep_input_artifact, ...config } = toPackerFields(args) as Record<string, unknown>;
  return {
    type: String(type),
    config,
    ...(only !== undefined ? { only: only as string[] } : {}),
    ...(except !== undefined ? { except: except as string[] } : {}),
    ...(keep_input_artifact !== undefined ? { keep_input_artifact: keep_input_artifact as boolean } : {}),
  };
}

/** Top-level `tags` go under the builder's own image and snapshot tags, which win on the same key. */
function withTopLevelTags(image: ImageSpec, tags: Readonly<Record<string, string>> | undefined): ImageSpec {
  const fields = traitsOf(image.source.type).tagFields;
  if (!tags || Object.keys(tags).length === 0 || !fields) return image;
  const config: Record<string, unknown> = { ...image.source.config };
  for (const field of [fields.image, fields.snapshots]) {
    const own = isPlainObject(config[field]) ? (config[field] as Record<string, unknown>) : {};
    config[field] = { ...tags, ...own };
  }
  return replaceSource(image, { ...image.source, config });
}

/**
 * The inline form's image name gets a unique suffix, so a replacement can be baked while the image it
 * replaces still exists (AWS requires unique AMI names). `suffix` is for tests and `check`.
 */
export function withUniqueName(image: ImageSpec, now = new Date(), random = randomBytes(2).toString("hex")): ImageSpec {
  const field = traitsOf(image.source.type).nameField;
  const name = field ? image.source.config[field] : undefined;
  if (image.form !== "inline" || !field || typeof name !== "string") return image;
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return replaceSource(image, {
    ...image.source,
    config: { ...image.source.config, [field]: `${name}-${stamp}-${random}` },
  });
}

/** The name the image got, if its builder names images. */
export function imageNameOf(source: SourceSpec): string {
  const field = traitsOf(source.type).nameField;
  const name = field ? source.config[field] : undefined;
  return typeof name === "string" ? name : "";
}

function replaceSource(image: ImageSpec, source: SourceSpec): ImageSpec {
  return { ...image, source, spec: { ...image.spec, sources: [source] } };
}

/** `type.name`, prefixed by the build block's name: the engine's build name for the one source. */
export function buildNameOf(image: ImageSpec): string {
  return `${image.spec.name ? `${image.spec.name}.` : ""}${image.source.type}.${image.source.name}`;
}
