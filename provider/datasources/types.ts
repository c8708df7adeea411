import type { z } from "zod";

/**
 * Everything Kiln knows about one data source type (`data "<type>" "<name>" { … }`) without reading it.
 * Every member is required, so a missing piece is a compile error in `DATA_SOURCES`.
 */
export interface DataSourceDescriptor<C = unknown, V = unknown> {
  readonly type: string;
  /** One line saying what it does: the README's plugin table (`make generate`). */
  readonly summary: string;
  /** The block's fields (a `.describe()` per field); strict, so unknown fields are errors. */
  readonly schema: z.ZodType<C, unknown>;
  /** Fields holding secrets: redacted from output. */
  readonly sensitiveFields: readonly string[];
  /** The part that reads (and may bring a cloud SDK), loaded on first use. */
  load(): Promise<DataSourceRuntime<V>>;
}

export interface DataSourceRuntime<V = unknown> {
  /** Reads the value `data.<type>.<name>` exposes; validates the raw block, problems naming its fields. */
  read(config: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<V>;
}
