import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { appendFile, mkdir } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { resolvePath } from "../util/paths";
import { renderCommandTemplate } from "../util/shell";
import type { PostProcessor } from "./types";

const checksumTypes = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] as const;

const checksumSchema = z.strictObject({
  checksum_types: z.array(z.enum(checksumTypes)).min(1).optional().describe('Hash algorithms. @default ["md5"]'),
  output: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Checksum file path template. @default "packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum"',
    ),
  keep_input_artifact: z.boolean().optional().describe("Keep the input artifact. @default true"),
});
export type ChecksumConfig = z.infer<typeof checksumSchema>;

const DEFAULT_OUTPUT = "packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum";

/** Packer's `checksum` post-processor: one checksum file per type listing every artifact file. */
export const checksumPostProcessor: PostProcessor<ChecksumConfig> = {
  type: "checksum",
  summary: "One checksum file per type listing every artifact file.",
  schema: checksumSchema,
  check: null,
  sensitiveFields: [],
  localInputs: () => [],
  async run(config, artifact, context, signal) {
    const { ctx } = context;
    const outputs: string[] = [];
    for (const type of config.checksum_types ?? ["md5"]) {
      const output = resolvePath(
        ctx.baseDir,
        renderCommandTemplate(
          config.output ?? DEFAULT_OUTPUT,
          { BuildName: ctx.sourceName, BuilderType: artifact.builderType, ChecksumType: type },
          "output",
        ),
      );
      await mkdir(dirname(output), { recursive: true });
      for (const file of artifact.files) {
        const hash = createHash(type);
        await pipeline(createReadStream(resolvePath(ctx.baseDir, file)), hash, { signal });
        // Packer's line format: hex digest, a tab, the file's base name.
        await appendFile(output, `${hash.digest("hex")}\t${basename(file)}\n`);
      }
      outputs.push(output);
      context.output("stdout", `Wrote ${type} checksums to ${output}`);
    }
    return {
      buildName: artifact.buildName,
      builderType: "checksum",
      id: outputs.join(","),
      files: outputs,
      details: {},
    };
  },
};
