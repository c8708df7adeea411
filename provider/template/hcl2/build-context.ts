import type { NameFilter } from "../assemble";
import type { GoTemplateContext } from "../gotemplate/render";
import type { Problems } from "../problems";
import type { HclBlock } from "./body";
import type { Scope, Variables } from "./scope";

/** What evaluating a `build {}` block needs: shared by the build, its sources and its steps. */
export interface BuildContext {
  readonly scope: Scope;
  readonly problems: Problems;
  /** var, local, data, path, packer. */
  readonly variables: Variables;
  /** Top-level `source` blocks by `type.name`. */
  readonly sources: ReadonlyMap<string, HclBlock>;
  readonly filter: NameFilter;
  readonly goTemplate: Omit<GoTemplateContext, "buildName" | "buildType">;
  readonly baseDir: string;
  readonly sensitiveValues: readonly string[];
}
