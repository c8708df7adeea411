import { invalidValue } from "../engine/errors";
/** Quotes a value for a POSIX shell, as Packer does for environment variables (`KEY='value'`). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/**
 * Fills Packer's per-command placeholders (`{{.Path}}`, `{{ .Vars }}`, `{{.Script}}`…) in an
 * `execute_command`. Unknown placeholders are an error, so a typo does not run a broken command.
 */
export function renderCommandTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
  field: string,
): string {
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw invalidValue(
        field,
        `unknown placeholder {{.${name}}}; available: ${Object.keys(values)
          .map((k) => `{{.${k}}}`)
          .join(", ")}`,
      );
    }
    return value;
  });
}

/** `KEY=value` list (Packer's `environment_vars`) and `env` map merged, in order, into pairs. */
export function environmentPairs(
  environmentVars: readonly string[] | undefined,
  env: Readonly<Record<string, string>> | undefined,
): [string, string][] {
  const pairs: [string, string][] = [];
  for (const entry of environmentVars ?? []) {
    const eq = entry.indexOf("=");
    pairs.push(eq < 0 ? [entry, ""] : [entry.slice(0, eq), entry.slice(eq + 1)]);
  }
  for (const [key, value] of Object.entries(env ?? {})) pairs.push([key, value]);
  return pairs;
}
