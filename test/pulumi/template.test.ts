import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bakedImageProvider as provider } from "../../provider/pulumi/provider";
import { MOTO_CREDENTIALS, SOURCE_AMIS } from "../fixtures/moto";
import {
  amiTags,
  type BakedImageOutputs,
  captureConsole,
  type Env,
  inputsFor,
  leftovers,
  REGION,
  useEnv,
} from "./harness";

// The second form: an existing Packer template, its variables and `only`, as `packer build` takes them.
const env = useEnv();

const NULL_TEMPLATE = `
variable "port" { type = number }
variable "user" { type = string }
variable "key" { type = string }
variable "out" { type = string }
variable "api_token" {
  type      = string
  sensitive = true
}

source "null" "box" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.port
  ssh_username         = var.user
  ssh_private_key_file = var.key
}

source "null" "other" {
  communicator = "none"
}

build {
  sources = ["source.null.box", "source.null.other"]
  provisioner "shell" {
    inline = ["echo token=\${var.api_token}", "echo STEP > \${var.out}"]
  }
}
`;

const EBS_TEMPLATE = `
variable "endpoint" { type = string }
variable "port" { type = number }
variable "key" { type = string }
variable "user" { type = string }

source "amazon-ebs" "web" {
  region                                = "${REGION}"
  access_key                            = "${MOTO_CREDENTIALS.accessKeyId}"
  secret_key                            = "${MOTO_CREDENTIALS.secretAccessKey}"
  custom_endpoint_ec2                   = var.endpoint
  source_ami                            = "${SOURCE_AMIS.jammyNew.id}"
  instance_type                         = "t3.micro"
  ami_name                              = "tpl-web"
  temporary_security_group_source_cidrs = ["203.0.113.7/32"]
  ssh_host                              = "127.0.0.1"
  ssh_port                              = var.port
  ssh_username                          = var.user
  ssh_private_key_file                  = var.key
  tags = {
    Name = "from-template"
  }
}

build {
  sources = ["source.amazon-ebs.web"]
  provisioner "shell" {
    inline = ["echo from-template"]
  }
}
`;

function sshVars(e: Env) {
  return { port: String(e.sshd.port), user: e.sshd.username, key: e.sshd.privateKeyPath };
}

describe("template form", () => {
  it("builds the one source `only` selects, with vars; sensitive values are redacted; edits show in the fingerprint", async () => {
    const e = env();
    writeFileSync(join(e.work, "web.pkr.hcl"), NULL_TEMPLATE);
    const out = join(e.work, "built.txt");
    const token = "tok-0123456789abcdef";
    const args = { template: "web.pkr.hcl", only: ["null.box"], vars: { ...sshVars(e), out, api_token: token } };
    const inputs = await inputsFor(e, args, { sensitiveValues: [token] });
    expect((await provider.check?.({}, inputs))?.failures).toEqual([]);

    const run = await captureConsole(() => provider.create(inputs));
    expect(run.error).toBeUndefined();
    expect(readFileSync(out, "utf8")).toBe("STEP\n");
    expect(run.lines).toContain("[kiln] null.box:     token=<sensitive>");
    expect(run.lines.join("\n")).not.toContain(token);
    const outs = run.result?.outs as BakedImageOutputs;
    expect(outs).toMatchObject({
      buildName: "null.box",
      artifactId: "Null",
      adopted: false,
      fingerprint: inputs.fingerprint,
    });

    writeFileSync(join(e.work, "web.pkr.hcl"), NULL_TEMPLATE.replace("echo STEP", "echo STEP2"));
    const edited = await inputsFor(e, args, { sensitiveValues: [token] });
    expect(await provider.diff?.(run.result?.id as string, outs, edited)).toMatchObject({ replaces: ["fingerprint"] });
    await provider.delete?.(run.result?.id as string, outs);
  });

  it("an amazon-ebs template bakes an AMI with the template's and the resource's tags, and delete removes it", async () => {
    const e = env();
    writeFileSync(join(e.work, "ebs.pkr.hcl"), EBS_TEMPLATE);
    const inputs = await inputsFor(e, {
      template: "ebs.pkr.hcl",
      vars: { ...sshVars(e), endpoint: e.moto.endpoint },
      tags: { team: "platform" },
    });
    const run = await captureConsole(() => provider.create(inputs));
    expect(run.error).toBeUndefined();
    const outs = run.result?.outs as BakedImageOutputs;
    // The template names the image itself: no suffix is added in this form.
    expect(outs.imageName).toBe("tpl-web");
    expect(await amiTags(e.moto, REGION, outs.imageId)).toMatchObject({ Name: "from-template", team: "platform" });
    expect((await leftovers(e.moto)).byRegion[REGION]).toMatchObject({
      images: [outs.imageId],
      instances: [],
      securityGroups: [],
      keyPairs: [],
    });

    await captureConsole(() => provider.delete?.(run.result?.id as string, outs) as Promise<void>);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});
