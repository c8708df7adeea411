import type { BuildSpec } from "../../spec/types";
import { assembleBuilds, type SourceBuild } from "../assemble";
import { makeObject } from "../expr/values";
import { blockLabel, type HclBlock } from "./body";
import type { BuildContext } from "./build-context";
import { sourceSpec, sourceUses } from "./build-sources";
import {
  applies,
  postProcessorBlock,
  postProcessorSpec,
  provisionerBlock,
  provisionerSpec,
  type StepBlock,
} from "./build-steps";
import { expandDynamic } from "./dynamic";
import { evaluateString, type Variables } from "./scope";

const BUILD_ATTRIBUTES = new Set(["name", "description", "sources"]);

/**
 * A `build {}` block → BuildSpecs. Sources come from `sources = [...]` and `source "source.T.N" {}`
 * blocks (which may rename with `name` and add fields); provisioners and post-processors are evaluated
 * once per source, as Packer does, with `source.name`, `source.type`, `build.name` and deferred build data
 * in scope; sources whose steps come out identical share a BuildSpec.
 */
export function buildSpecs(build: HclBlock, label: string, ctx: BuildContext): BuildSpec[] {
  const { scope, problems, variables } = ctx;
  if (build.labels.length) problems.add(label, "a build block takes no labels; name it with name = …", build.where);
  const attr = (name: string) => build.body.attributes.find((a) => a.name === name);
  for (const a of build.body.attributes) {
    if (!BUILD_ATTRIBUTES.has(a.name))
      problems.add(`${label}.${a.name}`, "unsupported argument in a build block (name, description, sources)", a.where);
  }
  const name = evaluateString(attr("name"), variables, scope, `${label}.name`);
  evaluateString(attr("description"), variables, scope, `${label}.description`);
  const buildVars: Variables = { ...variables, build: makeObject([["name", name ?? ""]]) };
  const body = expandDynamic(build.body, buildVars, scope, label, false);

  const uses = sourceUses(body, attr("sources"), label, ctx);
  if (uses.length === 0 && !body.attributes.some((a) => a.name === "sources")) {
    problems.add(label, 'a build block must use at least one source (sources = ["source.TYPE.NAME"])', build.where);
  }
  const sourceNames = uses.map((u) => `${u.type}.${u.name}`);

  const provisioners: StepBlock[] = [];
  const chains: StepBlock[][] = [];
  let cleanup: StepBlock | undefined;
  for (const block of body.blocks) {
    const field = `${label}.${blockLabel(block)}`;
    switch (block.type) {
      case "source":
        break;
      case "provisioner":
      case "error-cleanup-provisioner": {
        const step = provisionerBlock(block, field, sourceNames, buildVars, scope);
        if (!step) break;
        if (block.type === "provisioner") provisioners.push(step);
        else if (cleanup)
          problems.add(
            field,
            `only one error-cleanup-provisioner is allowed (another is at line ${cleanup.block.where.line})`,
            block.where,
          );
        else cleanup = step;
        break;
      }
      case "post-processor": {
        const step = postProcessorBlock(block, field, sourceNames, buildVars, scope);
        if (step) chains.push([step]);
        break;
      }
      case "post-processors": {
        if (block.labels.length) problems.add(field, "a post-processors block takes no labels", block.where);
        for (const a of block.body.attributes)
          problems.add(`${field}.${a.name}`, "a post-processors block only holds post-processor blocks", a.where);
        const chain: StepBlock[] = [];
        for (const inner of expandDynamic(block.body, buildVars, scope, field, false).blocks) {
          const innerField = `${field}.${blockLabel(inner)}`;
          if (inner.type !== "post-processor") {
            problems.add(innerField, "a post-processors block only holds post-processor blocks", inner.where);
            continue;
          }
          const step = postProcessorBlock(inner, innerField, sourceNames, buildVars, scope);
          if (step) chain.push(step);
        }
        if (chain.length) chains.push(chain);
        break;
      }
      case "hcp_packer_registry":
      case "from":
        problems.add(field, `"${block.type}" blocks are not supported by Kiln yet`, block.where);
        break;
      default:
        problems.add(
          field,
          "unsupported block in a build block (source, provisioner, error-cleanup-provisioner, post-processor, post-processors)",
          block.where,
        );
    }
  }

  const perSource: SourceBuild[] = [];
  for (const use of uses) {
    const buildName = `${use.type}.${use.name}`;
    if (!ctx.filter.keep(name ? `${name}.${buildName}` : buildName, buildName)) continue;
    const sourceObject = makeObject([
      ["name", use.name],
      ["type", use.type],
    ]);
    // Build data exists only for steps that run on the machine; a source config cannot use it.
    const sourceVars: Variables = { ...ctx.variables, source: sourceObject };
    const stepVars: Variables = { ...buildVars, source: sourceObject };
    const goTemplate = { ...ctx.goTemplate, buildName: use.name, buildType: use.type };
    // Steps are evaluated even when the source failed, so their problems are reported in the same run.
    const source = sourceSpec(use, sourceVars, goTemplate, ctx);
    const stepsFor = (list: readonly StepBlock[]) =>
      list.filter((s) => applies(s, buildName)).map((s) => provisionerSpec(s, use, stepVars, goTemplate, ctx));
    const provisionerSpecs = stepsFor(provisioners);
    const postProcessors = chains
      .map((chain) =>
        chain.filter((s) => applies(s, buildName) && !ctx.filter.excepts(s.name ?? s.block.labels[0] ?? "")),
      )
      .map((chain) => chain.map((s) => postProcessorSpec(s, stepVars, goTemplate, ctx)))
      .filter((chain) => chain.length > 0);
    const errorCleanup =
      cleanup && applies(cleanup, buildName) ? provisionerSpec(cleanup, use, stepVars, goTemplate, ctx) : undefined;
    if (!source) continue;
    perSource.push({
      source,
      provisioners: provisionerSpecs,
      ...(errorCleanup ? { errorCleanupProvisioner: errorCleanup } : {}),
      postProcessors,
    });
  }
  return assembleBuilds(
    { ...(name ? { name } : {}), baseDir: ctx.baseDir, sensitiveValues: ctx.sensitiveValues, where: build.where },
    perSource,
  );
}
