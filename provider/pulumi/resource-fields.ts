import { z } from "zod";

/**
 * The BakedImage resource's own fields (besides each builder's block, the provisioners and the
 * post-processors, which come from the plugin schemas), described once for the generated package schema
 * (schema.json). Packer's snake_case names, as in the plugin schemas; the generator writes camelCase.
 */
export const resourceFields = z.object({
  source_name: z
    .string()
    .optional()
    .describe(
      'The source\'s name, as in `source "amazon-ebs" "<name>"`: the build is called `amazon-ebs.<name>`. @default - the resource\'s name',
    ),
  tags: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Tags on the image and its snapshots in every region, under the builder's own (which win on the same key). Changing them re-tags the image in place.",
    ),
  template: z
    .string()
    .optional()
    .describe(
      "A Packer template (`.pkr.hcl`, `.pkr.json`, or a directory of them) to build instead of a builder block.",
    ),
  vars: z
    .record(z.string(), z.string())
    .optional()
    .describe("Template variables, as `-var name=value`. Pass sensitive ones as secrets."),
  var_files: z
    .array(z.string())
    .optional()
    .describe("Variable files (`*.pkrvars.hcl`), as `-var-file`; later files win."),
  only: z
    .array(z.string())
    .optional()
    .describe("Build only these sources of the template (`amazon-ebs.web`, globs allowed); one source must remain."),
  except: z.array(z.string()).optional().describe("Skip these sources (and post-processors) of the template."),
  base_dir: z
    .string()
    .optional()
    .describe(
      "Directory relative paths (scripts, files, the template) resolve against. @default - the project directory",
    ),
  timeout: z
    .string()
    .optional()
    .describe(
      'Time limit for the build (Go duration). When it runs out the build is cancelled and everything it created is removed. @default "2h"',
    ),
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
      "Adopt an existing image baked from identical content (same fingerprint) instead of baking again; shared images are deleted by their last holder. @default false",
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
