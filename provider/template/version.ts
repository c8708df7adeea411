/** Kiln's version stands in for `packer.version` and `{{packer_version}}`. */
export { kilnVersion } from "../util/version";

const CONSTRAINT = /^\s*(?:=|!=|>=|<=|>|<|~>)?\s*v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*$/;

/**
 * Checks the syntax of a version constraint (`>= 1.7.0, < 2`), as go-version parses them. Kiln is not
 * Packer, so the constraint is not compared with any version: a template that needs a newer Packer
 * feature fails on that feature, with its line.
 */
export function isVersionConstraint(text: string): boolean {
  return text.split(",").every((part) => CONSTRAINT.test(part));
}

export function isVersion(text: string): boolean {
  return /^\s*v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*$/.test(text);
}
