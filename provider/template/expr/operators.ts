// HCL operators on JS numbers. cty computes with 512-bit floats, so 0.1 + 0.2 is exactly 0.3 there; Kiln
// uses float64 and snaps a sum/difference/product back to the 15-significant-digit decimal when the only
// difference is float64 rounding noise (within 4 ulps), which reproduces cty for decimal operands.
import { ConversionError, type HclValue, toBoolValue, toNumberValue, valuesEqual } from "./values";

export type BinaryOperator = "*" | "/" | "%" | "+" | "-" | ">" | ">=" | "<" | "<=" | "==" | "!=" | "&&" | "||";
export const BINARY_OPERATORS: ReadonlySet<string> = new Set([
  "*",
  "/",
  "%",
  "+",
  "-",
  ">",
  ">=",
  "<",
  "<=",
  "==",
  "!=",
  "&&",
  "||",
]);

/** Failure of an operator, reported by the evaluator at the operand or operator. */
export class OperatorError extends Error {
  constructor(
    readonly side: "left" | "right" | "operator",
    readonly summary: string,
    message: string,
  ) {
    super(message);
  }
}

function ulp(x: number): number {
  const a = Math.abs(x);
  if (a === 0) return Number.MIN_VALUE;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

export function snapDecimal(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const snapped = Number(x.toPrecision(15));
  return Math.abs(snapped - x) <= 4 * ulp(x) ? snapped : x;
}

function operand(v: HclValue, side: "left" | "right", conv: (v: HclValue) => HclValue): HclValue {
  // cty's operator functions reject null arguments themselves, so HCL reports them as a failed operation.
  if (v === null)
    throw new OperatorError(side, "Operation failed", "Error during operation: argument must not be null.");
  try {
    return conv(v);
  } catch (e) {
    const detail = e instanceof ConversionError ? e.message : String(e);
    throw new OperatorError(side, "Invalid operand", `Unsuitable value for ${side} operand: ${detail}.`);
  }
}

/** Applies a binary operator to two known values. */
export function applyBinary(op: BinaryOperator, a: HclValue, b: HclValue): HclValue {
  if (op === "==") return valuesEqual(a, b);
  if (op === "!=") return !valuesEqual(a, b);
  if (op === "&&" || op === "||") {
    const x = operand(a, "left", toBoolValue) as boolean;
    const y = operand(b, "right", toBoolValue) as boolean;
    return op === "&&" ? x && y : x || y;
  }
  const x = operand(a, "left", toNumberValue) as number;
  const y = operand(b, "right", toNumberValue) as number;
  switch (op) {
    case "+":
      return snapDecimal(x + y);
    case "-":
      return snapDecimal(x - y);
    case "*":
      return snapDecimal(x * y);
    case "/":
      // cty divides big.Floats: x/0 is ±Inf (0/0 fails below), as Packer prints it.
      if (y === 0 && x === 0)
        throw new OperatorError("operator", "Operation failed", "Error during operation: can't divide zero by zero.");
      return snapDecimal(x / y);
    case "%":
      // cty's Modulo returns the dividend for a zero divisor (packer prints 1 % 0 as 1).
      if (y === 0) return x;
      return modulo(x, y);
    case ">":
      return x > y;
    case ">=":
      return x >= y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
  }
}

/** cty's Modulo: integer operands use truncated remainder (Go's %), others x - y*trunc(x/y). */
function modulo(x: number, y: number): number {
  if (Number.isInteger(x) && Number.isInteger(y)) return x % y === 0 ? 0 : x % y;
  return snapDecimal(x - y * Math.trunc(x / y));
}
