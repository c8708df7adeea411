import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, expect } from "vitest";
import { ConfigError, type ConfigProblem, formatProblem } from "../../provider/engine/errors";
import { loadTemplate } from "../../provider/kiln";
import type { LoadedTemplate, LoadOptions } from "../../provider/template";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes files (name → content) into a fresh temp directory and returns its path. */
export function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "kiln-template-"));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

/** Loads a one-file HCL2 template from text; `options.env` defaults to empty so the host's PKR_VAR_ cannot leak in. */
export async function loadHcl(
  text: string,
  options: LoadOptions = {},
  extra: Record<string, string> = {},
): Promise<LoadedTemplate> {
  const dir = fixture({ "main.pkr.hcl": text, ...extra });
  return loadTemplate(dir, { env: {}, ...options });
}

/** Runs a load that must fail and returns its problems. */
export async function problemsOf(load: Promise<unknown>): Promise<readonly ConfigProblem[]> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the template to be rejected").toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

/** The single problem of a failing load, formatted `file:line:col: field: message`. */
export async function problemOf(load: Promise<unknown>): Promise<string> {
  const problems = await problemsOf(load);
  expect(problems.map(formatProblem)).toHaveLength(1);
  return formatProblem(problems[0] as ConfigProblem);
}

/** Drops locations so assertions can compare configs by value. */
export function withoutLocations<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === "where" || k === "fieldLocations" ? undefined : v)));
}
