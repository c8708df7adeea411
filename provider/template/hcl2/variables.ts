import type { Node } from "web-tree-sitter";
import type { SourceLocation } from "../../engine/errors";
import { ExpressionError, evaluateExpressionText, type HclObject, type HclValue, isUnknown } from "../expr/evaluate";
import {
  convertValue,
  decodeType,
  type HclType,
  TypeConversionError,
  TypeSyntaxError,
  typeOfDefault,
  typeString,
} from "../expr/type-expr";
import { makeObject } from "../expr/values";
import type { TemplateFile } from "../files";
import type { Problems } from "../problems";
import type { HclAttribute, HclBlock } from "./body";
import { FAILED, type Scope } from "./scope";
import type { Trees } from "./trees";
import { readVarFile } from "./var-files";

/**
 * Input variables: declared by `variable "x" {}` (or the legacy `variables { x = default }`), valued by
 * — lowest to highest — the default, `PKR_VAR_x`, `*.auto.pkrvars.*` files, `-var-file` files in order,
 * and `-var`, as Packer's collectVariableValues does; then converted to the declared type and checked by
 * each `validation` block. A variable that ends without a value is an error naming it.
 */
export interface DeclaredVariable {
  readonly name: string;
  readonly sensitive: boolean;
  readonly where: SourceLocation;
}

export interface InputVariables {
  readonly values: HclObject;
  readonly declared: readonly DeclaredVariable[];
  readonly sensitiveValues: readonly string[];
}

interface Declaration {
  readonly name: string;
  readonly where: SourceLocation;
  readonly field: string;
  /** Declared, or inferred from a primitive default (`any` for others); undefined: no type, no default. */
  type?: HclType;
  sensitive: boolean;
  /** A problem with the declaration was reported; do not also report the variable as unset. */
  broken?: boolean;
  default?: HclValue;
  defaultWhere?: SourceLocation;
  readonly validations: readonly HclBlock[];
}

/** A candidate value and where it came from, for conversion errors. */
interface Assigned {
  readonly value: HclValue;
  readonly where?: SourceLocation;
  readonly field: string;
}

const VARIABLE_ATTRIBUTES = new Set(["type", "default", "description", "sensitive"]);

export interface VariableSources {
  readonly env: NodeJS.ProcessEnv;
  readonly autoVarFiles: readonly TemplateFile[];
  readonly varFiles: readonly TemplateFile[];
  readonly vars: Readonly<Record<string, string>>;
  /** Owner of the var files' parse trees. */
  readonly trees: Trees;
}

