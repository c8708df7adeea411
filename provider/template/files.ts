import { readdir, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { configError } from "./problems";

/**
 * Which files make up a template, as `packer build PATH` finds them: a directory is every `*.pkr.hcl`
 * and `*.pkr.json` in it (not recursive, by name) plus its `*.auto.pkrvars.hcl`/`.json`; a single
 * `.pkr.hcl`/`.pkr.json` file is that file alone (Packer loads auto var files only for directories); any
 * other `.json` file is a legacy JSON template.
 */
export interface TemplateFile {
  /** Absolute path, for reading and for `LoadedTemplate.files`. */
  readonly path: string;
  /** The path as the user wrote it (joined for directories), for error messages. */
  readonly display: string;
}

export interface TemplateFiles {
  readonly kind: "hcl2" | "legacy";
  /** Absolute directory of the template: `path.root`, `{{template_dir}}`, each build's `baseDir`. */
  readonly root: string;
  /** HCL native files first, then JSON ones, each group by name (Packer's order). */
  readonly files: readonly TemplateFile[];
  readonly autoVarFiles: readonly TemplateFile[];
}

export const HCL_EXT = ".pkr.hcl";
export const HCL_JSON_EXT = ".pkr.json";
const AUTO_VARS_EXT = [".auto.pkrvars.hcl", ".auto.pkrvars.json"];

export async function findTemplateFiles(given: string): Promise<TemplateFiles> {
  const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
    throw configError(
      "template",
      `cannot read ${given}: ${error.code === "ENOENT" ? "no such file or directory" : error.message}`,
    );
  });
  const absolute = path.resolve(given);
  if (info.isDirectory()) {
    const names = (await readdir(absolute, { withFileTypes: true }))
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .sort();
    const pick = (test: (name: string) => boolean) =>
      names.filter(test).map((name) => ({ path: path.join(absolute, name), display: path.join(given, name) }));
    const files = [...pick((n) => n.endsWith(HCL_EXT)), ...pick((n) => n.endsWith(HCL_JSON_EXT))];
    if (files.length === 0) {
      const legacy = names.filter((n) => n.endsWith(".json") && !n.includes(".pkrvars."));
      throw configError(
        "template",
        `no template files in ${given}: a directory must contain *${HCL_EXT} or *${HCL_JSON_EXT} files${
          legacy.length
            ? ` (to load a legacy JSON template, pass the file itself, e.g. ${path.join(given, legacy[0] as string)})`
            : ""
        }`,
      );
    }
    const autoVarFiles = pick((n) => AUTO_VARS_EXT.some((ext) => n.endsWith(ext)));
    return { kind: "hcl2", root: absolute, files, autoVarFiles };
  }
  const file = { path: absolute, display: given };
  const root = path.dirname(absolute);
  if (given.endsWith(HCL_EXT) || given.endsWith(HCL_JSON_EXT))
    return { kind: "hcl2", root, files: [file], autoVarFiles: [] };
  if (given.endsWith(".json")) return { kind: "legacy", root, files: [file], autoVarFiles: [] };
  throw configError(
    "template",
    `cannot tell the format of ${given}: a template is a directory, a *${HCL_EXT} or *${HCL_JSON_EXT} file, or a legacy *.json file`,
  );
}

export async function readText(file: TemplateFile, field = "template"): Promise<string> {
  try {
    return await readFile(file.path, "utf8");
  } catch (error) {
    throw configError(field, `cannot read ${file.display}: ${(error as Error).message}`);
  }
}
