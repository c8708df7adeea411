import type { z } from "zod";
import { BUILDERS } from "../../provider/builders/registry";
import { sensitiveCommunicatorFields } from "../../provider/communicator/config";
import { postProcessors } from "../../provider/postprocessors/registry";
import { provisioners } from "../../provider/provisioners/registry";
import { type Field, fieldsOf } from "./walk";

/** One plugin as the generators see it: its kind, Packer type name, fields and secrets. */
export interface PluginFields {
  readonly kind: "builder" | "provisioner" | "post-processor";
  readonly type: string;
  readonly fields: readonly Field[];
  readonly sensitive: ReadonlySet<string>;
  /** Builders only: the inline resource key (`amazonEbs`), null when only templates select it. */
  readonly inlineKey?: string | null;
}

async function fromRegistry(
  kind: PluginFields["kind"],
  registry: {
    types: readonly string[];
    get(type: string): Promise<{ schema: z.ZodType; sensitiveFields?: readonly string[] } | undefined>;
  },
): Promise<PluginFields[]> {
  const out: PluginFields[] = [];
  for (const type of registry.types) {
    const plugin = await registry.get(type);
    if (!plugin) throw new Error(`${kind} ${type} is registered but does not load`);
    out.push({ kind, type, fields: fieldsOf(plugin.schema), sensitive: new Set(plugin.sensitiveFields ?? []) });
  }
  return out;
}

/** Every plugin in the registries, in registry order: the generators' only input. */
export async function allPlugins(): Promise<PluginFields[]> {
  const builders: PluginFields[] = Object.values(BUILDERS).map((d) => ({
    kind: "builder",
    type: d.type,
    fields: fieldsOf(d.schema),
    sensitive: new Set([...d.sensitiveFields, ...sensitiveCommunicatorFields]),
    inlineKey: d.inlineKey,
  }));
  return [
    ...builders,
    ...(await fromRegistry("provisioner", provisioners)),
    ...(await fromRegistry("post-processor", postProcessors)),
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