export async function inputVariables(
  variableBlocks: readonly HclBlock[],
  variablesBlocks: readonly HclBlock[],
  sources: VariableSources,
  scope: Scope,
  problems: Problems,
): Promise<InputVariables> {
  const declarations = new Map<string, Declaration>();
  const declare = (d: Declaration) => {
    const existing = declarations.get(d.name);
    if (existing) {
      problems.add(
        d.field,
        `duplicate variable: "${d.name}" is already declared at ${existing.where.file}:${existing.where.line}`,
        d.where,
      );
    } else {
      declarations.set(d.name, d);
    }
  };
  for (const block of variableBlocks) {
    const decl = declareBlock(block, scope, problems);
    if (decl) declare(decl);
  }
  for (const block of variablesBlocks) {
    for (const b of block.body.blocks)
      problems.add(`variables.${b.type}`, "a variables block only holds name = default assignments", b.where);
    for (const attr of block.body.attributes) {
      const field = `variables.${attr.name}`;
      const value = scope.evaluate(attr.expr, attr.where, {}, field, { allowEnv: true });
      if (value === FAILED) continue;
      declare({
        name: attr.name,
        where: attr.where,
        field,
        type: value === null ? undefined : typeOfDefault(value),
        sensitive: false,
        default: value,
        defaultWhere: attr.where,
        validations: [],
      });
    }
  }

  // Lowest precedence first; a later assignment replaces an earlier one. A null value sets nothing, so
  // the next source down applies (Packer takes the first non-null of -var, files, env, default).
  const assigned = new Map<string, Assigned>();
  const assign = (name: string, value: Assigned) => {
    if (value.value !== null) assigned.set(name, value);
  };
  // Variables whose given value was bad: reported once, not again as unset.
  const badValue = new Set<string>();
  const envPrefix = "PKR_VAR_";
  for (const [key, raw] of Object.entries(sources.env)) {
    if (!key.startsWith(envPrefix) || raw === undefined) continue;
    const decl = declarations.get(key.slice(envPrefix.length));
    if (!decl) continue; // the environment is shared with other templates: unknown names are not ours
    const value = valueFromText(decl, raw, `<value for var.${decl.name} from env>`, `env.${key}`, problems);
    if (value === FAILED) badValue.add(decl.name);
    else assign(decl.name, { value, field: `env.${key}` });
  }
  for (const file of [...sources.autoVarFiles, ...sources.varFiles]) {
    for (const assignment of await readVarFile(file, problems, sources.trees)) {
      const field = `var-file.${assignment.name}`;
      if (!declarations.has(assignment.name)) {
        problems.add(
          field,
          `"${assignment.name}" is not a declared variable (declare it with a variable "${assignment.name}" {} block)`,
          assignment.where,
        );
        continue;
      }
      const value = scope.evaluate(assignment.expr, assignment.where, {}, field);
      if (value === FAILED) badValue.add(assignment.name);
      else assign(assignment.name, { value, where: assignment.where, field });
    }
  }
  for (const [name, raw] of Object.entries(sources.vars)) {
    const decl = declarations.get(name);
    if (!decl) {
      problems.add(
        `var.${name}`,
        `-var "${name}" is not a declared variable (declare it with a variable "${name}" {} block)`,
      );
      continue;
    }
    const value = valueFromText(decl, raw, `<value for var.${name} from arguments>`, `var.${name}`, problems);
    if (value === FAILED) badValue.add(name);
    else assign(name, { value, field: `var.${name}` });
  }

  const values: [string, HclValue][] = [];
  const sensitiveValues: string[] = [];
  for (const decl of declarations.values()) {
    const chosen: Assigned | undefined =
      assigned.get(decl.name) ??
      (decl.default !== undefined
        ? { value: decl.default, where: decl.defaultWhere, field: `${decl.field}.default` }
        : undefined);
    // `default = null` (or `x = null` in a var file) is a value, null, as in packer 1.6.6: attributes set
    // from it stay unset. Only a variable given no value at all is an error.
    if (!chosen) {
      if ((decl.broken && !assigned.has(decl.name)) || badValue.has(decl.name)) continue;
      problems.add(
        decl.field,
        `unset variable "${decl.name}": it has no default; give it a value with -var ${decl.name}=…, a var file, or PKR_VAR_${decl.name}`,
        decl.where,
      );
      continue;
    }
    let value: HclValue = chosen.value;
    if (decl.type) {
      try {
        value = convertValue(value, decl.type);
      } catch (error) {
        if (!(error instanceof TypeConversionError)) throw error;
        problems.add(
          chosen.field,
          `invalid value for variable "${decl.name}" of type ${typeString(decl.type)}: ${error.message}`,
          chosen.where ?? decl.where,
        );
        continue;
      }
    }
    if (!checkValidations(decl, value, chosen.where, scope, problems)) continue;
    values.push([decl.name, value]);
    if (decl.sensitive) collectStrings(value, sensitiveValues);
  }
  return {
    values: makeObject(values),
    declared: [...declarations.values()].map((d) => ({ name: d.name, sensitive: d.sensitive, where: d.where })),
    sensitiveValues,
  };
}

function declareBlock(block: HclBlock, scope: Scope, problems: Problems): Declaration | undefined {
  const name = block.labels[0];
  if (block.labels.length !== 1 || !name) {
    problems.add("variable", 'a variable block takes one label, its name: variable "region" {}', block.where);
    return undefined;
  }
  const field = `variable ${JSON.stringify(name)}`;
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name))
    problems.add(
      field,
      "a variable name must start with a letter or underscore and hold only letters, digits, _ and -",
      block.where,
    );
  const attr = (n: string): HclAttribute | undefined => block.body.attributes.find((a) => a.name === n);
  for (const a of block.body.attributes) {
    if (!VARIABLE_ATTRIBUTES.has(a.name))
      problems.add(
        `${field}.${a.name}`,
        "unsupported argument in a variable block (type, default, description, sensitive, validation {})",
        a.where,
      );
  }
  for (const b of block.body.blocks) {
    if (b.type !== "validation")
      problems.add(`${field}.${b.type}`, "unsupported block in a variable block (only validation {})", b.where);
  }
  const decl: Declaration = {
    name,
    where: block.where,
    field,
    sensitive: false,
    validations: block.body.blocks.filter((b) => b.type === "validation"),
  };

  const typeAttr = attr("type");
  if (typeAttr) {
    try {
      decl.type = decodeType(typeAttr.expr, typeAttr.where.file, (node: Node) => {
        const v = scope.evaluate(node, typeAttr.where, {}, `${field}.type`);
        return v === FAILED ? null : v;
      });
    } catch (error) {
      if (!(error instanceof TypeSyntaxError)) throw error;
      problems.add(`${field}.type`, error.message, error.where);
      decl.broken = true;
    }
  }
  const description = attr("description");
  if (description) {
    const v = scope.evaluate(description.expr, description.where, {}, `${field}.description`);
    if (v !== FAILED && typeof v !== "string")
      problems.add(`${field}.description`, "must be a string", description.where);
  }
  const sensitive = attr("sensitive");
  if (sensitive) {
    const v = scope.evaluate(sensitive.expr, sensitive.where, {}, `${field}.sensitive`);
    if (typeof v === "boolean") decl.sensitive = v;
    else if (v !== FAILED) problems.add(`${field}.sensitive`, "must be true or false", sensitive.where);
  }
  const def = attr("default");
  if (def) {
    // env() is allowed here and nowhere else, as in Packer.
    const v = scope.evaluate(def.expr, def.where, {}, `${field}.default`, { allowEnv: true });
    if (v === FAILED) decl.broken = true;
    else {
      decl.defaultWhere = def.where;
      if (decl.type) {
        try {
          decl.default = convertValue(v, decl.type);
        } catch (error) {
          if (!(error instanceof TypeConversionError)) throw error;
          problems.add(
            `${field}.default`,
            `the default is not compatible with the type ${typeString(decl.type)}: ${error.message}`,
            def.where,
          );
          decl.broken = true;
        }
      } else {
        decl.default = v;
        if (v !== null) decl.type = typeOfDefault(v);
      }
    }
  }
  return decl;
}

