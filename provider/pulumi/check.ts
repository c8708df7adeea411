import { SSH_SESSION_MODES } from "../communicator/types";
import { ConfigError, type ConfigProblem, errorMessage, formatLocation } from "../engine/errors";
import { makeRedactor } from "../engine/redact";
import { prepare } from "../kiln";
import { parseDuration } from "../util/duration";
import { contentFingerprint } from "./fingerprint";
import { type BakedImageInputs, containsUnknown, UNKNOWN } from "./inputs";
import { camelPath } from "./packer-fields";
import { INVALID_FINGERPRINT } from "./program";
import { ArgsError, type ArgsFailure, formOf, type ImageSpec, imageSpec, withUniqueName } from "./to-spec";

/** What `check` found, from one load and one validation of the build. */
export interface CheckedImage {
  readonly failures: ArgsFailure[];
  /** The content fingerprint, when asked for: `invalid` with failures, UNKNOWN while inputs are unknown. */
  readonly fingerprint?: string;
  /** The image the args map to, when they do (even if the build it describes has problems). */
  readonly image?: ImageSpec;
}

/** The inputs `check` reads; the fingerprint is not among them when `check` computes it. */
export type CheckInputs = Omit<BakedImageInputs, "fingerprint">;

/**
 * Validates the build the way `kiln validate` does — every plugin's schema, cross-field rules, local
 * files — and names the Pulumi property at fault, so a bad build fails at `pulumi preview` before anything
 * is created. Inputs not known yet (preview of a stack whose other resources are still to be created)
 * skip validation: it runs again at `pulumi up`, when they are.
 */
export async function checkInputs(news: CheckInputs): Promise<ArgsFailure[]> {
  return (await checkImage(news)).failures;
}

/**
 * `checkInputs`, and with `fingerprint` the content fingerprint too, from the same load and validation:
 * for front ends whose check computes what the Node program computes for the dynamic resource (the
 * provider plugin, `kiln image check`). The fingerprint leaves the image name out, so the suffixed name
 * validated here gives the value the unsuffixed one would.
 */
export async function checkImage(news: CheckInputs, options: { fingerprint?: boolean } = {}): Promise<CheckedImage> {
  if (containsUnknown(news)) return { failures: [], ...(options.fingerprint ? { fingerprint: UNKNOWN } : {}) };
  const redact = makeRedactor(news.sensitiveValues ?? []);
  const failures: ArgsFailure[] = [];
  if (news.timeout !== undefined) {
    try {
      if (parseDuration(news.timeout) <= 0) failures.push({ property: "timeout", reason: "must be longer than 0s" });
    } catch (error) {
      failures.push({ property: "timeout", reason: errorMessage(error) });
    }
  }
  if (news.sshSession !== undefined && !(SSH_SESSION_MODES as readonly string[]).includes(news.sshSession)) {
    failures.push({ property: "sshSession", reason: `must be one of ${SSH_SESSION_MODES.join(", ")}` });
  }
  let image: ImageSpec | undefined;
  let fingerprint: string | undefined = options.fingerprint ? INVALID_FINGERPRINT : undefined;
  try {
    // Validate the name the image will get, suffix included: a name too long only with it fails here too.
    image = withUniqueName(await imageSpec(news), new Date(0), "0000");
    const prepared = await prepare(image.spec);
    if (options.fingerprint) fingerprint = await contentFingerprint(image, prepared);
  } catch (error) {
    failures.push(...failuresOf(error, news));
  }
  return {
    failures: failures.map((f) => ({ property: f.property, reason: redact(f.reason) })),
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    ...(image ? { image } : {}),
  };
}

function failuresOf(error: unknown, news: CheckInputs): ArgsFailure[] {
  if (error instanceof ArgsError) return [...error.failures];
  const form = formOf(news);
  const fallback = form.form === "inline" ? form.key : "template";
  if (!(error instanceof ConfigError)) return [{ property: fallback, reason: errorMessage(error) }];
  return error.problems.map((p) =>
    form.form === "inline"
      ? { property: inlineProperty(p.field, form.key), reason: p.message }
      : { property: templateProperty(p.field), reason: located(p) },
  );
}

/** `source "amazon-ebs" "web".metadata_options.http_tokens` → `amazonEbs.metadataOptions.httpTokens`, etc. */
export function inlineProperty(field: string, builderKey: string): string {
  const source = /^source "[^"]*" "[^"]*"(?:\.(.+))?$/.exec(field);
  if (source) return join(builderKey, source[1]);
  const provisioner = /^provisioner\[(\d+)\] "[^"]*"(?:\.(.+))?$/.exec(field);
  if (provisioner) return join(`provisioners[${provisioner[1]}]`, provisioner[2]);
  const cleanup = /^error-cleanup-provisioner "[^"]*"(?:\.(.+))?$/.exec(field);
  if (cleanup) return join("errorCleanupProvisioner", cleanup[1]);
  const post = /^post-processor\[(\d+)(?:\.(\d+))?\] "[^"]*"(?:\.(.+))?$/.exec(field);
  if (post) return join(`postProcessors[${post[1]}]${post[2] !== undefined ? `[${post[2]}]` : ""}`, post[3]);
  return camelPath(field);
}

/** A template's problems belong to the template file, except the selection. */
function templateProperty(field: string): string {
  if (field === "only" || field === "except") return field;
  if (field === "only/except") return "only";
  return "template";
}

function located(p: ConfigProblem): string {
  const at = formatLocation(p.where);
  return `${at ? `${at}: ` : ""}${p.field}: ${p.message}`;
}

function join(base: string, rest: string | undefined): string {
  return rest ? `${base}.${camelPath(rest)}` : base;
}
