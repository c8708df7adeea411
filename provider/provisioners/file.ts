import { stat } from "node:fs/promises";
import { basename, join, posix } from "node:path";
import { z } from "zod";
import { resolvePath } from "../util/paths";
import { shellQuote } from "../util/shell";
import { requireCommunicator } from "./remote";
import type { Provisioner } from "./types";

const fileSchema = z.strictObject({
  source: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Local file or directory (upload), or remote path (download). A trailing `/` on a directory copies its contents.",
    ),
  sources: z.array(z.string().min(1)).optional().describe("Several local files or directories."),
  content: z.string().optional().describe("Literal file content to upload, in place of `source`."),
  destination: z.string().min(1).describe("Path on the machine (or locally, for downloads)."),
  direction: z.enum(["upload", "download"]).optional().describe('Copy to the machine or from it. @default "upload"'),
  generated: z
    .boolean()
    .optional()
    .describe("The source is created during the build, so it is not checked before the build starts. @default false"),
});
export type FileConfig = z.infer<typeof fileSchema>;

/** Packer's `file` provisioner: copies files and directories to or from the machine over SFTP. */
export const fileProvisioner: Provisioner<FileConfig> = {
  type: "file",
  summary: "Copies files and directories to or from the machine over SFTP.",
  sensitiveFields: [],
  schema: fileSchema,
  check(config) {
    const given = [config.source, config.sources, config.content].filter((v) => v !== undefined).length;
    if (given !== 1) return [{ field: "source", message: "exactly one of source, sources or content must be set" }];
    if (config.direction === "download" && config.content !== undefined) {
      return [{ field: "content", message: 'cannot be used with direction = "download"' }];
    }
    return [];
  },
  localInputs(config, baseDir) {
    if (config.direction === "download" || config.generated) return [];
    return sourcesOf(config).map((s) => resolvePath(baseDir, s));
  },
  async run(config, context, signal) {
    const communicator = requireCommunicator(context, "file");
    if (config.content !== undefined) {
      context.output("stdout", `Uploading content => ${config.destination}`);
      await communicator.upload(Buffer.from(config.content), config.destination, { signal });
      return;
    }
    const many = sourcesOf(config).length > 1;
    for (const source of sourcesOf(config)) {
      context.output(
        "stdout",
        `${config.direction === "download" ? "Downloading" : "Uploading"} ${source} => ${config.destination}`,
      );
      if (config.direction === "download") {
        const local = resolvePath(context.ctx.baseDir, config.destination);
        const isDir = (await communicator.exec(`test -d ${shellQuote(source)}`, { signal })).exitCode === 0;
        if (isDir) {
          const into = source.endsWith("/") ? local : join(local, posix.basename(source));
          await communicator.downloadDir(source, into, { signal });
        } else {
          const into = many || config.destination.endsWith("/") ? join(local, posix.basename(source)) : local;
          await communicator.download(source, into, { signal });
        }
        continue;
      }
      const local = resolvePath(context.ctx.baseDir, source);
      if ((await stat(local)).isDirectory()) {
        const remoteDir = source.endsWith("/") ? config.destination : posix.join(config.destination, basename(local));
        await communicator.uploadDir(local, remoteDir, { signal });
      } else {
        const remote =
          many || config.destination.endsWith("/")
            ? posix.join(config.destination, basename(local))
            : config.destination;
        await communicator.upload(local, remote, { signal });
      }
    }
  },
};

function sourcesOf(config: FileConfig): string[] {
  return config.source !== undefined ? [config.source] : [...(config.sources ?? [])];
}
