import { randomUUID } from "node:crypto";
import { deferredBuildData } from "../build-data";
import { goTimeFormat, strftime } from "../expr/functions/time-go";

const RFC3339 = "2006-01-02T15:04:05Z07:00";

import { KilnError } from "../../engine/errors";
import { type Command, GoTemplateSyntaxError, type Operand, type Pipeline, parseGoTemplate } from "./parse";

/**
 * Renders Packer's legacy `{{ … }}` interpolation in one string: `{{timestamp}}`, `{{isotime "…"}}`,
 * `{{uuid}}`, `{{user `x`}}`, `{{env `X`}}`, `{{build_name}}`… (packer-plugin-sdk
 * template/interpolate/funcs.go). Unknown functions are errors; actions on template data are kept for
 * the plugin that owns them.
 */
export interface GoTemplateContext {
  /** The instant `timestamp` and `isotime` print: fixed once per load so every field agrees. */
  readonly initTime: Date;
  /** Legacy user variables for `{{user `x`}}`; undefined in HCL2 templates, which have none. */
  readonly userVariables?: Readonly<Record<string, string>>;
  /** Resolves `{{user `x`}}` lazily (variables referring to variables); wins over `userVariables`. */
  readonly user?: (name: string) => string;
  /** Set only while rendering the `variables` section: `env` is allowed nowhere else, as in Packer. */
  readonly env?: NodeJS.ProcessEnv;
  readonly buildName?: string;
  readonly buildType?: string;
  /** Absolute directory of the template, for `{{template_dir}}`. */
  readonly templateDir: string;
  readonly packerVersion: string;
}

/** Code `TEMPLATE_RENDER_FAILED`. */
export class GoTemplateError extends KilnError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super("TEMPLATE_RENDER_FAILED", message);
  }
}

type Value = string | number | boolean;
type Fn = (args: Value[], offset: number) => Value;

/** True when the text may contain an action; lets callers skip strings cheaply. */
export function hasGoTemplate(text: string): boolean {
  return text.includes("{{");
}

export function renderGoTemplate(text: string, ctx: GoTemplateContext): string {
  if (!hasGoTemplate(text)) return text;
  let segments: ReturnType<typeof parseGoTemplate>;
  try {
    segments = parseGoTemplate(text);
  } catch (error) {
    if (error instanceof GoTemplateSyntaxError) throw new GoTemplateError(error.message, error.offset);
    throw error;
  }
  const funcs = functions(ctx);
  let out = "";
  for (const segment of segments) {
    if (segment.kind === "text") out += segment.text;
    else if (segment.kind === "keep") out += segment.source;
    else out += show(runPipeline(segment.pipeline, funcs));
  }
  return out;
}

function show(value: Value): string {
  return typeof value === "string" ? value : String(value);
}

function runPipeline(pipeline: Pipeline, funcs: Record<string, Fn>): Value {
  let piped: Value | undefined;
  for (const command of pipeline) piped = runCommand(command, funcs, piped);
  return piped as Value;
}

function runCommand(command: Command, funcs: Record<string, Fn>, piped: Value | undefined): Value {
  const [head, ...rest] = command as [Operand, ...Operand[]];
  const args = rest.map((operand) => operandValue(operand, funcs));
  if (piped !== undefined) args.push(piped);
  if (head.kind === "call") {
    const fn = funcs[head.name];
    if (!fn) {
      throw new GoTemplateError(
        `function "${head.name}" is not defined (known: ${Object.keys(funcs).sort().join(", ")}; ` +
          `write {{"{{"}} for a literal "{{")`,
        head.offset,
      );
    }
    return fn(args, head.offset);
  }
  if (args.length) throw new GoTemplateError("can't give an argument to a non-function", 0);
  return operandValue(head, funcs);
}

function operandValue(operand: Operand, funcs: Record<string, Fn>): Value {
  switch (operand.kind) {
    case "string":
    case "number":
    case "bool":
      return operand.value;
    case "pipeline":
      return runPipeline(operand.pipeline, funcs);
    case "call": {
      const fn = funcs[operand.name];
      if (!fn) throw new GoTemplateError(`function "${operand.name}" is not defined`, operand.offset);
      return fn([], operand.offset);
    }
  }
}

