import type { SourceLocation } from "../engine/errors";
import type { BuildSpec } from "../spec/types";
import type { DataSources } from "./hcl2/data-sources";

export interface LoadOptions {
  /** `-var name=value`; wins over every other source. */
  vars?: Record<string, string>;
  /** `-var-file`: `*.pkrvars.hcl` or `.json` (legacy templates: JSON), later files win. */
  varFiles?: string[];
  /** For `PKR_VAR_*` values. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Build name globs to keep (`amazon-ebs.web`, `mybuild.*`). */
  only?: string[];
  /** Build (and post-processor) name globs to drop. */
  except?: string[];
}

export interface LoadedTemplate {
  builds: BuildSpec[];
  /** Template files read (absolute paths), variable files included. */
  files: string[];
  variables: { name: string; sensitive: boolean; where: SourceLocation }[];
  /** Values of sensitive variables (string leaves), for the engine's redaction. */
  sensitiveValues: string[];
}

/** Options with defaults applied, plus the instant `{{timestamp}}` and `timestamp()`-like values share. */
export interface ResolvedOptions {
  readonly vars: Readonly<Record<string, string>>;
  readonly varFiles: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly only: readonly string[];
  readonly except: readonly string[];
  readonly initTime: Date;
  /** The data sources `data` blocks may name (the caller's: the loader imports no plugin). */
  readonly dataSources: DataSources;
}
