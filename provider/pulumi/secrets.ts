import * as pulumi from "@pulumi/pulumi";
import { isPlainObject } from "./packer-fields";

/**
 * Every string the program passed inside a `pulumi.secret`, at any depth. The dynamic provider receives
 * secret inputs as plain values and cannot tell them apart, so the program lists them and the build
 * redacts them by value (BuildSpec.sensitiveValues). For `NAME=value` strings the value alone is listed too.
 */
export function secretStrings(value: unknown): pulumi.Output<string[]> {
  if (pulumi.Output.isInstance(value)) {
    return pulumi
      .all([value, pulumi.output(pulumi.isSecret(value))])
      .apply(([resolved, secret]) => (secret ? pulumi.output(stringsIn(resolved)) : secretStrings(resolved)));
  }
  if (value instanceof Promise) return secretStrings(pulumi.output(value));
  const parts = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  if (!parts.length) return pulumi.output([]);
  return pulumi.all(parts.map(secretStrings)).apply((lists) => [...new Set(lists.flat())]);
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") {
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=(.+)$/s.exec(value);
    return value ? (assignment?.[1] ? [value, assignment[1]] : [value]) : [];
  }
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isPlainObject(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}
