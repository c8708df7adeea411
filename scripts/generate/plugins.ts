import type { z } from "zod";
import { BUILDERS } from "../../provider/builders/registry";
import { sensitiveCommunicatorFields } from "../../provider/communicator/config";
import { DATA_SOURCES } from "../../provider/datasources/registry";
import { POST_PROCESSORS } from "../../provider/postprocessors/registry";
import { PROVISIONERS } from "../../provider/provisioners/registry";
import { type Field, fieldsOf } from "./walk";

/** One plugin as the generators see it: its kind, Packer type name, fields and secrets. */
export interface PluginFields {
  readonly kind: "builder" | "provisioner" | "post-processor" | "data source";
  readonly type: string;
  /** What it does, one line (the descriptor's `summary`). */
  readonly summary: string;
  readonly fields: readonly Field[];
  readonly sensitive: ReadonlySet<string>;
  /** Builders only: the inline resource key (`amazonEbs`), null when only templates select it. */
  readonly inlineKey?: string | null;
}

/** A plugin a BakedImage takes as an argument (a data source is read by templates only). */
export type ArgsPlugin = PluginFields & { readonly kind: Exclude<PluginFields["kind"], "data source"> };

export function isArgsPlugin(plugin: PluginFields): plugin is ArgsPlugin {
  return plugin.kind !== "data source";
}

/** Plugins of one kind from their descriptors: nothing is loaded, no SDK imported. */
function fromDescriptors(
  kind: PluginFields["kind"],
  descriptors: Readonly<Record<string, { summary: string; schema: z.ZodType; sensitiveFields: readonly string[] }>>,
): PluginFields[] {
  return Object.entries(descriptors).map(([type, d]) => ({
    kind,
    type,
    summary: d.summary,
    fields: fieldsOf(d.schema),
    sensitive: new Set(d.sensitiveFields),
  }));
}

/** Every plugin in the registries, in registry order: the generators' only input. */
export function allPlugins(): PluginFields[] {
  const builders: PluginFields[] = Object.values(BUILDERS).map((d) => ({
    kind: "builder",
    type: d.type,
    summary: d.summary,
    fields: fieldsOf(d.schema),
    sensitive: new Set([...d.sensitiveFields, ...sensitiveCommunicatorFields]),
    inlineKey: d.inlineKey,
  }));
  return [
    ...builders,
    ...fromDescriptors("provisioner", PROVISIONERS),
    ...fromDescriptors("post-processor", POST_PROCESSORS),
    ...fromDescriptors("data source", DATA_SOURCES),
  ];
}

/** `ami_name` → `amiName`. */
export function camelCase(name: string): string {
  return name.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `amazon-ebs` → `AmazonEbs`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** A doc for camelCase front ends: Packer's snake_case names in backticks (`ami_name`) become `amiName`. */
export function camelDoc(doc: string): string {
  return doc.replace(/`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`/g, (_, name: string) => `\`${camelCase(name)}\``);
}
