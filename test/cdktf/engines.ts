import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { nodeFor, ROOT, toolEnv } from "../fixtures/cdktf-project";

/** Why the end-to-end CDKTF tests cannot run here, or undefined when they can. */
export function engineProblem(cli: "cdktf" | "cdktn" = "cdktf"): string | undefined {
  if (!existsSync(join(ROOT, `dist/constructs/${cli}/index.js`))) return "kiln is not compiled: run `make build`";
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore", env: { ...process.env, ...toolEnv() } });
  } catch {
    return "no terraform on PATH";
  }
  const config = toolEnv().TF_CLI_CONFIG_FILE ?? process.env.TF_CLI_CONFIG_FILE;
  if (!config || !existsSync(config))
    return "no Terraform CLI config with the hashicorp/aws mirror (TF_CLI_CONFIG_FILE)";
  if (cli === "cdktn") {
    const version = execFileSync(nodeFor("cdktn"), ["--version"], { encoding: "utf8" }).trim();
    const [major = 0, minor = 0] = version.slice(1).split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 19)) return `cdktn-cli needs Node ≥ 22.19, found ${version}`;
  }
  return undefined;
}
