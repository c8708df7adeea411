import type { z } from "zod";
import type { ConfigProblem, SourceLocation } from "../engine/errors";
import type { Located } from "./types";
import { parseWeakly } from "./weak-types";

/** Parses `raw` with a plugin schema; on failure returns problems that name the block, field and line. */
export function parseConfig<C>(
  schema: z.ZodType<C, unknown>,
  raw: unknown,
  block: string,
  located: Located,
): { config?: C; problems: ConfigProblem[] } {
  const result = parseWeakly(schema, raw);
  if (result.success) return { config: result.data, problems: [] };
  return { problems: result.error.issues.flatMap((issue) => issueProblems(issue, block, located)) };
}

function issueProblems(issue: z.core.$ZodIssue, block: string, located: Located): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      field: `${block}.${joinPath([...issue.path, key])}`,
      message: "is not a known field (misspelt, or not supported by Kiln yet)",
      where: fieldWhere(located, [...issue.path, key]),
    }));
  }
  return [
    {
      field: issue.path.length ? `${block}.${joinPath(issue.path)}` : block,
      message: issue.message,
      where: fieldWhere(located, issue.path),
    },
  ];
}

/** A problem found by a plugin's cross-field `check`, placed at the field's line when known. */
export function checkProblem(block: string, located: Located, p: { field: string; message: string }): ConfigProblem {
  return { field: `${block}.${p.field}`, message: p.message, where: fieldWhere(located, [p.field]) };
}

export function fieldWhere(located: Located, path: readonly PropertyKey[]): SourceLocation | undefined {
  const top = path[0];
  return (typeof top === "string" && located.fieldLocations?.[top]) || located.where;
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}
