/**
 * Pulumi args are camelCase; Packer's fields (what the engine validates) are snake_case. Keys of maps
 * whose keys are the user's own (tags, environment, filters) pass through unchanged.
 */
const USER_KEYED_MAPS = new Set([
  "tags",
  "snapshot_tags",
  "run_tags",
  "run_volume_tags",
  "spot_tags",
  "env",
  "filters",
  "region_kms_key_ids",
  "custom_data",
]);

/** `amiName` → `ami_name`; snake_case stays as it is, so Packer's own names work too. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `ami_name` → `amiName`, for naming a Pulumi property in errors. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Deep copy with object keys in Packer's snake_case; `undefined` and `null` fields are dropped. */
export function toPackerFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPackerFields);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === null) continue;
    const name = snakeCase(key);
    out[name] = USER_KEYED_MAPS.has(name) ? withoutEmpty(field) : toPackerFields(field);
  }
  return out;
}

/** A Packer error path (`metadata_options.http_tokens`, `launch_block_device_mappings[0].volume_size`) in camelCase. */
export function camelPath(path: string): string {
  return path
    .split(".")
    .map((part) => camelCase(part))
    .join(".");
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutEmpty(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}
