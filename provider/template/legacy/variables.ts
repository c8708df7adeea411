import type { SourceLocation } from "../../engine/errors";
import { readText } from "../files";
import { type GoTemplateContext, GoTemplateError, renderGoTemplate } from "../gotemplate/render";
import { type JsonDocument, JsonSyntaxError, parseJsonDocument, pointer } from "../json-source";
import type { Problems } from "../problems";
import { locateInString } from "./strings";

/**
 * User variables of a legacy JSON template: `"variables": {"name": "default"}` (null means required),
 * overridden by `-var-file` JSON files in order and then by `-var`, and finally rendered, so a variable
 * may use `{{env `X`}}` or another `{{user `y`}}`.
 */
export interface LegacyVariable {
  readonly name: string;
  readonly sensitive: boolean;
  readonly where: SourceLocation;
}

export interface LegacyVariables {
  readonly declared: readonly LegacyVariable[];
  readonly values: Readonly<Record<string, string>>;
  readonly sensitiveValues: readonly string[];
}

interface Candidate {
  readonly raw: string;
  /** Where the raw value was written: the template, a var file, or nowhere for -var. */
  readonly where?: SourceLocation;
  readonly field: string;
}

export async function legacyVariables(
  doc: JsonDocument,
  options: { varFiles: readonly string[]; vars: Readonly<Record<string, string>>; env: NodeJS.ProcessEnv },
  base: Omit<GoTemplateContext, "user" | "env">,
  problems: Problems,
): Promise<LegacyVariables> {
  const root = doc.value as Record<string, unknown>;
  const section = root.variables ?? {};
  const declared: LegacyVariable[] = [];
  const candidates = new Map<string, Candidate>();
  const where = (ptr: string) => doc.keys.get(ptr) ?? doc.values.get(ptr);

  if (!isPlainObject(section)) {
    problems.add("variables", "must be an object of name → default value", where("/variables"));
  } else {
    for (const [name, value] of Object.entries(section)) {
      const ptr = pointer("variables", name);
      const at = where(ptr) as SourceLocation;
      declared.push({ name, sensitive: false, where: at });
      if (value === null) continue; // required: must come from a var file or -var
      const raw = scalarText(value);
      if (raw === undefined) problems.add(`variables.${name}`, "a default must be a string, number or bool", at);
      else candidates.set(name, { raw, where: doc.values.get(ptr), field: `variables.${name}` });
    }
  }

  const sensitiveNames = new Set<string>();
  const sensitive = root["sensitive-variables"];
  if (sensitive !== undefined) {
    if (!Array.isArray(sensitive) || !sensitive.every((s) => typeof s === "string")) {
      problems.add("sensitive-variables", "must be a list of variable names", where("/sensitive-variables"));
    } else {
      sensitive.forEach((name, i) => {
        if (declared.some((d) => d.name === name)) sensitiveNames.add(name);
        else
          problems.add(
            "sensitive-variables",
            `"${name}" is not declared in "variables"`,
            doc.values.get(pointer("sensitive-variables", i)),
          );
      });
    }
  }

  const known = new Set(declared.map((d) => d.name));
  for (const varFile of options.varFiles) {
    const display = { path: varFile, display: varFile };
    let fileDoc: JsonDocument;
    try {
      fileDoc = parseJsonDocument(await readText(display, "var-file"), varFile);
    } catch (error) {
      if (error instanceof JsonSyntaxError) problems.add("var-file", error.message, error.where);
      else throw error;
      continue;
    }
    if (!isPlainObject(fileDoc.value)) {
      problems.add("var-file", "a legacy var file must be a JSON object of name → value", fileDoc.values.get(""));
      continue;
    }
    for (const [name, value] of Object.entries(fileDoc.value)) {
      const at = fileDoc.keys.get(pointer(name));
      const raw = scalarText(value);
      if (!known.has(name))
        problems.add(`var-file.${name}`, `variable "${name}" is not declared in the template's "variables"`, at);
      else if (raw === undefined) problems.add(`var-file.${name}`, "a value must be a string, number or bool", at);
      else candidates.set(name, { raw, where: fileDoc.values.get(pointer(name)), field: `var-file.${name}` });
    }
  }
  for (const [name, raw] of Object.entries(options.vars)) {
    if (!known.has(name)) problems.add(`var.${name}`, `-var "${name}" is not declared in the template's "variables"`);
    else candidates.set(name, { raw, field: `var.${name}` });
  }

  for (const d of declared) {
    if (!candidates.has(d.name))
      problems.add(`variables.${d.name}`, "required variable not set (give it with -var or -var-file)", d.where);
  }

  // Render lazily, so a variable may use another whatever their order; a cycle is reported once.
  const values: Record<string, string> = {};
  const resolving: string[] = [];
  const failed = new Set<string>();
  const resolve = (name: string): string => {
    if (Object.hasOwn(values, name)) return values[name] as string;
    const candidate = candidates.get(name);
    if (!candidate)
      throw new LegacyUserError(`user variable "${name}" is ${known.has(name) ? "not set" : "not declared"}`);
    if (resolving.includes(name))
      throw new LegacyUserError(`variables refer to each other in a cycle: ${[...resolving, name].join(" → ")}`);
    resolving.push(name);
    try {
      const value = renderGoTemplate(candidate.raw, { ...base, env: options.env, user: resolve });
      values[name] = value;
      return value;
    } finally {
      resolving.pop();
    }
  };
  for (const name of candidates.keys()) {
    try {
      resolve(name);
    } catch (error) {
      if (failed.has(name)) continue;
      failed.add(name);
      const candidate = candidates.get(name) as Candidate;
      if (error instanceof GoTemplateError || error instanceof LegacyUserError) {
        const at =
          candidate.where && error instanceof GoTemplateError
            ? locateInString(candidate.where, candidate.raw, error.offset)
            : candidate.where;
        problems.add(candidate.field, error.message, at);
      } else {
        throw error;
      }
    }
  }

  const sensitiveValues = [...sensitiveNames].map((n) => values[n]).filter((v): v is string => !!v);
  return {
    declared: declared.map((d) => ({ ...d, sensitive: sensitiveNames.has(d.name) })),
    values,
    sensitiveValues,
  };
}

class LegacyUserError extends Error {}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Packer decodes legacy variables weakly: numbers and bools become their text. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}
