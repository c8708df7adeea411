// cty's JSON form: object keys sorted, numbers in plain decimal, strings quoted like Go's encoding/json.
import { FunctionCallError } from "../errors";
import { formatNumber, type HclValue, isUnknown, makeObject, sortedEntries } from "../values";
import { goJsonString } from "./gofmt";

export function jsonEncode(v: HclValue): string {
  if (v === null) return "null";
  if (isUnknown(v)) throw new FunctionCallError("value is not known");
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(jsonEncode).join(",")}]`;
  return `{${sortedEntries(v)
    .map(([k, x]) => `${goJsonString(k)}:${jsonEncode(x)}`)
    .join(",")}}`;
}

/** Parses JSON into an HclValue; JSON.parse keeps `__proto__` as a plain key and the last duplicate wins, as in Go. */
export function jsonDecode(text: string): HclValue {
  const raw: unknown = JSON.parse(text);
  const conv = (x: unknown): HclValue => {
    if (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean") return x;
    if (Array.isArray(x)) return x.map(conv);
    return makeObject(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, conv(y)]));
  };
  return conv(raw);
}
