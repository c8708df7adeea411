import { traceWork } from "../engine/trace";
import { findTemplateFiles } from "./files";
import type { DataSources } from "./hcl2/data-sources";
import { loadHcl2Template } from "./hcl2/load";
import { loadLegacyTemplate } from "./legacy/template";
import type { LoadedTemplate, LoadOptions, ResolvedOptions } from "./types";

export {
  BuildDataError,
  COMMON_BUILD_DATA_KEYS,
  deferredBuildData,
  deferredBuildKeys,
  resolveBuildData,
} from "./build-data";
export type { DataSources } from "./hcl2/data-sources";
export type { LoadedTemplate, LoadOptions } from "./types";

/**
 * Loads a Packer template — a directory or file of HCL2 (`*.pkr.hcl`, `*.pkr.json`) or a legacy JSON
 * template — into BuildSpecs, with every block and field located for error messages. Bad input of any
 * kind throws a ConfigError listing each problem with file, line and column, before anything runs.
 * Build data (`build.Host`…) stays as deferred markers: call `resolveBuildData` when a build has it.
 */
export async function loadTemplate(
  path: string,
  dataSources: DataSources,
  options: LoadOptions = {},
): Promise<LoadedTemplate> {
  traceWork("template-load", path);
  const resolved: ResolvedOptions = {
    vars: options.vars ?? {},
    varFiles: options.varFiles ?? [],
    env: options.env ?? process.env,
    only: options.only ?? [],
    except: options.except ?? [],
    // One instant per load: every `{{timestamp}}` and `{{isotime}}` prints the same time, as in Packer.
    initTime: new Date(),
    dataSources,
  };
  const files = await findTemplateFiles(path);
  return files.kind === "legacy" ? loadLegacyTemplate(files, resolved) : loadHcl2Template(files, resolved);
}
