import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/engine/errors";
import { loadTemplate } from "../../provider/kiln";
import { MOTO_CREDENTIALS, SOURCE_AMIS } from "../fixtures/moto";
import { useEnv } from "./harness";

// `data "amazon-ami"` in a template, looked up through the real SDK against moto while loading.
const env = useEnv();

function template(filters: string): string {
  const { moto, work } = env();
  const path = join(work, "ami.pkr.hcl");
  writeFileSync(
    path,
    `data "amazon-ami" "ubuntu" {
  region              = "us-east-1"
  custom_endpoint_ec2 = "${moto.endpoint}"
  access_key          = "${MOTO_CREDENTIALS.accessKeyId}"
  secret_key          = "${MOTO_CREDENTIALS.secretAccessKey}"
  filters = {
    name = "${filters}"
  }
  owners      = ["099720109477"]
  most_recent = true
}

locals {
  base = data.amazon-ami.ubuntu
}

source "amazon-ebs" "web" {
  region       = "us-east-1"
  ami_name     = "from-\${local.base.name}"
  source_ami   = data.amazon-ami.ubuntu.id
  ssh_username = "ubuntu"
}

build {
  sources = ["source.amazon-ebs.web"]
}
`,
  );
  return path;
}

describe('data "amazon-ami"', () => {
  it("resolves the most recent match and exposes its attributes to locals and sources", async () => {
    const loaded = await loadTemplate(template("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"));
    const config = loaded.builds[0]?.sources[0]?.config;
    expect(config?.source_ami).toBe(SOURCE_AMIS.jammyNew.id);
    expect(config?.ami_name).toBe(`from-${SOURCE_AMIS.jammyNew.name}`);
  });

  it("no match is an error naming the data block's file and line", async () => {
    const path = template("no-such-image-*");
    const error = await loadTemplate(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${path}:1:1`);
    expect((error as Error).message).toContain('data "amazon-ami" "ubuntu"');
  });
});
