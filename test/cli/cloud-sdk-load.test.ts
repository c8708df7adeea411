import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kiln } from "./run-kiln";

// Validating a template reads only the builders' descriptors: a cloud builder's runtime, and the SDK it
// brings (hundreds of milliseconds to load), is loaded when a build runs (provider/spec/plugins.ts).
// A preloaded probe lists every package a run required.

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-sdk-load-"));
  writeFileSync(
    join(dir, "probe.js"),
    `const Module = require("node:module");
const load = Module._load;
const seen = new Set();
Module._load = function (request, ...rest) {
  if (/^@(aws-sdk|azure)\\//.test(request)) seen.add(request.split("/").slice(0, 2).join("/"));
  return load.call(this, request, ...rest);
};
process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(join(dir, "loaded.json"))}, JSON.stringify([...seen])));
`,
  );
  writeFileSync(
    join(dir, "clouds.pkr.hcl"),
    `source "amazon-ebs" "web" {
  region        = "eu-west-1"
  source_ami    = "ami-12345678"
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "web"
}
source "azure-arm" "web" {
  subscription_id                   = "6f1c2b8e-3a4d-4c5e-9f60-7a8b9c0d1e2f"
  location                          = "East US"
  image_publisher                   = "Canonical"
  image_offer                       = "0001-com-ubuntu-server-jammy"
  image_sku                         = "22_04-lts"
  managed_image_name                = "web"
  managed_image_resource_group_name = "images"
  ssh_username                      = "ubuntu"
}
build {
  sources = ["source.amazon-ebs.web", "source.azure-arm.web"]
  provisioner "shell" {
    inline = ["echo hello"]
  }
  post-processor "amazon-ssm-parameter" {
    parameter_name = "/images/web/latest"
  }
}
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The cloud SDK packages a kiln run required. */
async function sdksLoadedBy(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; sdks: string[] }> {
  const run = await kiln(args, { cwd: dir, env: { ...env, NODE_OPTIONS: `--require ${join(dir, "probe.js")}` } });
  return { code: run.code, stdout: run.stdout, sdks: JSON.parse(readFileSync(join(dir, "loaded.json"), "utf8")) };
}

describe("cloud SDKs", () => {
  it("are not loaded to validate a template with amazon-ebs and azure-arm sources and an SSM post-processor", async () => {
    expect(await sdksLoadedBy(["validate", "clouds.pkr.hcl"])).toEqual({
      code: 0,
      stdout: "The configuration is valid.\n",
      sdks: [],
    });
  });

  it("are loaded when a build runs (the probe sees them)", async () => {
    // No credentials anywhere: the amazon-ebs build loads its runtime, then stops before any call.
    const none = join(dir, "none");
    const noCredentials = {
      HOME: dir,
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: none,
      AWS_SHARED_CREDENTIALS_FILE: none,
      AWS_WEB_IDENTITY_TOKEN_FILE: "",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const run = await sdksLoadedBy(["build", "--only", "amazon-ebs.web", "clouds.pkr.hcl"], noCredentials);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Could not load credentials");
    expect(run.sdks).toContain("@aws-sdk/client-ec2");
  });
});
