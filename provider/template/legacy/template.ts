import * as path from "node:path";
import type { SourceLocation } from "../../engine/errors";
import type { SourceSpec } from "../../spec/types";
import { assembleBuilds, NameFilter, type SourceBuild } from "../assemble";
import { readText, type TemplateFiles } from "../files";
import type { GoTemplateContext } from "../gotemplate/render";
import { fieldLocations, type JsonDocument, JsonSyntaxError, parseJsonDocument, pointer } from "../json-source";
import { Problems } from "../problems";
import type { LoadedTemplate, ResolvedOptions } from "../types";
import { isVersion, kilnVersion } from "../version";
import { Renderer, withoutKeys } from "./render";
import { applies, postProcessorChain, provisionerShape } from "./steps";
import { isPlainObject, legacyVariables } from "./variables";

/**
 * A legacy JSON template (`{"variables", "builders", "provisioners", "post-processors"}`) → BuildSpecs.
 * Positions come from our own JSON reader (json-source.ts), which maps every JSON pointer to its line.
 * Each builder is a build named after it; strings are rendered with the legacy `{{ }}` functions.
 */
const ROOT_KEYS = new Set([
  "min_packer_version",
  "description",
  "variables",
  "sensitive-variables",
  "builders",
  "provisioners",
  "post-processors",
  "error-cleanup-provisioner",
]);

