import picomatch from "picomatch";

/**
 * Whether a build name (`null.web`, `fleet.amazon-ebs.web`) matches a `-only`/`-except` pattern, or a
 * provisioner's or post-processor's `only`/`except` entry. Packer compiles these as globs: `*` any text
 * (dots included), `?` one character, `[abc]`/`[!abc]` one of (or none of) a set. Case-sensitive.
 */
export function nameMatches(pattern: string, name: string): boolean {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    // Build names hold no `/`, so picomatch's path rules never apply; `dot` lets `*` start with a dot.
    matcher = picomatch(pattern, { dot: true });
    compiled.set(pattern, matcher);
  }
  return matcher(name);
}

const compiled = new Map<string, (name: string) => boolean>();