function functions(ctx: GoTemplateContext): Record<string, Fn> {
  const fn =
    (name: string, arity: number, body: (...args: Value[]) => Value): Fn =>
    (args, offset) => {
      checkArity(name, args, arity, offset);
      return body(...args);
    };
  const str = (name: string, v: Value | undefined, offset = 0): string => {
    if (typeof v !== "string")
      throw new GoTemplateError(`${name}: expected a string, got ${JSON.stringify(v)}`, offset);
    return v;
  };
  const unavailable = (what: string) => (_: Value[], offset: number) => {
    throw new GoTemplateError(what, offset);
  };
  return {
    timestamp: fn("timestamp", 0, () => String(Math.floor(ctx.initTime.getTime() / 1000))),
    isotime: (args, offset) => {
      if (args.length > 1) throw new GoTemplateError(`too many values, 1 needed: ${args.join(" ")}`, offset);
      return goTimeFormat(args.length ? str("isotime", args[0], offset) : RFC3339, ctx.initTime);
    },
    strftime: fn("strftime", 1, (format) => strftime(str("strftime", format), ctx.initTime)),
    uuid: fn("uuid", 0, () => randomUUID()),
    user: (args, offset) => {
      checkArity("user", args, 1, offset);
      const name = str("user", args[0], offset);
      if (ctx.user) return ctx.user(name);
      if (!ctx.userVariables) {
        throw new GoTemplateError(
          `{{user \`${name}\`}}: HCL2 templates have no user variables; use var.${name}`,
          offset,
        );
      }
      const value = ctx.userVariables[name];
      if (value === undefined || !Object.hasOwn(ctx.userVariables, name)) {
        throw new GoTemplateError(`user variable "${name}" is not declared in "variables"`, offset);
      }
      return value;
    },
    env: (args, offset) => {
      checkArity("env", args, 1, offset);
      const name = str("env", args[0], offset);
      if (!ctx.env)
        throw new GoTemplateError(`{{env \`${name}\`}}: env is only allowed in the variables section`, offset);
      return ctx.env[name] ?? "";
    },
    build_name:
      ctx.buildName === undefined
        ? unavailable("build_name not available here")
        : fn("build_name", 0, () => ctx.buildName as string),
    build_type:
      ctx.buildType === undefined
        ? unavailable("build_type not available here")
        : fn("build_type", 0, () => ctx.buildType as string),
    build: fn("build", 1, (key) => deferredBuildData(str("build", key))),
    template_dir: fn("template_dir", 0, () => ctx.templateDir),
    pwd: fn("pwd", 0, () => process.cwd()),
    packer_version: fn("packer_version", 0, () => ctx.packerVersion),
    upper: fn("upper", 1, (s) => str("upper", s).toUpperCase()),
    lower: fn("lower", 1, (s) => str("lower", s).toLowerCase()),
    replace: (args, offset) => {
      checkArity("replace", args, 4, offset);
      const [from, to, n, src] = args;
      if (typeof n !== "number" || !Number.isInteger(n))
        throw new GoTemplateError("replace: n must be an integer", offset);
      return goReplace(str("replace", src, offset), str("replace", from, offset), str("replace", to, offset), n);
    },
    replace_all: fn("replace_all", 3, (from, to, src) =>
      goReplace(str("replace_all", src), str("replace_all", from), str("replace_all", to), -1),
    ),
    split: (args, offset) => {
      checkArity("split", args, 3, offset);
      const [s, sep, index] = args;
      if (typeof index !== "number" || !Number.isInteger(index))
        throw new GoTemplateError("split: index must be an integer", offset);
      const parts = str("split", s, offset).split(str("split", sep, offset));
      if (index < 0 || index >= parts.length) {
        throw new GoTemplateError(
          `the substring ${index} was unavailable using the separator value, ${String(sep)}, only ${parts.length} values were found`,
          offset,
        );
      }
      return parts[index] as string;
    },
    clean_resource_name: fn("clean_resource_name", 1, (s) => cleanResourceName(str("clean_resource_name", s))),
    sed: unavailable("template function `sed` is deprecated, use `replace` or `replace_all` instead"),
    consul_key: unavailable("consul_key is not supported by Kiln"),
    vault: unavailable("vault is not supported by Kiln"),
    aws_secretsmanager: unavailable("aws_secretsmanager is not supported by Kiln"),
    aws_secretsmanager_raw: unavailable("aws_secretsmanager_raw is not supported by Kiln"),
  };
}

function checkArity(name: string, args: readonly Value[], arity: number, offset: number): void {
  if (args.length !== arity) {
    throw new GoTemplateError(`wrong number of args for ${name}: want ${arity} got ${args.length}`, offset);
  }
}

/** Go's strings.Replace: the first `n` occurrences (all when n < 0); an empty `from` inserts between runes. */
function goReplace(src: string, from: string, to: string, n: number): string {
  if (n === 0 || from === to) return src;
  if (from === "") {
    const runes = [...src];
    const limit = n < 0 ? runes.length + 1 : Math.min(n, runes.length + 1);
    let out = "";
    for (let i = 0; i < runes.length; i++) out += (i < limit ? to : "") + runes[i];
    return out + (runes.length < limit ? to : "");
  }
  let out = "";
  let rest = src;
  for (let done = 0; n < 0 || done < n; done++) {
    const at = rest.indexOf(from);
    if (at === -1) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
  }
  return out + rest;
}

/**
 * amazon's `clean_resource_name` (packer-plugin-amazon builder/common/template_funcs.go): characters an
 * AMI name may not contain become "-". Non-ASCII text is replaced byte by byte, as in Go.
 */
export function cleanResourceName(name: string): string {
  let out = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9()[\] ./\-'@_]/.test(c) ? c : "-";
  }
  return out;
}
