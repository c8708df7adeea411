import type { ResourceType, Tag, TagSpecification } from "@aws-sdk/client-ec2";

/** On every resource a build creates, temporary or not: how `kiln cleanup --build-id` finds leftovers. */
export const BUILD_ID_TAG = "kiln:build-id";
/**
 * On every AMI and snapshot of a finished build: the content fingerprint of its inputs. Set last, after
 * every region copy and attribute change succeeded, so only complete artifacts are found for reuse.
 */
export const FINGERPRINT_TAG = "kiln:fingerprint";

/** `{a: "1"}` → `[{Key: "a", Value: "1"}]`; later maps win on duplicate keys. */
export function toTags(...maps: (Readonly<Record<string, string>> | undefined)[]): Tag[] {
  const merged: Record<string, string> = {};
  for (const map of maps) Object.assign(merged, map ?? {});
  return Object.entries(merged).map(([Key, Value]) => ({ Key, Value }));
}

export function tagSpec(type: ResourceType, tags: Tag[]): TagSpecification {
  return { ResourceType: type, Tags: tags };
}

export function buildIdTag(buildId: string): Record<string, string> {
  return { [BUILD_ID_TAG]: buildId };
}

/** A DescribeX filter that matches resources of one build. */
export function buildIdFilter(buildId: string) {
  return { Name: `tag:${BUILD_ID_TAG}`, Values: [buildId] };
}

/** Packer-style filter maps (`{name: "ubuntu/*"}`) → EC2 filters. */
export function toFilters(map: Readonly<Record<string, string | readonly string[]>> | undefined) {
  return Object.entries(map ?? {}).map(([Name, v]) => ({ Name, Values: typeof v === "string" ? [v] : [...v] }));
}

/** Whether a resource carries another build's ID (so a lookup by name must not touch it). */
export function taggedByOtherBuild(resource: { Tags?: Tag[] }, buildId: string): boolean {
  return (resource.Tags ?? []).some((t) => t.Key === BUILD_ID_TAG && t.Value !== buildId);
}
