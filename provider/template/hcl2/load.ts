import * as path from "node:path";
import type { BuildSpec } from "../../spec/types";
import { NameFilter } from "../assemble";
import { loadHclParser } from "../expr/parser";
import { HCL_JSON_EXT, readText, type TemplateFile, type TemplateFiles } from "../files";
import { Problems } from "../problems";
import type { LoadedTemplate, ResolvedOptions } from "../types";
import { isVersionConstraint, kilnVersion } from "../version";
import { blockLabel, describePosition, type HclBlock, type HclBody, readTree } from "./body";
import { buildSpecs } from "./builds";
import { readJsonTemplate } from "./json-body";
import { evaluateLocals } from "./locals";
import { FAILED, Scope, type Variables } from "./scope";
import { hclSyntaxProblems } from "./syntax";
import { Trees } from "./trees";
import { inputVariables } from "./variables";

/**
 * HCL2 templates (`*.pkr.hcl`, `*.pkr.json`, or a directory of them) → BuildSpecs, in Packer's order:
 * syntax (HashiCorp's parser), then variables, then locals and data sources, then sources and builds.
 * Each stage reports all its problems; a later stage runs only when the earlier ones were clean, so one
 * mistake does not echo as many.
 */
const TOP_LEVEL = ["packer", "variable", "variables", "locals", "local", "data", "source", "build"] as const;
type TopLevel = Record<(typeof TOP_LEVEL)[number], HclBlock[]>;

export async function loadHcl2Template(files: TemplateFiles, options: ResolvedOptions): Promise<LoadedTemplate> {
  await loadHclParser();
  const trees = new Trees();
  try {
    return await load(files, options, trees);
  } finally {
    trees.dispose();
  }
}

async function load(files: TemplateFiles, options: ResolvedOptions, trees: Trees): Promise<LoadedTemplate> {
  const problems = new Problems();
  const bodies: HclBody[] = [];
  for (const file of files.files) {
    const body = await readTemplateFile(file, problems, trees);
    if (body) bodies.push(body);
  }
  problems.check();

  const top = classify(bodies, problems);
  checkPackerBlocks(top.packer, new Scope(problems, {}), problems);
  // Packer resolves the file functions' relative paths against the template's directory (path.root).
  const scope = new Scope(problems, { baseDir: files.root, env: options.env });
  const varFiles: TemplateFile[] = options.varFiles.map((f) => ({ path: path.resolve(f), display: f }));
  const variables = await inputVariables(
    top.variable,
    top.variables,
    { env: options.env, autoVarFiles: files.autoVarFiles, varFiles, vars: options.vars, trees },
    scope,
    problems,
  );
  problems.check();

  const base: Variables = {
    var: variables.values,
    path: { root: files.root, cwd: process.cwd() },
    packer: { version: kilnVersion() },
  };
  const locals = await evaluateLocals(top.locals, top.local, top.data, base, scope, problems, options.dataSources);
  problems.check();

  const sources = new Map<string, HclBlock>();
  for (const block of top.source) {
    const [type, name] = block.labels;
    if (block.labels.length !== 2 || !type || !name) {
      problems.add(
        "source",
        'a source block takes two labels, type and name: source "amazon-ebs" "web" {}',
        block.where,
      );
      continue;
    }
    const existing = sources.get(`${type}.${name}`);
    if (existing) {
      problems.add(
        blockLabel(block),
        `duplicate source: already declared at ${existing.where.file}:${existing.where.line}`,
        block.where,
      );
    } else {
      sources.set(`${type}.${name}`, block);
    }
  }
  if (top.build.length === 0)
    problems.add("build", "the template has no build block, so there is nothing to build", bodies[0]?.where);

  const sensitiveValues = [...new Set([...variables.sensitiveValues, ...locals.sensitiveValues])];
  const filter = new NameFilter(options.only, options.except);
  const builds: BuildSpec[] = [];
  top.build.forEach((block, i) => {
    const label = top.build.length === 1 ? "build" : `build[${i}]`;
    builds.push(
      ...buildSpecs(block, label, {
        scope,
        problems,
        variables: { ...base, local: locals.local, data: locals.data },
        sources,
        filter,
        goTemplate: { initTime: options.initTime, templateDir: files.root, packerVersion: kilnVersion() },
        baseDir: files.root,
        sensitiveValues,
      }),
    );
  });
  if (problems.count === 0) {
    filter.report(problems);
    if (builds.length === 0 && problems.count === 0) problems.add("only", "no builds left to run after -only/-except");
  }
  problems.check();

  return {
    builds,
    files: [...files.files, ...files.autoVarFiles, ...varFiles].map((f) => f.path),
    variables: variables.declared.map((d) => ({ ...d })),
    sensitiveValues,
  };
}

