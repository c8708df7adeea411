import type { SourceLocation } from "../../engine/errors";
import type { PostProcessorSpec, ProvisionerSpec } from "../../spec/types";
import { type GoTemplateContext, GoTemplateError, hasGoTemplate, renderGoTemplate } from "../gotemplate/render";
import { fieldLocations, type JsonDocument, pointer } from "../json-source";
import type { Problems } from "../problems";
import type { PostProcessorShape, ProvisionerShape } from "./steps";
import { locateInString } from "./strings";
import { isPlainObject } from "./variables";

const PROVISIONER_KEYS = new Set(["type", "only", "except", "override", "pause_before", "max_retries", "timeout"]);

/** Renders `{{ }}` in every string of a value, reporting errors at the string's position. */
export class Renderer {
  constructor(
    private readonly doc: JsonDocument,
    private readonly problems: Problems,
  ) {}

  deep(value: unknown, ptr: string, field: string, ctx: GoTemplateContext): unknown {
    if (typeof value === "string") {
      if (!hasGoTemplate(value)) return value;
      try {
        return renderGoTemplate(value, ctx);
      } catch (error) {
        if (!(error instanceof GoTemplateError)) throw error;
        const start = this.doc.values.get(ptr);
        this.problems.add(
          field,
          ctx.buildName ? `${error.message} (building "${ctx.buildName}")` : error.message,
          start && locateInString(start, value, error.offset),
        );
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((item, i) => this.deep(item, `${ptr}/${i}`, `${field}[${i}]`, ctx));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const rendered = this.deep(v, `${ptr}${pointer(k)}`, `${field}.${k}`, ctx);
        Object.defineProperty(out, k, { value: rendered, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }

  provisioner(p: ProvisionerShape, builderName: string, ctx: GoTemplateContext): ProvisionerSpec {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p.raw)) if (!PROVISIONER_KEYS.has(k)) config[k] = v;
    const rendered = this.deep(config, p.ptr, p.field, ctx) as Record<string, unknown>;
    const override = p.override?.[builderName];
    if (override) {
      // Packer replaces top-level fields with the override's (no deep merge).
      const overridePtr = `${p.ptr}/override${pointer(builderName)}`;
      Object.assign(rendered, this.deep(override, overridePtr, `${p.field}.override.${builderName}`, ctx));
    }
    return {
      type: p.type,
      config: rendered,
      ...(p.only ? { only: p.only } : {}),
      ...(p.except ? { except: p.except } : {}),
      ...(p.pause_before !== undefined ? { pause_before: p.pause_before } : {}),
      ...(p.max_retries !== undefined ? { max_retries: p.max_retries } : {}),
      ...(p.timeout !== undefined ? { timeout: p.timeout } : {}),
      where: this.doc.values.get(p.ptr),
      fieldLocations: {
        ...withoutKeys(fieldLocations(this.doc, p.ptr), ["type", "override"]),
        ...(override ? fieldLocations(this.doc, `${p.ptr}/override${pointer(builderName)}`) : {}),
      },
    };
  }

  postProcessor(pp: PostProcessorShape, ctx: GoTemplateContext): PostProcessorSpec {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(pp.raw)) {
      if (!["type", "name", "only", "except", "keep_input_artifact"].includes(k)) config[k] = v;
    }
    return {
      type: pp.type,
      config: this.deep(config, pp.ptr, pp.field, ctx) as Record<string, unknown>,
      ...(pp.only ? { only: pp.only } : {}),
      ...(pp.except ? { except: pp.except } : {}),
      ...(pp.keep_input_artifact !== undefined ? { keep_input_artifact: pp.keep_input_artifact } : {}),
      where: this.doc.values.get(pp.ptr),
      fieldLocations: withoutKeys(fieldLocations(this.doc, pp.ptr), ["type", "name"]),
    };
  }
}

export function withoutKeys(
  locations: Record<string, SourceLocation>,
  keys: readonly string[],
): Record<string, SourceLocation> {
  return Object.fromEntries(Object.entries(locations).filter(([k]) => !keys.includes(k.split(/[.[]/)[0] as string)));
}
