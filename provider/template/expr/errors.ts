import type { Node } from "web-tree-sitter";
import { KilnError, type SourceLocation } from "../../engine/errors";

/**
 * An expression could not be evaluated. `summary` and `detail` follow HCL diagnostics ("Unsupported
 * attribute" / "This object does not have an attribute named "foo"."), so messages read like Packer's.
 */
export class ExpressionError extends KilnError {
  readonly where: SourceLocation;
  readonly summary: string;
  readonly detail: string;
  constructor(where: SourceLocation, summary: string, detail: string, options?: { cause?: unknown }) {
    super(
      "EXPRESSION_INVALID",
      `${where.file}:${where.line}${where.column ? `:${where.column}` : ""}: ${summary}; ${detail}`,
      options,
    );
    this.where = where;
    this.summary = summary;
    this.detail = detail;
  }
}

/** 1-based position of a node, as HCL reports it. */
export function locate(file: string, node: Node): SourceLocation {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/**
 * Thrown by a function implementation about one argument; the evaluator reports it at that argument
 * ("Invalid value for "str" parameter: ...").
 */
export class FunctionArgError extends Error {
  readonly argIndex: number;
  constructor(argIndex: number, message: string) {
    super(message);
    this.argIndex = argIndex;
  }
}

/** Thrown by a function implementation for a failure not tied to one argument ("Error in function call"). */
export class FunctionCallError extends Error {}
