import { ConfigError, type ConfigProblem, type SourceLocation } from "../engine/errors";

/**
 * Collects every problem found while loading, so one run reports them all; `check()` throws a single
 * ConfigError when there are any. Loading continues past a problem wherever the rest still makes sense.
 */
export class Problems {
  private readonly list: ConfigProblem[] = [];

  add(field: string, message: string, where?: SourceLocation): void {
    const duplicate = this.list.some(
      (p) =>
        p.field === field && p.message === message && p.where?.line === where?.line && p.where?.file === where?.file,
    );
    if (!duplicate) this.list.push(where ? { field, message, where } : { field, message });
  }

  addAll(problems: readonly ConfigProblem[]): void {
    for (const p of problems) this.add(p.field, p.message, p.where);
  }

  get count(): number {
    return this.list.length;
  }

  check(): void {
    if (this.list.length) throw new ConfigError([...this.list]);
  }
}

/** Runs `fn`; a ConfigError it throws is recorded instead and `undefined` returned. Other errors pass. */
export function collecting<T>(problems: Problems, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      problems.addAll(error.problems);
      return undefined;
    }
    throw error;
  }
}

/** A ConfigError with one problem. */
export function configError(field: string, message: string, where?: SourceLocation): ConfigError {
  return new ConfigError([where ? { field, message, where } : { field, message }]);
}
