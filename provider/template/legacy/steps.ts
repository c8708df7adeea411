import { parseDuration } from "../../util/duration";
import { type JsonDocument, pointer } from "../json-source";
import type { Problems } from "../problems";
import { isPlainObject } from "./variables";

/**
 * Provisioner and post-processor entries of a legacy template, checked once: type, only/except (which
 * must name builders), override, pause_before, max_retries, timeout, keep_input_artifact and name.
 * Their configs are rendered per builder by render.ts.
 */
/** only/except of a provisioner or post-processor, for one builder (Packer skips it, unrendered). */
export function applies(step: { only?: string[]; except?: string[] }, builderName: string): boolean {
  if (step.only?.length) return step.only.includes(builderName);
  if (step.except?.length) return !step.except.includes(builderName);
  return true;
}

export interface ProvisionerShape {
  readonly type: string;
  readonly ptr: string;
  readonly field: string;
  readonly raw: Record<string, unknown>;
  readonly only?: string[];
  readonly except?: string[];
  readonly override?: Record<string, Record<string, unknown>>;
  readonly pause_before?: string;
  readonly max_retries?: number;
  readonly timeout?: string;
}

export interface PostProcessorShape {
  readonly type: string;
  readonly name: string;
  readonly ptr: string;
  readonly field: string;
  readonly raw: Record<string, unknown>;
  readonly only?: string[];
  readonly except?: string[];
  readonly keep_input_artifact?: boolean;
}

/** Checks the meta-fields shared by provisioners and post-processors: type, only, except. */
function commonShape(
  raw: unknown,
  ptr: string,
  field: string,
  builderNames: readonly string[],
  doc: JsonDocument,
  problems: Problems,
): { type: string; only?: string[]; except?: string[] } | undefined {
  if (!isPlainObject(raw)) {
    problems.add(field, "must be an object", doc.values.get(ptr));
    return undefined;
  }
  if (typeof raw.type !== "string" || !raw.type) {
    problems.add(field, `missing "type"`, doc.values.get(ptr));
    return undefined;
  }
  const names = (key: "only" | "except") => {
    const value = raw[key];
    if (value === undefined) return undefined;
    const where = doc.keys.get(`${ptr}/${key}`);
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      problems.add(`${field}.${key}`, "must be a list of builder names", where);
      return undefined;
    }
    for (const name of value) {
      if (!builderNames.includes(name)) {
        problems.add(
          `${field}.${key}`,
          `"${name}" is not a builder name (builders: ${builderNames.join(", ")})`,
          where,
        );
      }
    }
    return value as string[];
  };
  const only = names("only");
  const except = names("except");
  if (only?.length && except?.length)
    problems.add(field, "only one of 'only' or 'except' may be specified", doc.values.get(ptr));
  return { type: raw.type, ...(only ? { only } : {}), ...(except ? { except } : {}) };
}

export function provisionerShape(
  raw: unknown,
  ptr: string,
  field: string,
  builderNames: readonly string[],
  doc: JsonDocument,
  problems: Problems,
): ProvisionerShape | undefined {
  const common = commonShape(raw, ptr, field, builderNames, doc, problems);
  if (!common) return undefined;
  const obj = raw as Record<string, unknown>;
  const keyAt = (key: string) => doc.keys.get(`${ptr}/${key}`);
  const duration = (key: "pause_before" | "timeout") => {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value === "string") {
      try {
        parseDuration(value);
        return value;
      } catch (error) {
        problems.add(`${field}.${key}`, (error as Error).message, keyAt(key));
        return undefined;
      }
    }
    problems.add(`${field}.${key}`, 'must be a Go duration string such as "30s"', keyAt(key));
    return undefined;
  };
  let maxRetries: number | undefined;
  if (obj.max_retries !== undefined) {
    const n = typeof obj.max_retries === "string" ? Number(obj.max_retries) : obj.max_retries;
    if (typeof n === "number" && Number.isInteger(n) && n >= 0) maxRetries = n;
    else problems.add(`${field}.max_retries`, "must be a whole number of retries", keyAt("max_retries"));
  }
  let override: Record<string, Record<string, unknown>> | undefined;
  if (obj.override !== undefined) {
    if (!isPlainObject(obj.override) || !Object.values(obj.override).every(isPlainObject)) {
      problems.add(`${field}.override`, "must be an object of builder name → fields", keyAt("override"));
    } else {
      for (const name of Object.keys(obj.override)) {
        if (!builderNames.includes(name)) {
          problems.add(
            `${field}.override`,
            `"${name}" is not a builder name (builders: ${builderNames.join(", ")})`,
            doc.keys.get(`${ptr}/override${pointer(name)}`),
          );
        }
      }
      override = obj.override as Record<string, Record<string, unknown>>;
    }
  }
  const pauseBefore = duration("pause_before");
  const timeout = duration("timeout");
  return {
    ...common,
    ptr,
    field,
    raw: obj,
    ...(override ? { override } : {}),
    ...(pauseBefore !== undefined ? { pause_before: pauseBefore } : {}),
    ...(maxRetries !== undefined ? { max_retries: maxRetries } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  };
}

/** A post-processor entry: "type", {type, …}, or a chain [ … ] of those. */
export function postProcessorChain(
  raw: unknown,
  i: number,
  builderNames: readonly string[],
  doc: JsonDocument,
  problems: Problems,
): PostProcessorShape[] {
  const one = (item: unknown, ptr: string, field: string): PostProcessorShape | undefined => {
    if (typeof item === "string") return { type: item, name: item, ptr, field, raw: {} };
    if (Array.isArray(item)) {
      problems.add(field, "a chain may not be nested in a chain", doc.values.get(ptr));
      return undefined;
    }
    const common = commonShape(item, ptr, field, builderNames, doc, problems);
    if (!common) return undefined;
    const obj = item as Record<string, unknown>;
    if (obj.name !== undefined && typeof obj.name !== "string")
      problems.add(`${field}.name`, "must be a string", doc.keys.get(`${ptr}/name`));
    const keep = obj.keep_input_artifact;
    if (keep !== undefined && typeof keep !== "boolean") {
      problems.add(`${field}.keep_input_artifact`, "must be true or false", doc.keys.get(`${ptr}/keep_input_artifact`));
    }
    return {
      ...common,
      name: typeof obj.name === "string" && obj.name ? obj.name : common.type,
      ptr,
      field,
      raw: obj,
      ...(typeof keep === "boolean" ? { keep_input_artifact: keep } : {}),
    };
  };
  const ptr = pointer("post-processors", i);
  if (Array.isArray(raw)) {
    return raw.flatMap((item, j) => one(item, `${ptr}/${j}`, `post-processors[${i}][${j}]`) ?? []);
  }
  const single = one(raw, ptr, `post-processors[${i}]`);
  return single ? [single] : [];
}
