import { InvalidArgumentError } from "commander";
import type { LoadOptions } from "../template";

export interface TemplateCliOptions {
  readonly var: string[];
  readonly varFile: string[];
  readonly only?: string;
  readonly except?: string;
}

/** Turns `--var k=v`, `--var-file`, `--only a,b`, `--except c` into loader options. */
export function loadOptionsFrom(opts: TemplateCliOptions): LoadOptions & { only?: string[]; except?: string[] } {
  const vars: Record<string, string> = {};
  for (const pair of opts.var) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`--var ${JSON.stringify(pair)}: expected key=value`);
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    vars,
    varFiles: opts.varFile,
    only: splitList(opts.only),
    except: splitList(opts.except),
  };
}

function splitList(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
