import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";
import { KilnError } from "../engine/errors";
import { redactValue } from "../engine/redact";
import { goJsonIndent } from "../util/go-json";
import { resolvePath } from "../util/paths";
import type { PostProcessor } from "./types";

const manifestSchema = z.strictObject({
  output: z.string().min(1).optional().describe('File the manifest is written to. @default "packer-manifest.json"'),
  strip_path: z.boolean().optional().describe("Record file names without their directories. @default false"),
  strip_time: z.boolean().optional().describe("Leave out `build_time`. @default false"),
  custom_data: z.record(z.string(), z.string()).optional().describe("Extra key/value pairs recorded with the build."),
});
export type ManifestConfig = z.infer<typeof manifestSchema>;

/** One entry of Packer's `packer-manifest.json`; field names and order are Packer's. */
export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time?: number;
  files: { name: string; size: number }[] | null;
  artifact_id: string;
  packer_run_uuid: string;
  custom_data: Record<string, string> | null;
}

export interface Manifest {
  builds: ManifestBuild[];
  last_run_uuid: string;
}

// Parallel builds append to the same file: writes to one path are serialised within the process.
const pending = new Map<string, Promise<void>>();

/** Packer's `manifest` post-processor: appends this build's artifact to a JSON manifest. */
export const manifestPostProcessor: PostProcessor<ManifestConfig> = {
  type: "manifest",
  summary: "Writes Packer's `packer-manifest.json`: every build's artifact ID and custom data.",
  schema: manifestSchema,
  check: null,
  sensitiveFields: [],
  localInputs: () => [],
  async run(config, artifact, context) {
    const { ctx } = context;
    const path = resolvePath(ctx.baseDir, config.output ?? "packer-manifest.json");
    const files = await Promise.all(
      artifact.files.map(async (file) => ({
        name: config.strip_path ? basename(file) : file,
        size: (await stat(resolvePath(ctx.baseDir, file))).size,
      })),
    );
    const entry: ManifestBuild = {
      name: ctx.sourceName,
      builder_type: artifact.builderType,
      ...(config.strip_time ? {} : { build_time: Math.floor(Date.now() / 1000) }),
      files: files.length ? files : null,
      artifact_id: artifact.id,
      packer_run_uuid: ctx.runUuid,
      custom_data: config.custom_data ? sortedKeys(redactValue(config.custom_data, ctx.redact)) : null,
    };
    const previous = pending.get(path) ?? Promise.resolve();
    const write = previous.then(() => appendEntry(path, entry, ctx.runUuid));
    pending.set(
      path,
      write.catch(() => undefined),
    );
    await write;
    context.output("stdout", `Adding build '${ctx.sourceName}' to manifest ${path}`);
    return artifact;
  },
};

/** Go writes a map's keys sorted (custom_data is a map[string]string in Packer). */
function sortedKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function appendEntry(path: string, entry: ManifestBuild, runUuid: string): Promise<void> {
  let manifest: Manifest = { builds: [], last_run_uuid: runUuid };
  const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing?.trim()) {
    try {
      manifest = JSON.parse(existing) as Manifest;
    } catch (error) {
      throw new KilnError("FILE_INVALID", `manifest ${path} exists but is not valid JSON; move it away or fix it`, {
        cause: error,
        context: { resource: path },
      });
    }
  }
  manifest.builds = [...(manifest.builds ?? []), entry];
  manifest.last_run_uuid = runUuid;
  // Write then rename, so an interrupted run never leaves half a manifest. Packer's layout: Go's
  // MarshalIndent, no newline at the end.
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, goJsonIndent(manifest));
  await rename(temp, path);
}
