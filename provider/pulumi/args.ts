/**
 * The BakedImage's arguments: every type here is generated (provider/generated/pulumi-args.ts,
 * `make generate`) from the plugin schemas and the resource's own fields (resource-fields.ts), where
 * each field's doc is written once for the Pulumi types, the CDKTF props and schema.json.
 */
export type * from "../generated/pulumi-args";
