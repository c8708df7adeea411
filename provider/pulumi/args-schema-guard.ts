// Compile-time guards, kept out of args.ts so the published argument types import no zod (zod's own
// declaration files need esModuleInterop, which the tsconfig of `pulumi new typescript` leaves unset).
import type { z } from "zod";
import type { ebsSchemas } from "../builders/amazon-ebs/config";
import type { AmazonEbsArgs } from "../generated/pulumi-args";

/** `amiName` → `ami_name`, at the type level. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;
type Assert<T extends true> = T;
type EbsFields = keyof z.input<ReturnType<typeof ebsSchemas>["ebsSchema"]>;
type ArgFields = SnakeCase<keyof AmazonEbsArgs & string>;

// Compile-time guards that the generated AmazonEbsArgs and the builder's schema name the same fields, both
// ways: a field added, renamed or removed in provider/builders/amazon-ebs/config.ts without `make generate`
// fails the build here.
export type AmazonEbsArgsHaveNoUnknownField = Assert<[Exclude<ArgFields, EbsFields>] extends [never] ? true : false>;
export type AmazonEbsArgsCoverTheSchema = Assert<[Exclude<EbsFields, ArgFields>] extends [never] ? true : false>;
