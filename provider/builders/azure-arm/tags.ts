import { BUILD_ID_TAG, FINGERPRINT_TAG } from "../amazon-ebs/tags";

export { BUILD_ID_TAG, FINGERPRINT_TAG };

/** `azure_tags` plus the build ID: on every resource a build creates, so `kiln cleanup` finds leftovers. */
export function buildTags(azureTags: Readonly<Record<string, string>> | undefined, buildId: string) {
  return { ...(azureTags ?? {}), [BUILD_ID_TAG]: buildId };
}

/** ARM's `$filter` for resources (or groups) carrying one tag value. */
export function tagFilter(name: string, value: string): string {
  return `tagName eq '${name}' and tagValue eq '${value.replace(/'/g, "''")}'`;
}
