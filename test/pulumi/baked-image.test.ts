import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { BakedImage as BakedImageClass } from "../../provider/pulumi/baked-image";

// The program side, under Pulumi's mocks: what BakedImage registers. Dynamic resources reach the mock
// as `pulumi-nodejs:dynamic…` and their provider never runs here (provider.test.ts drives it).
const registered: pulumi.runtime.MockResourceArgs[] = [];
/** How Pulumi marks a secret value on the wire (sdk/nodejs/runtime/rpc.ts). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
let BakedImage: typeof BakedImageClass;
const work = mkdtempSync(join(tmpdir(), "kiln-pulumi-mocks-"));

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args);
        const images = { "us-east-1": "ami-0123456789abcdef0" };
        return { id: images["us-east-1"], state: { ...args.inputs, imageId: images["us-east-1"], images } };
      },
      call: (args) => args.inputs,
    },
    "shop",
    "prod",
    false,
  );
  ({ BakedImage } = await import("../../provider/pulumi/baked-image"));
});

const ebs = {
  region: "us-east-1",
  sourceAmi: "ami-0a11c0ffee0000002",
  instanceType: "t3.micro",
  amiName: "web",
  sshUsername: "ubuntu",
};

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Creates a BakedImage and waits for its registration to reach the mock. */
async function register(name: string, args: ConstructorParameters<typeof BakedImageClass>[1], opts = {}) {
  const image = new BakedImage(name, args, opts);
  await promiseOf(image.urn);
  const found = registered.find((r) => r.name === name);
  if (!found) throw new Error(`${name} was not registered`);
  return { image, inputs: found.inputs as Record<string, unknown>, type: found.type };
}

describe("BakedImage in a Pulumi program", () => {
  it("registers a dynamic resource carrying the serialized provider, the fingerprint and its outputs", async () => {
    writeFileSync(join(work, "nginx.sh"), "#!/bin/sh\napt-get install -y nginx\n");
    const { image, inputs, type } = await register("web", {
      amazonEbs: { ...ebs, sourceAmi: pulumi.output(ebs.sourceAmi) },
      provisioners: [{ type: "shell", script: "nginx.sh" }],
      baseDir: work,
    });
    expect(type).toBe("pulumi-nodejs:dynamic/kiln:BakedImage");
    expect(inputs).toMatchObject({ sourceName: "web", owner: "shop/prod/web", baseDir: work });
    expect(inputs.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inputs.__provider).toEqual(expect.stringContaining("exports.handler"));
    expect(await promiseOf(image.imageId)).toBe("ami-0123456789abcdef0");
    expect(await promiseOf(image.images)).toEqual({ "us-east-1": "ami-0123456789abcdef0" });
  });

  it("editing a script the build runs changes the fingerprint; renaming the image does not", async () => {
    writeFileSync(join(work, "app.sh"), "echo v1\n");
    const args = (amiName: string) => ({
      amazonEbs: { ...ebs, amiName },
      provisioners: [{ type: "shell" as const, script: "app.sh" }],
      baseDir: work,
    });
    const v1 = (await register("app-v1", args("app"))).inputs.fingerprint;
    expect((await register("app-v1-renamed", args("app-renamed"))).inputs.fingerprint).toBe(v1);
    writeFileSync(join(work, "app.sh"), "echo v2\n");
    expect((await register("app-v2", args("app"))).inputs.fingerprint).not.toBe(v1);
  });

  it("lists every secret value for redaction and marks the outputs that may hold them secret", async () => {
    let seen: pulumi.CustomResourceOptions | undefined;
    const { inputs } = await register(
      "secrets",
      {
        amazonEbs: { ...ebs, sshPassword: pulumi.secret("pw-123456") },
        provisioners: [
          {
            type: "shell",
            inline: ["echo $TOKEN"],
            env: { TOKEN: pulumi.secret("tok-abcdef") },
            environmentVars: [pulumi.secret("DB_URL=postgres://u:p@db")],
          },
        ],
        tags: { team: "web" },
        baseDir: work,
      },
      {
        transformations: [
          (args: pulumi.ResourceTransformationArgs) => {
            seen = args.opts as pulumi.CustomResourceOptions;
            return undefined;
          },
        ],
      },
    );
    // The list reaches the engine as a secret (Pulumi's secret signature wraps it); the fingerprint, a hash, does not.
    expect(inputs.sensitiveValues).toEqual({
      [SECRET_SIG]: SECRET_VALUE,
      value: ["pw-123456", "tok-abcdef", "DB_URL=postgres://u:p@db", "postgres://u:p@db"],
    });
    expect(inputs.fingerprint).toMatch(/^sha256:/);
    expect(seen?.additionalSecretOutputs).toEqual(expect.arrayContaining(["manifest", "source", "sensitiveValues"]));
  });

  it("an invalid build still registers, so `check` can name the property at fault", async () => {
    const { inputs } = await register("invalid", { amazonEbs: { ...ebs, sourceAmi: "not-an-ami" }, baseDir: work });
    expect(inputs.fingerprint).toBe("invalid");
  });

  it("rejects args without a builder or a template at once, naming every form", () => {
    expect(() => new BakedImage("nothing", {})).toThrow(
      /BakedImage 'nothing': set one of \[amazonEbs\] or \[azureArm\] or \[template\]/,
    );
  });
});
