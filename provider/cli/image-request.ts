import { z } from "zod";
import { ConfigError, invalidValue } from "../engine/errors";
import type { ResolvedArgs } from "../pulumi/inputs";
import { isPlainObject } from "../pulumi/packer-fields";

/**
 * What `kiln image check|bake|destroy` receive from a front end that runs Kiln as a command (the CDKTF
 * `BakedImage` construct, from Terraform's local-exec): the BakedImage args in their plain form. It is
 * written into the Terraform configuration and state, so it never holds a secret: a sensitive value is
 * an environment reference (`envRef("NAME")`), read from the environment of the process at apply time.
 */
export const imageRequestSchema = z.strictObject({
  /** The construct's name: the default source name. */
  name: z.string().min(1),
  /** Who holds the image, written on its holder tag (`cdktf:<stack>/<path>`). */
  owner: z.string().min(1),
  /** BakedImage args, camelCase (see provider/pulumi/args.ts); `baseDir` absolute. */
  args: z.record(z.string(), z.unknown()),
});

export type ImageRequest = z.infer<typeof imageRequestSchema>;

/** The environment variable `kiln image` reads its request from (Terraform passes it from `self.input`). */
export const REQUEST_ENV = "KILN_IMAGE_REQUEST";

const ENV_REF = "kiln:env:";

/** A value read from the environment variable `name` when the image is baked; treated as a secret. */
export function envRef(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw invalidValue("envRef", `${JSON.stringify(name)} is not a variable name`);
  return `${ENV_REF}${name}`;
}

/** The variable an env reference names, or undefined for any other value. */
export function envRefName(value: unknown): string | undefined {
  return typeof value === "string" && value.startsWith(ENV_REF) ? value.slice(ENV_REF.length) : undefined;
}

export function parseImageRequest(text: string | undefined, origin: string): ImageRequest {
  if (!text) throw new ConfigError([{ field: origin, message: "no image request given" }]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ field: origin, message: `not JSON: ${(error as Error).message}` }]);
  }
  const parsed = imageRequestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ field: [origin, ...issue.path].join("."), message: issue.message })),
    );
  }
  return parsed.data;
}

export interface ResolvedRequest {
  readonly args: ResolvedArgs;
  /** The values read from the environment: redacted from every line of output. */
  readonly secrets: string[];
}

/**
 * Replaces every env reference with the variable's value. `strict` (baking) fails naming the property and
 * the variable when one is unset; otherwise (destroying, which needs only the credentials and endpoint)
 * an unset variable becomes an empty string.
 */
export function resolveEnvRefs(request: ImageRequest, env: NodeJS.ProcessEnv, strict: boolean): ResolvedRequest {
  const secrets: string[] = [];
  const missing: { field: string; message: string }[] = [];
  const walk = (value: unknown, path: string): unknown => {
    const name = envRefName(value);
    if (name !== undefined) {
      const found = env[name];
      if (found === undefined && strict)
        missing.push({ field: path, message: `environment variable ${name} is not set` });
      if (found) secrets.push(found);
      return found ?? "";
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
    if (isPlainObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}.${k}`)]));
    return value;
  };
  const args = Object.fromEntries(Object.entries(request.args).map(([k, v]) => [k, walk(v, k)])) as ResolvedArgs;
  if (missing.length) throw new ConfigError(missing);
  return { args, secrets };
}

/** What `kiln image check` prints: the fingerprint and every problem, for the construct to report at synth. */
export interface ImageCheckResult {
  readonly fingerprint: string;
  /** The builder type of the source the request builds (`amazon-ebs`), after a template's `only`/`except`. */
  readonly builderType: string;
  readonly failures: readonly { property: string; reason: string }[];
}
