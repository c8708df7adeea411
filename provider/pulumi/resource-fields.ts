import { z } from "zod";
import { SSH_SESSION_MODES } from "../communicator/types";

/**
 * A provisioner or post-processor block: one of the plugins of that kind, told apart by `type`. The
 * generators render it as the union of the plugins' argument types (`ProvisionerArgs`) or schema types.
 */
export function pluginBlock(kind: "provisioner" | "post-processor"): z.ZodUnknown {
  return z.unknown().meta({ plugins: kind });
}

/**
 * The BakedImage resource's own fields (besides each builder's block, which comes from the builder
 * schemas), described once: the generators write from them the Pulumi argument types
 * (provider/generated/pulumi-args.ts, `BakedImageArgs`), the CDKTF props (plain-args.ts) and the package
 * schema (schema.json). Packer's snake_case names, as in the plugin schemas; the generators write
 * camelCase. A doc that must differ for the CDKTF construct (its values are plain, known at synth) carries
 * that front end's text in `.meta({ plain })`.
 */
export const resourceFields = z.object({
  source_name: z
    .string()
    .optional()
    .describe(
      'The source\'s name, as in `source "amazon-ebs" "<name>"`: the build is called `amazon-ebs.<name>`, provisioners see it as `PACKER_BUILD_NAME`. @default - the resource\'s name',
    ),
  provisioners: z
    .array(pluginBlock("provisioner"))
    .optional()
    .describe(
      'Run in order on the build machine: `{ type: "shell", inline: [...] }`, `{ type: "file", ... }`. @default []',
    ),
  error_cleanup_provisioner: pluginBlock("provisioner")
    .optional()
    .describe(
      "Runs on the machine when the build fails, before it is torn down (Packer's `error-cleanup-provisioner`). @default - none",
    ),
  post_processors: z
    .array(z.union([pluginBlock("post-processor"), z.array(pluginBlock("post-processor"))]))
    .optional()
    .describe(
      "Run after the image is made, in order. An inner list is a chain (Packer's `post-processors` block). @default []",
    ),
  tags: z.record(z.string(), z.string()).optional().meta({
    description:
      "Tags on the image and its snapshots in every region, under the builder's own `tags`/`snapshot_tags` (which win on the same key). Changing them re-tags the existing image in place. @default {}",
    plain:
      "Tags on the image and its snapshots. An edit is recorded, not applied to the current image (it applies to the next one). @default {}",
  }),
  template: z
    .string()
    .optional()
    .describe(
      "A Packer template (`.pkr.hcl`, `.pkr.json`, or a directory of them) to build instead of a builder block.",
    ),
  vars: z.record(z.string(), z.string()).optional().meta({
    description: "Template variables, as `-var name=value`. Pass sensitive ones as Pulumi secrets. @default {}",
    plain: 'Template variables, as `-var name=value`. Sensitive ones as `BakedImage.fromEnv("NAME")`. @default {}',
  }),
  var_files: z
    .array(z.string())
    .optional()
    .describe("Variable files (`*.pkrvars.hcl`), as `-var-file`; later files win."),
  only: z
    .array(z.string())
    .optional()
    .describe("Build only these sources of the template (`amazon-ebs.web`, globs allowed); one source must remain."),
  except: z.array(z.string()).optional().describe("Skip these sources (and post-processors) of the template."),
  base_dir: z.string().optional().meta({
    description:
      "Directory relative paths (scripts, files, the template) resolve against. @default - the Pulumi project directory",
    plain:
      "Directory relative paths (scripts, files, the template) resolve against. @default - the current directory at synth",
  }),
  timeout: z.string().optional().meta({
    description:
      'Time limit for the build (Go duration). When it runs out the build is cancelled and everything it created is removed. Pulumi\'s `customTimeouts` do not reach the build; this does. @default "2h"',
    plain:
      'Time limit for the build (Go duration). When it runs out the build is cancelled and everything it created is removed. @default "2h"',
  }),
  retain_on_delete: z
    .boolean()
    .optional()
    .describe(
      "Leave the image and its snapshots in the cloud when the resource is deleted or replaced. @default false",
    ),
  reuse: z
    .boolean()
    .optional()
    .describe(
      "Adopt an existing image baked by a `BakedImage` from identical content (same fingerprint) instead of baking again. An adopted image is shared: see the README for who deletes it. @default false",
    ),
  ssh_session: z
    .enum(SSH_SESSION_MODES as [string, ...string[]])
    .optional()
    .describe(
      "How the build's SSH commands run: `agent` runs them through one session per connection, whose login environment is read once; `per-command` opens an SSH session for each command, as Packer does, so each re-reads startup files (~/.bashrc). Recorded in the stack; not part of the image's content, so changing it updates the resource in place and does not bake again. @default \"agent\"",
    ),
});

/** Fields every provisioner accepts besides its own. */
export const provisionerCommonFields = z.object({
  pause_before: z.string().optional().describe("Wait before running (Go duration)."),
  max_retries: z.number().optional().describe("Retries after a failure. @default 0"),
  timeout: z.string().optional().describe("Cancel the provisioner after this long (Go duration)."),
  only: z.array(z.string()).optional().describe("Run only for these sources (matters for templates with several)."),
  except: z.array(z.string()).optional().describe("Skip these sources."),
});

/** Fields every post-processor accepts besides its own. */
export const postProcessorCommonFields = z.object({
  only: z.array(z.string()).optional().describe("Run only for these sources."),
  except: z.array(z.string()).optional().describe("Skip these sources."),
  keep_input_artifact: z
    .boolean()
    .optional()
    .describe("Keep the artifact this post-processor was given. @default true"),
});

/** What the resource exposes once created; `secret` outputs stay encrypted in the state. */
export const resourceOutputs = z.object({
  image_id: z.string().describe("The image in the build region: an AMI ID for `amazonEbs`."),
  artifact_id: z.string().describe("Packer's artifact ID: `region:ami-1,region:ami-2`."),
  images: z.record(z.string(), z.string()).describe("Region → image ID, the build region and every copy."),
  snapshot_ids: z.array(z.string()).describe("Snapshots of the image in every region."),
  fingerprint: z
    .string()
    .describe("Content fingerprint: the build's settings and the bytes of every file it uploads or runs."),
  build_time: z.string().describe("When this resource baked (or adopted) the image, RFC 3339."),
  manifest: z.string().describe("Packer's `packer-manifest.json` for this build, as JSON text."),
  image_name: z.string().describe("The image's name, with the suffix that keeps it unique."),
  build_name: z.string().describe("The build's name, `amazon-ebs.<sourceName>`."),
  adopted: z
    .boolean()
    .describe("The image was baked earlier from identical content and adopted (`reuse`), not baked by this resource."),
});

/** Outputs that are secret whatever the inputs were (they may carry custom data or credentials). */
export const SECRET_OUTPUT_FIELDS = ["manifest"] as const;
