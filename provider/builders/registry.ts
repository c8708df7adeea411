import { KilnError } from "../engine/errors";
import { descriptorRegistry, type Registry, staticRegistry } from "../util/lazy-registry";
import { amazonEbsDescriptor } from "./amazon-ebs/descriptor";
import { azureArmDescriptor } from "./azure-arm/descriptor";
import { nullDescriptor } from "./null";
import type { Builder, BuilderDescriptor } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each builder has its own config and state types
type AnyDescriptor = BuilderDescriptor<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: each builder has its own config and state types
type AnyBuilder = Builder<any, any>;

/**
 * Every builder, by Packer type name: adding one is its folder (a descriptor) and one line here. Front
 * ends (the engine, the Pulumi resource, the janitor, `kiln cleanup`, the generator) read only this.
 */
export const BUILDERS = {
  null: nullDescriptor,
  "amazon-ebs": amazonEbsDescriptor,
  "azure-arm": azureArmDescriptor,
} as const satisfies Record<string, AnyDescriptor>;

export type BuilderType = keyof typeof BUILDERS;
export const builderTypes: readonly BuilderType[] = Object.keys(BUILDERS).filter(isBuilderType);

export function isBuilderType(type: string): type is BuilderType {
  return Object.hasOwn(BUILDERS, type);
}

function unknownBuilder(type: string): KilnError {
  return new KilnError("UNKNOWN_BUILDER", `unknown builder type "${type}" (Kiln knows ${builderTypes.join(", ")})`);
}

/** The descriptor of a builder type; throws for a type Kiln does not know (never a silent default). */
export function builderDescriptor(type: string): AnyDescriptor {
  if (!isBuilderType(type)) throw unknownBuilder(type);
  return BUILDERS[type];
}

/** Loaded builders (descriptor and runtime together), by type: for the janitor, cleanup and destroy. */
const loadedBuilders: Registry<AnyBuilder, BuilderType> = descriptorRegistry<AnyDescriptor, BuilderType>(BUILDERS);

/** A builder with its runtime parts (steps, destroyer, image store, leftovers cleanup), loaded once. */
export async function loadBuilder(type: string): Promise<AnyBuilder> {
  const builder = await loadedBuilders.get(type);
  if (!builder) throw unknownBuilder(type);
  return builder;
}

/** The builders' descriptors, by type: what the engine validates against; it loads a runtime to run a build. */
export const builders: Registry<AnyDescriptor, BuilderType> = staticRegistry<AnyDescriptor, BuilderType>(BUILDERS);
