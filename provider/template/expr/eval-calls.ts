// Function calls: argument conversion, the function table, and the special forms convert(), try() and can().
import type { Node } from "web-tree-sitter";
import { ExpressionError, FunctionArgError } from "./errors";
import { type Ctx, evalIn, fail, named } from "./eval-context";
import { renderTemplateFile } from "./eval-templates";
import { type CallContext, convertTo, describeType } from "./functions/types";
import { convertValue, decodeType, type HclType, TypeConversionError, TypeSyntaxError } from "./type-expr";
import { ConversionError, type HclValue, hasUnknown, isUnknown, UNKNOWN } from "./values";

export function evalCall(ctx: Ctx, node: Node): HclValue {
  const nameNode = named(node)[0]!;
  const name = nameNode.text;
  const argsNode = named(node).find((c) => c.type === "function_arguments");
  const argNodes = argsNode ? named(argsNode).filter((c) => c.type === "expression") : [];
  const expand = argsNode ? named(argsNode).some((c) => c.type === "ellipsis") : false;

  // try() and can() see errors of their arguments, so they evaluate them lazily.
  if (name === "try" || name === "can") return evalTryCan(ctx, node, name, argNodes);
  if (name === "convert") return evalConvert(ctx, node, argNodes);

  if (name === "env" && !ctx.policy.allowEnv && Object.hasOwn(ctx.functions, "env")) {
    throw fail(
      ctx,
      nameNode,
      "Call to unknown function",
      `There is no function named "env". env() can only be used in the default value of a variable.`,
    );
  }
  const fn = Object.hasOwn(ctx.functions, name) ? ctx.functions[name] : undefined;
  if (!fn) {
    throw fail(ctx, nameNode, "Call to unknown function", `There is no function named "${name}".`);
  }

  let args = argNodes.map((a) => evalIn(ctx, a));
  const argAt: Node[] = [...argNodes];
  if (expand) {
    const last = args.pop();
    const lastNode = argAt.pop()!;
    if (isUnknown(last)) return UNKNOWN;
    if (!Array.isArray(last)) {
      throw fail(
        ctx,
        lastNode,
        "Invalid expanding argument value",
        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
      );
    }
    args = [...args, ...last];
    for (let i = 0; i < last.length; i++) argAt.push(lastNode);
  }
  const positional = fn.params.length;
  if (args.length < positional || (!fn.variadic && args.length > positional)) {
    const target = args.length > positional ? argAt[positional]! : node;
    const summary = args.length > positional ? "Too many function arguments" : "Not enough function arguments";
    const detail =
      args.length > positional
        ? `Function "${name}" expects only ${positional} argument(s).`
        : `Function "${name}" expects ${positional} argument(s). Missing value for "${fn.params[args.length]!.name}".`;
    throw fail(ctx, target, summary, detail);
  }

  const converted: HclValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const param = i < positional ? fn.params[i]! : fn.variadic!;
    const arg = args[i] as HclValue;
    if (!param.allowUnknown && hasUnknown(arg)) return UNKNOWN;
    if (arg === null && !param.allowNull) {
      throw fail(
        ctx,
        argAt[i]!,
        "Invalid function argument",
        `Invalid value for "${param.name}" parameter: argument must not be null.`,
      );
    }
    try {
      converted.push(convertTo(arg, param.type));
    } catch (e) {
      const why = e instanceof ConversionError ? e.message : `${describeType(param.type)} required`;
      throw fail(ctx, argAt[i]!, "Invalid function argument", `Invalid value for "${param.name}" parameter: ${why}.`);
    }
  }

  const callCtx: CallContext = {
    policy: ctx.policy,
    renderTemplateFile: (path, vars) => {
      const text = (ctx.functions.file!.impl([path], callCtx) as string) ?? "";
      return renderTemplateFile(ctx, path, text, vars);
    },
  };
  try {
    return fn.impl(converted, callCtx);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    if (e instanceof FunctionArgError) {
      const i = Math.min(e.argIndex, argAt.length - 1);
      const param = i < positional ? fn.params[i] : fn.variadic;
      throw fail(
        ctx,
        argAt[i] ?? node,
        "Invalid function argument",
        `Invalid value for "${param?.name}" parameter: ${e.message}.`,
        e,
      );
    }
    const message = e instanceof Error ? e.message : String(e);
    throw fail(ctx, node, "Error in function call", `Call to function "${name}" failed: ${message}.`, e);
  }
}

/** `convert(value, type)`: the second argument is a type expression (`list(string)`), read, not evaluated. */
export function evalConvert(ctx: Ctx, node: Node, argNodes: Node[]): HclValue {
  if (argNodes.length !== 2) {
    const [summary, detail] =
      argNodes.length > 2
        ? ["Too many function arguments", `Function "convert" expects only 2 argument(s).`]
        : [
            "Not enough function arguments",
            `Function "convert" expects 2 argument(s). Missing value for "${argNodes.length ? "type" : "value"}".`,
          ];
    throw fail(ctx, argNodes[2] ?? node, summary, detail);
  }
  const [valueNode, typeNode] = argNodes as [Node, Node];
  let type: HclType;
  try {
    type = decodeType(typeNode, ctx.file, (n) => evalIn(ctx, n));
  } catch (e) {
    if (!(e instanceof TypeSyntaxError)) throw e;
    const where = { ...e.where, line: e.where.line + ctx.lineOffset };
    throw new ExpressionError(where, "Invalid type specification", e.message);
  }
  const value = evalIn(ctx, valueNode);
  try {
    return convertValue(value, type);
  } catch (e) {
    if (!(e instanceof TypeConversionError)) throw e;
    throw fail(ctx, valueNode, "Invalid function argument", `Invalid value for "value" parameter: ${e.message}.`);
  }
}

export function evalTryCan(ctx: Ctx, node: Node, name: string, argNodes: Node[]): HclValue {
  if (name === "can" && argNodes.length !== 1) {
    throw fail(
      ctx,
      node,
      argNodes.length ? "Too many function arguments" : "Not enough function arguments",
      `Function "can" expects 1 argument.`,
    );
  }
  if (name === "try" && argNodes.length === 0) {
    throw fail(ctx, node, "Not enough function arguments", `Function "try" expects at least one argument.`);
  }
  let lastError: ExpressionError | undefined;
  for (const argNode of argNodes) {
    try {
      const v = evalIn(ctx, argNode);
      if (hasUnknown(v)) return UNKNOWN;
      return name === "can" ? true : v;
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      lastError = e;
    }
  }
  if (name === "can") return false;
  throw fail(
    ctx,
    node,
    "Error in function call",
    `Call to function "try" failed: no expression succeeded:\n- ${lastError?.summary} (at ${lastError?.where.file}:${lastError?.where.line},${lastError?.where.column})\n  ${lastError?.detail}\n\nAt least one expression must produce a successful result.`,
  );
}
