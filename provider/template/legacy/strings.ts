import type { SourceLocation } from "../../engine/errors";

/**
 * Where character `offset` of a JSON string value was written, given where the string starts (its
 * opening quote). Exact while nothing before the offset needed an escape; otherwise the string's start.
 */
export function locateInString(start: SourceLocation, value: string, offset: number): SourceLocation {
  const before = value.slice(0, offset);
  const escaped = [...before].some((c) => c === '"' || c === "\\" || c < " ");
  if (escaped || start.column === undefined) return start;
  return { ...start, column: start.column + 1 + before.length };
}
