// Packer's HCL2 function library, one table. Families live in their own modules.
import { collectionFunctions } from "./collections";
import { conversionFunctions } from "./conversion";
import { cryptoFunctions } from "./crypto";
import { encodingFunctions } from "./encoding";
import { filesystemFunctions } from "./filesystem";
import { formatFunctions } from "./format";
import { networkFunctions } from "./network";
import { numericFunctions } from "./numeric";
import { regexFunctions } from "./regex";
import { stringFunctions } from "./strings";
import { timeFunctions } from "./time";
import type { FunctionTable } from "./types";

/**
 * Every function Kiln knows; `try` and `can` (they see argument errors) and `convert` (its second argument
 * is a type) are handled by the evaluator.
 */
export const FUNCTIONS: FunctionTable = Object.freeze({
  ...stringFunctions,
  ...formatFunctions,
  ...regexFunctions,
  ...collectionFunctions,
  ...numericFunctions,
  ...encodingFunctions,
  ...filesystemFunctions,
  ...timeFunctions,
  ...cryptoFunctions,
  ...networkFunctions,
  ...conversionFunctions,
});

/** Names for "Did you mean …?" suggestions and docs. */
export const FUNCTION_NAMES: readonly string[] = [...Object.keys(FUNCTIONS), "can", "convert", "try"].sort();