export async function loadLegacyTemplate(files: TemplateFiles, options: ResolvedOptions): Promise<LoadedTemplate> {
  const file = files.files[0] as TemplateFiles["files"][number];
  const problems = new Problems();
  let doc: JsonDocument;
  try {
    doc = parseJsonDocument(await readText(file), file.display);
  } catch (error) {
    if (error instanceof JsonSyntaxError) problems.add("template", error.message, error.where);
    problems.check();
    throw error;
  }
  const at = (ptr: string) => doc.keys.get(ptr) ?? doc.values.get(ptr);
  if (!isPlainObject(doc.value)) {
    problems.add("template", "a legacy JSON template must be an object", doc.values.get(""));
    problems.check();
  }
  const root = doc.value as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (key === "push") problems.add(key, `"push" was removed from Packer and is not supported`, at(pointer(key)));
    else if (!ROOT_KEYS.has(key) && !key.startsWith("_")) {
      problems.add(key, `unknown root level key in template (known: ${[...ROOT_KEYS].join(", ")})`, at(pointer(key)));
    }
  }
  if (
    root.min_packer_version !== undefined &&
    !(typeof root.min_packer_version === "string" && isVersion(root.min_packer_version))
  ) {
    problems.add("min_packer_version", 'must be a version such as "1.6.0"', at("/min_packer_version"));
  }

  const base = {
    initTime: options.initTime,
    templateDir: files.root,
    packerVersion: kilnVersion(),
  } satisfies Omit<GoTemplateContext, "user" | "env">;
  const variables = await legacyVariables(doc, options, base, problems);
  const render = new Renderer(doc, problems);

  // Builders: each is one build, named by `name` (default: its type). The name may use user variables:
  // Packer renders it for the build's name, -only/-except and {{build_name}}, while a step's
  // only/except lists name builders as written (`rawName`).
  // A declared variable missing here is unset or failed, already reported: no second error for it.
  const userVariables = { ...Object.fromEntries(variables.declared.map((d) => [d.name, ""])), ...variables.values };
  const nameContext: GoTemplateContext = { ...base, userVariables };
  const builders: {
    name: string;
    rawName: string;
    type: string;
    ptr: string;
    field: string;
    raw: Record<string, unknown>;
  }[] = [];
  const rawBuilders = root.builders;
  if (!Array.isArray(rawBuilders) || rawBuilders.length === 0) {
    problems.add("builders", "at least one builder must be defined", at("/builders") ?? doc.values.get(""));
  } else {
    for (const [i, raw] of rawBuilders.entries()) {
      const ptr = pointer("builders", i);
      const field = `builders[${i}]`;
      if (!isPlainObject(raw)) {
        problems.add(field, "must be an object", doc.values.get(ptr));
      } else if (typeof raw.type !== "string" || !raw.type) {
        problems.add(field, `missing "type"`, doc.values.get(ptr));
      } else if (raw.name !== undefined && typeof raw.name !== "string") {
        problems.add(`${field}.name`, "must be a string", at(`${ptr}/name`));
      } else {
        const rawName = (raw.name as string | undefined) || raw.type;
        const name = render.deep(rawName, `${ptr}/name`, `${field}.name`, nameContext) as string;
        if (builders.some((b) => b.name === name || b.rawName === rawName)) {
          problems.add(
            field,
            `a builder named "${name}" already exists (give each a distinct "name")`,
            doc.values.get(ptr),
          );
        } else {
          builders.push({ name, rawName, type: raw.type, ptr, field, raw });
        }
      }
    }
  }
  const builderNames = builders.map((b) => b.rawName);

  const provisioners = listOf(root.provisioners, "provisioners", at, problems).map((raw, i) =>
    provisionerShape(raw, pointer("provisioners", i), `provisioners[${i}]`, builderNames, doc, problems),
  );
  const cleanup =
    root["error-cleanup-provisioner"] === undefined
      ? undefined
      : provisionerShape(
          root["error-cleanup-provisioner"],
          "/error-cleanup-provisioner",
          "error-cleanup-provisioner",
          builderNames,
          doc,
          problems,
        );
  const chains = listOf(root["post-processors"], "post-processors", at, problems).map((raw, i) =>
    postProcessorChain(raw, i, builderNames, doc, problems),
  );

  const filter = new NameFilter(options.only, options.except);
  // Steps keep only/except for the engine, which matches build names: as rendered.
  const renamed = new Map(builders.map((b) => [b.rawName, b.name]));
  const rendered = (names: readonly string[] | undefined) => names?.map((n) => renamed.get(n) ?? n);
  const asBuilt = <T extends { only?: readonly string[]; except?: readonly string[] }>(step: T): T => ({
    ...step,
    ...(step.only ? { only: rendered(step.only) } : {}),
    ...(step.except ? { except: rendered(step.except) } : {}),
  });
  const perSource: SourceBuild[] = [];
  for (const builder of builders) {
    if (!filter.keep(builder.name)) continue;
    const ctx: GoTemplateContext = {
      ...base,
      userVariables,
      buildName: builder.name,
      buildType: builder.type,
    };
    const { type: _type, name: _name, ...config } = builder.raw;
    const source: SourceSpec = {
      type: builder.type,
      name: builder.name,
      config: render.deep(config, builder.ptr, builder.field, ctx) as Record<string, unknown>,
      where: doc.values.get(builder.ptr),
      fieldLocations: withoutKeys(fieldLocations(doc, builder.ptr), ["type", "name"]),
    };
    perSource.push({
      source,
      provisioners: provisioners.flatMap((p) =>
        p && applies(p, builder.rawName) ? [asBuilt(render.provisioner(p, builder.rawName, ctx))] : [],
      ),
      ...(cleanup && applies(cleanup, builder.rawName)
        ? { errorCleanupProvisioner: asBuilt(render.provisioner(cleanup, builder.rawName, ctx)) }
        : {}),
      postProcessors: chains
        .map((chain) =>
          chain
            .filter((pp) => applies(pp, builder.rawName) && !filter.excepts(pp.name))
            .map((pp) => asBuilt(render.postProcessor(pp, ctx))),
        )
        .filter((chain) => chain.length > 0),
    });
  }
  if (builders.length) {
    filter.report(problems);
    if (perSource.length === 0) problems.add("only", "no builds left to run after -only/-except");
  }
  problems.check();

  return {
    // A legacy template has no build block; its builds are located at the "builders" list.
    builds: assembleBuilds(
      { baseDir: files.root, sensitiveValues: variables.sensitiveValues, where: at("/builders") },
      perSource,
    ),
    files: [file.path, ...options.varFiles.map((f) => path.resolve(f))],
    variables: variables.declared.map((d) => ({ ...d })),
    sensitiveValues: [...variables.sensitiveValues],
  };
}

function listOf(
  value: unknown,
  key: string,
  at: (ptr: string) => SourceLocation | undefined,
  problems: Problems,
): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  problems.add(key, "must be a list", at(pointer(key)));
  return [];
}
