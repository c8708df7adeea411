import { z } from "zod";

/**
 * A nested HCL block written at most once (`source_ami_filter { … }`). The template loader gives every
 * nested block as a list of objects; programs may pass the object itself. Both are accepted.
 */
export function singleBlock<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (Array.isArray(value)) return value.length === 1 ? value[0] : value;
    return value;
  }, schema);
}