async function readTemplateFile(file: TemplateFile, problems: Problems, trees: Trees): Promise<HclBody | undefined> {
  const text = await readText(file);
  if (file.path.endsWith(HCL_JSON_EXT)) return readJsonTemplate(text, file.display, problems, trees);
  // tree-sitter reads every file. HashiCorp's parser (Go compiled to WASM, a sixth of a second to start)
  // is asked only when tree-sitter finds an error, so the message is the one Packer prints; the one
  // error HCL finds in a well-formed tree, an attribute set twice, the body reader reports itself.
  const tree = trees.parse(text, file.display);
  const syntax = tree.rootNode.hasError ? await hclSyntaxProblems(text, file.display) : [];
  if (syntax.length) {
    // Name the block and attribute around each error, which hcl's message does not.
    for (const p of syntax) {
      const where = describePosition(tree, p.where?.line ?? 1, p.where?.column ?? 1);
      problems.add(where ?? p.field, p.message, p.where);
    }
    return undefined;
  }
  return readTree(text, file.display, problems, trees);
}

function classify(bodies: readonly HclBody[], problems: Problems): TopLevel {
  const top = Object.fromEntries(TOP_LEVEL.map((k) => [k, [] as HclBlock[]])) as TopLevel;
  for (const body of bodies) {
    for (const attr of body.attributes) {
      problems.add(
        attr.name,
        `unsupported argument at the top level: an argument named "${attr.name}" is not expected here`,
        attr.where,
      );
    }
    for (const block of body.blocks) {
      if ((TOP_LEVEL as readonly string[]).includes(block.type)) top[block.type as keyof TopLevel].push(block);
      else if (block.type === "dynamic")
        problems.add(blockLabel(block), "dynamic blocks are not supported at the top level of a template", block.where);
      else {
        problems.add(
          blockLabel(block),
          `unsupported block type "${block.type}" (known: ${TOP_LEVEL.join(", ")})${block.type === "communicator" ? "; communicator blocks are not supported by Kiln yet" : ""}`,
          block.where,
        );
      }
    }
  }
  return top;
}

/** `packer { required_version, required_plugins {} }`: accepted and checked for shape (see version.ts). */
function checkPackerBlocks(blocks: readonly HclBlock[], scope: Scope, problems: Problems): void {
  for (const block of blocks) {
    for (const attr of block.body.attributes) {
      const field = `packer.${attr.name}`;
      if (attr.name !== "required_version") {
        problems.add(
          field,
          "unsupported argument in a packer block (required_version, required_plugins {})",
          attr.where,
        );
        continue;
      }
      const value = scope.evaluate(attr.expr, attr.where, {}, field);
      if (value !== FAILED && (typeof value !== "string" || !isVersionConstraint(value))) {
        problems.add(field, 'must be a version constraint such as ">= 1.7.0"', attr.where);
      }
    }
    for (const inner of block.body.blocks) {
      const field = `packer.${inner.type}`;
      if (inner.type !== "required_plugins") {
        problems.add(field, "unsupported block in a packer block (required_plugins)", inner.where);
        continue;
      }
      for (const attr of inner.body.attributes) {
        const value = scope.evaluate(attr.expr, attr.where, {}, `${field}.${attr.name}`);
        const ok =
          value === FAILED ||
          (typeof value === "object" &&
            value !== null &&
            !Array.isArray(value) &&
            typeof (value as { source?: unknown }).source === "string");
        if (!ok)
          problems.add(
            `${field}.${attr.name}`,
            'must be an object such as { version = ">= 1.0.0", source = "github.com/hashicorp/amazon" }',
            attr.where,
          );
      }
    }
  }
}