/**
 * `-var` and `PKR_VAR_` text: a literal string for string, number and bool variables (and for untyped
 * ones without a default, as later Packers do), an HCL expression otherwise, as Packer's
 * expressionFromVariableDefinition.
 */
function valueFromText(
  decl: Declaration,
  raw: string,
  pseudoFile: string,
  field: string,
  problems: Problems,
): HclValue | typeof FAILED {
  const kind = decl.type?.kind;
  if (kind === undefined || kind === "string" || kind === "number" || kind === "bool") return raw;
  try {
    return evaluateExpressionText(raw, { file: pseudoFile, variables: {} });
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    problems.add(field, `${error.summary}: ${error.detail} (in ${JSON.stringify(raw)})`);
    return FAILED;
  }
}

/**
 * Runs a variable's validation rules. A failure is reported where the value was written (the default,
 * a var file line), as Packer does, naming the rule; values from -var or the environment have no place,
 * so the rule's condition is named instead.
 */
function checkValidations(
  decl: Declaration,
  value: HclValue,
  valueWhere: SourceLocation | undefined,
  scope: Scope,
  problems: Problems,
): boolean {
  let ok = true;
  for (const block of decl.validations) {
    const field = `${decl.field}.validation`;
    const condition = block.body.attributes.find((a) => a.name === "condition");
    const message = block.body.attributes.find((a) => a.name === "error_message");
    for (const a of block.body.attributes) {
      if (a.name !== "condition" && a.name !== "error_message")
        problems.add(
          `${field}.${a.name}`,
          "unsupported argument in a validation block (condition, error_message)",
          a.where,
        );
    }
    if (!condition || !message) {
      problems.add(field, "a validation block needs condition and error_message", block.where);
      ok = false;
      continue;
    }
    const variables = { var: makeObject([[decl.name, value]]) };
    const text = scope.evaluate(message.expr, message.where, variables, `${field}.error_message`);
    const result = scope.evaluate(condition.expr, condition.where, variables, `${field}.condition`);
    if (text === FAILED || result === FAILED) {
      ok = false;
      continue;
    }
    if (typeof text !== "string" || !text) {
      problems.add(`${field}.error_message`, "must be a non-empty string", message.where);
      ok = false;
      continue;
    }
    if (typeof result !== "boolean" || isUnknown(result)) {
      problems.add(`${field}.condition`, "must be true or false", condition.where);
      ok = false;
    } else if (!result) {
      const rule = `${condition.where.file}:${condition.where.line}`;
      problems.add(
        field,
        `invalid value for variable "${decl.name}": ${text}${valueWhere ? ` (checked by the validation rule at ${rule})` : ""}`,
        valueWhere ?? condition.where,
      );
      ok = false;
    }
  }
  return ok;
}

/** The string leaves of a value, for redaction (as Packer: numbers and bools are not secrets to hide). */
export function collectStrings(value: HclValue, out: string[]): void {
  if (typeof value === "string") {
    if (value) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, out);
  } else if (value && typeof value === "object" && !isUnknown(value)) {
    for (const item of Object.values(value)) collectStrings(item, out);
  }
}
