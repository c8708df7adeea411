// Filesystem functions. Relative paths resolve against the policy's baseDir (Packer: the template's
// directory, path.root), except abspath, which is Go's filepath.Abs: the working directory.
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { FunctionCallError } from "../errors";
import { type HclValue, isObject } from "../values";
import { argError, type CallContext, type HclFunction } from "./types";

const str = (name: string) => ({ name, type: "string" as const });

function resolve(ctx: CallContext, p: string): string {
  return path.resolve(ctx.policy.baseDir ?? process.cwd(), expandHome(p));
}

function expandHome(p: string): string {
  if (p === "~") return homedir();
  if (p.startsWith("~/")) return path.join(homedir(), p.slice(2));
  return p;
}

export function readTextFile(ctx: CallContext, p: string): string {
  const full = resolve(ctx, p);
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FunctionCallError(`no file exists at ${p}`);
    if (code === "EISDIR") throw new FunctionCallError(`${p} is a directory, not a file`);
    throw new FunctionCallError(`failed to read ${p}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FunctionCallError(
      `contents of ${p} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents`,
    );
  }
}

/** Go's filepath.Base. */
function basename(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Go's filepath.Dir (Clean of everything before the last separator). */
function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  const dir = p.slice(0, i + 1);
  return clean(dir === "" ? "." : dir);
}

/** Go's filepath.Clean. */
function clean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
      else if (!rooted) parts.push("..");
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? "/" : "") + parts.join("/");
  return out === "" ? "." : out;
}

export const filesystemFunctions: Record<string, HclFunction> = {
  file: { params: [str("path")], impl: ([p], ctx) => readTextFile(ctx, p as string) },
  fileexists: {
    params: [str("path")],
    impl: ([p], ctx) => {
      const full = resolve(ctx, p as string);
      if (!existsSync(full)) return false;
      const st = statSync(full);
      if (st.isFile()) return true;
      throw argError(0, `${p} is not a regular file`);
    },
  },
  fileset: {
    params: [str("path"), str("pattern")],
    impl: ([p, pattern], ctx) => {
      const base = resolve(ctx, p as string);
      // doublestar semantics: `*` matches dot files too; results are files relative to path, sorted.
      // Loaded on first use: only fileset needs it.
      const fg = require("fast-glob") as typeof import("fast-glob");
      const found = fg.sync(pattern as string, { cwd: base, onlyFiles: true, dot: true, followSymbolicLinks: true });
      return [...new Set(found)].sort();
    },
  },
  templatefile: {
    params: [str("path"), { name: "vars", type: "any" }],
    impl: ([p, vars], ctx) => {
      if (!isObject(vars as HclValue)) throw argError(1, "must be a map or object");
      for (const k of Object.keys(vars as object)) {
        if (!/^[\p{L}_][\p{L}\p{N}_-]*$/u.test(k))
          throw argError(
            1,
            `invalid template variable name ${JSON.stringify(k)}: must start with a letter, followed by zero or more letters, digits, and underscores`,
          );
      }
      return ctx.renderTemplateFile(p as string, vars as Record<string, HclValue>);
    },
  },
  abspath: {
    params: [str("path")],
    impl: ([p]) => path.resolve(process.cwd(), p as string),
  },
  basename: { params: [str("path")], impl: ([p]) => basename(p as string) },
  dirname: { params: [str("path")], impl: ([p]) => dirname(p as string) },
  pathexpand: { params: [str("path")], impl: ([p]) => expandHome(p as string) },
  pwd: {
    params: [],
    impl: (_a, ctx) => {
      if (!ctx.policy.baseDir && !process.cwd()) throw new FunctionCallError("cannot determine the working directory");
      return process.cwd();
    },
  },
};
