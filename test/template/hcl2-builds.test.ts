import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../provider/engine/errors";
import { loadTemplate } from "../../provider/kiln";
import { resolveBuildData } from "../../provider/template";
import { fixture, loadHcl, problemOf, problemsOf, withoutLocations } from "./helpers";

const SOURCE = `
source "null" "a" {
  communicator = "none"
}
`;

describe("HCL2 sources and builds", () => {
  it("turns sources, provisioners and post-processors into a BuildSpec with positions", async () => {
    const dir = fixture({
      "main.pkr.hcl": `source "amazon-ebs" "web" {
  ami_name      = "web"
  instance_type = "t3.micro"
  launch_block_device_mappings {
    device_name = "/dev/sda1"
    volume_size = 8
  }
  launch_block_device_mappings {
    device_name = "/dev/sdb"
  }
}

build {
  name        = "images"
  description = "the web image"
  sources     = ["source.amazon-ebs.web"]

  provisioner "shell" {
    inline       = ["echo hi"]
    only         = ["amazon-ebs.web"]
    pause_before = "5s"
    max_retries  = 2
    timeout      = "10m"
  }
  error-cleanup-provisioner "shell" {
    inline = ["echo failed"]
  }
  post-processor "manifest" {
    output              = "out.json"
    keep_input_artifact = true
  }
  post-processors {
    post-processor "checksum" {
      checksum_types = ["sha256"]
    }
    post-processor "shell-local" {
      inline = ["ls"]
      only   = ["source.amazon-ebs.web"]
    }
  }
}
`,
    });
    const file = path.join(dir, "main.pkr.hcl");
    const loaded = await loadTemplate(dir, { env: {} });
    expect(loaded.files).toEqual([file]);
    expect(loaded.builds).toHaveLength(1);
    const [build] = loaded.builds;
    expect(withoutLocations(build)).toEqual({
      name: "images",
      baseDir: dir,
      sensitiveValues: [],
      sources: [
        {
          type: "amazon-ebs",
          name: "web",
          config: {
            ami_name: "web",
            instance_type: "t3.micro",
            launch_block_device_mappings: [{ device_name: "/dev/sda1", volume_size: 8 }, { device_name: "/dev/sdb" }],
          },
        },
      ],
      provisioners: [
        {
          type: "shell",
          config: { inline: ["echo hi"] },
          only: ["amazon-ebs.web"],
          pause_before: "5s",
          max_retries: 2,
          timeout: "10m",
        },
      ],
      errorCleanupProvisioner: { type: "shell", config: { inline: ["echo failed"] } },
      postProcessors: [
        [{ type: "manifest", config: { output: "out.json" }, keep_input_artifact: true }],
        [
          { type: "checksum", config: { checksum_types: ["sha256"] } },
          { type: "shell-local", config: { inline: ["ls"] }, only: ["amazon-ebs.web"] },
        ],
      ],
    });
    expect(build?.where).toEqual({ file, line: 13, column: 1 });
    const source = build?.sources[0];
    expect(source?.where).toEqual({ file, line: 1, column: 1 });
    expect(source?.fieldLocations?.instance_type).toEqual({ file, line: 3, column: 3 });
    expect(source?.fieldLocations?.launch_block_device_mappings).toEqual({ file, line: 4, column: 3 });
    expect(source?.fieldLocations?.["launch_block_device_mappings[1].device_name"]).toEqual({
      file,
      line: 9,
      column: 5,
    });
    const provisioner = build?.provisioners?.[0];
    expect(provisioner?.where).toEqual({ file, line: 18, column: 3 });
    expect(provisioner?.fieldLocations?.inline).toEqual({ file, line: 19, column: 5 });
    expect(provisioner?.fieldLocations?.timeout).toEqual({ file, line: 23, column: 5 });
    expect(build?.postProcessors?.[1]?.[1]?.where).toEqual({ file, line: 36, column: 5 });
  });

  it("reads every *.pkr.hcl and *.pkr.json of a directory, and a single file alone", async () => {
    const dir = fixture({
      "a-sources.pkr.hcl": SOURCE,
      "b-build.pkr.hcl": `build { sources = ["source.null.a", "source.null.j"] }`,
      "c.pkr.json": JSON.stringify({ source: { null: { j: { communicator: "none" } } } }),
      "ignored.json": "{ not even json",
      "nested/d.pkr.hcl": "this is not parsed",
    });
    const loaded = await loadTemplate(dir, { env: {} });
    expect(loaded.files.map((f) => path.basename(f))).toEqual(["a-sources.pkr.hcl", "b-build.pkr.hcl", "c.pkr.json"]);
    expect(loaded.builds[0]?.sources.map((s) => s.name)).toEqual(["a", "j"]);

    const single = await loadTemplate(path.join(dir, "a-sources.pkr.hcl"), { env: {} }).catch((e: Error) => e.message);
    expect(single).toMatch(/has no build block/);
  });

  it("evaluates provisioners per source: source.name, build.name and legacy {{build_name}}", async () => {
    const loaded = await loadHcl(`
source "null" "a" { communicator = "none" }
source "null" "b" { communicator = "none" }
build {
  name    = "web"
  sources = ["source.null.a", "source.null.b"]
  provisioner "shell" {
    inline = ["echo \${source.type}.\${source.name} in \${build.name}", "{{build_name}}/{{build_type}}"]
  }
  provisioner "shell" {
    inline = ["same for all"]
  }
}
`);
    // Different provisioner text per source: each source gets its own BuildSpec.
    expect(
      loaded.builds.map((b) => [b.name, b.sources.map((s) => s.name), b.provisioners?.[0]?.config.inline]),
    ).toEqual([
      ["web", ["a"], ["echo null.a in web", "a/null"]],
      ["web", ["b"], ["echo null.b in web", "b/null"]],
    ]);
  });

  it("keeps sources in one BuildSpec when their steps are identical", async () => {
    const loaded = await loadHcl(`
source "null" "a" { communicator = "none" }
source "null" "b" { communicator = "none" }
build {
  sources = ["source.null.a", "source.null.b"]
  provisioner "shell" { inline = ["echo same"] }
}
`);
    expect(loaded.builds).toHaveLength(1);
    expect(loaded.builds[0]?.sources.map((s) => s.name)).toEqual(["a", "b"]);
    expect(loaded.builds[0]?.name).toBeUndefined();
  });

  it("leaves a provisioner out of the sources its only/except exclude", async () => {
    const loaded = await loadHcl(`
source "null" "a" { communicator = "none" }
source "null" "b" { communicator = "none" }
build {
  sources = ["source.null.a", "source.null.b"]
  provisioner "shell" {
    only   = ["null.a"]
    inline = ["only a"]
  }
  provisioner "shell" {
    except = ["source.null.a"]
    inline = ["not a"]
  }
}
`);
    const bySource = Object.fromEntries(
      loaded.builds.flatMap((b) => b.sources.map((s) => [s.name, b.provisioners?.map((p) => p.config.inline)])),
    );
    expect(bySource).toEqual({ a: [["only a"]], b: [["not a"]] });
  });

  it("applies a provisioner's override to the source of that name", async () => {
    const loaded = await loadHcl(`
source "null" "a" { communicator = "none" }
source "null" "b" { communicator = "none" }
build {
  sources = ["source.null.a", "source.null.b"]
  provisioner "shell" {
    inline   = ["default"]
    override = {
      b = { inline = ["for b"], env = { X = "1" } }
    }
  }
}
`);
    const bySource = Object.fromEntries(
      loaded.builds.flatMap((b) => b.sources.map((s) => [s.name, b.provisioners?.[0]?.config])),
    );
    expect(bySource).toEqual({ a: { inline: ["default"] }, b: { inline: ["for b"], env: { X: "1" } } });
  });

  it("renames and extends a source with a source block inside the build", async () => {
    const loaded = await loadHcl(`
source "null" "base" {
  communicator = "none"
}
build {
  source "source.null.base" {
    name      = "first"
    ssh_host  = "10.0.0.1"
  }
  source "null.base" {
    name = "second"
  }
  provisioner "shell" { inline = ["\${source.name}"] }
}
`);
    const sources = loaded.builds.flatMap((b) => b.sources);
    expect(withoutLocations(sources)).toEqual([
      { type: "null", name: "first", config: { communicator: "none", ssh_host: "10.0.0.1" } },
      { type: "null", name: "second", config: { communicator: "none" } },
    ]);
    expect(loaded.builds.map((b) => b.provisioners?.[0]?.config.inline)).toEqual([["first"], ["second"]]);
    expect(sources[0]?.fieldLocations?.ssh_host?.line).toBe(8);
  });

  it("treats null attributes as unset", async () => {
    const loaded = await loadHcl(`
source "null" "a" {
  communicator = "none"
  ssh_host     = null
}
build { sources = ["source.null.a"] }
`);
    expect(loaded.builds[0]?.sources[0]?.config).toEqual({ communicator: "none" });
  });

  it("exposes path.root, path.cwd and packer.version", async () => {
    const loaded = await loadHcl(`
source "null" "a" {
  communicator = "none"
  root = path.root
  cwd  = path.cwd
  ver  = packer.version
}
build { sources = ["source.null.a"] }
`);
    const config = loaded.builds[0]?.sources[0]?.config;
    expect(config?.root).toBe(loaded.builds[0]?.baseDir);
    expect(path.isAbsolute(config?.root as string)).toBe(true);
    expect(config?.cwd).toBe(process.cwd());
    expect(config?.ver).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("resolves file functions against the template's directory and abspath against the working directory, as Packer does", async () => {
    const dir = fixture({
      "project/data.txt": "beside the template",
      "project/t.pkr.hcl":
        'source "null" "a" {\n  communicator = "none"\n  data = file("data.txt")\n  here = fileexists("project/data.txt")\n  set = fileset(".", "*.txt")\n  abs = abspath("x")\n}\nbuild { sources = ["source.null.a"] }\n',
    });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const config = (await loadTemplate("project", { env: {} })).builds[0]?.sources[0]?.config;
      expect(config).toMatchObject({ data: "beside the template", here: false, set: ["data.txt"] });
      expect(config?.abs).toBe(path.join(process.cwd(), "x"));
    } finally {
      process.chdir(cwd);
    }
  });

  it("renders legacy {{timestamp}} and {{isotime}} from one instant, fixed per load", async () => {
    const loaded = await loadHcl(`
source "null" "a" {
  communicator = "none"
  a = "{{timestamp}}"
  b = "{{timestamp}}"
  c = "{{isotime \\"2006-01-02T15:04:05Z07:00\\"}}"
}
build { sources = ["source.null.a"] }
`);
    const config = loaded.builds[0]?.sources[0]?.config as Record<string, string>;
    expect(config.a).toMatch(/^\d{10}$/);
    expect(config.b).toBe(config.a);
    expect(new Date(config.c as string).getTime() / 1000).toBe(Number(config.a));
  });

  it("keeps plugin template data such as {{ .Path }} for the plugin", async () => {
    const loaded = await loadHcl(`
${SOURCE}
build {
  sources = ["source.null.a"]
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo {{ .Path }}"
    inline = ["true"]
  }
}
`);
    expect(loaded.builds[0]?.provisioners?.[0]?.config.execute_command).toBe(
      "chmod +x {{ .Path }}; {{ .Vars }} sudo {{ .Path }}",
    );
  });

  it("filters builds with -only and -except globs, and post-processors by name with -except", async () => {
    const text = `
source "null" "a" { communicator = "none" }
source "null" "b" { communicator = "none" }
build {
  name    = "web"
  sources = ["source.null.a", "source.null.b"]
  post-processor "manifest" { name = "keep-me" }
  post-processor "checksum" { checksum_types = ["md5"] }
}
`;
    const names = (l: Awaited<ReturnType<typeof loadHcl>>) => l.builds.flatMap((b) => b.sources.map((s) => s.name));
    expect(names(await loadHcl(text, { only: ["web.null.a"] }))).toEqual(["a"]);
    expect(names(await loadHcl(text, { only: ["null.b"] }))).toEqual(["b"]);
    expect(names(await loadHcl(text, { except: ["*.a"] }))).toEqual(["b"]);
    const noChecksum = await loadHcl(text, { except: ["checksum"] });
    expect(noChecksum.builds[0]?.postProcessors?.map((c) => c.map((p) => p.type))).toEqual([["manifest"]]);
    expect(await problemOf(loadHcl(text, { only: ["nope.*"] }))).toMatch(
      /^only: "nope\.\*" matches no build \(builds: web\.null\.a, web\.null\.b\)/,
    );
  });
});

describe("dynamic blocks", () => {
  it("expands dynamic blocks with for_each, iterator, nested dynamics and the outer iterator", async () => {
    const loaded = await loadHcl(`
variable "disks" {
  default = { sdb = 10, sdc = 20 }
}
source "amazon-ebs" "web" {
  dynamic "launch_block_device_mappings" {
    for_each = var.disks
    iterator = disk
    content {
      device_name = "/dev/\${disk.key}"
      volume_size = disk.value
      dynamic "tag" {
        for_each = ["x", "y"]
        content {
          name = "\${disk.key}-\${tag.value}-\${tag.key}"
        }
      }
    }
  }
}
build {
  sources = ["source.amazon-ebs.web"]
  provisioner "shell" {
    dynamic "env" {
      for_each = ["A", "B"]
      content {
        name = "\${env.value}-\${source.name}"
      }
    }
  }
}
`);
    expect(loaded.builds[0]?.sources[0]?.config).toEqual({
      launch_block_device_mappings: [
        { device_name: "/dev/sdb", volume_size: 10, tag: [{ name: "sdb-x-0" }, { name: "sdb-y-1" }] },
        { device_name: "/dev/sdc", volume_size: 20, tag: [{ name: "sdc-x-0" }, { name: "sdc-y-1" }] },
      ],
    });
    expect(loaded.builds[0]?.provisioners?.[0]?.config).toEqual({ env: [{ name: "A-web" }, { name: "B-web" }] });
  });

  it("generates provisioner blocks with a dynamic block in the build", async () => {
    const loaded = await loadHcl(`
${SOURCE}
build {
  sources = ["source.null.a"]
  dynamic "provisioner" {
    for_each = ["one", "two"]
    labels   = ["shell"]
    content {
      inline = ["echo \${provisioner.value}"]
    }
  }
}
`);
    expect(loaded.builds[0]?.provisioners?.map((p) => [p.type, p.config.inline])).toEqual([
      ["shell", ["echo one"]],
      ["shell", ["echo two"]],
    ]);
  });

  it("rejects a dynamic block without content, naming it", async () => {
    expect(
      await problemOf(
        loadHcl(`
source "null" "a" {
  dynamic "tag" {
    for_each = [1]
  }
}
build { sources = ["source.null.a"] }
`),
      ),
    ).toMatch(
      /main\.pkr\.hcl:3:3: source "null" "a"\.dynamic "tag": a dynamic block needs exactly one content \{\} block$/,
    );
  });

  it("rejects for_each over a string", async () => {
    expect(
      await problemOf(
        loadHcl(`
source "null" "a" {
  dynamic "tag" {
    for_each = "abc"
    content {}
  }
}
build { sources = ["source.null.a"] }
`),
      ),
    ).toMatch(/main\.pkr\.hcl:4:5: source "null" "a"\.dynamic "tag"\.for_each: must be a list, set, map or object/);
  });
});

describe("deferred build data", () => {
  it("keeps build.Host in place and lets the engine fill it in per build", async () => {
    const loaded = await loadHcl(`
${SOURCE}
build {
  sources = ["source.null.a"]
  provisioner "shell" {
    inline = ["ssh \${build.User}@\${build.Host}:\${build.Port}", "ami \${build.SourceAMI}", "{{ build \`ID\` }}"]
  }
  post-processor "manifest" {
    custom_data = { run = build.PackerRunUUID }
  }
}
`);
    const build = loaded.builds[0];
    const inline = build?.provisioners?.[0]?.config.inline as string[];
    expect(inline[0]).not.toContain("undefined");
    const resolved = resolveBuildData(build?.provisioners?.[0]?.config, {
      User: "ubuntu",
      Host: "10.0.0.5",
      Port: "22",
      SourceAMI: "ami-123",
      ID: "i-abc",
    });
    expect(resolved).toEqual({ inline: ["ssh ubuntu@10.0.0.5:22", "ami ami-123", "i-abc"] });
    expect(resolveBuildData(build?.postProcessors?.[0]?.[0]?.config, { PackerRunUUID: "u-1" })).toEqual({
      custom_data: { run: "u-1" },
    });
    expect(() => resolveBuildData(build?.provisioners?.[0]?.config, { Host: "h" })).toThrow(
      /build data build\.User, build\.Port, build\.SourceAMI, build\.ID is not provided by this build/,
    );
  });
});

describe("HCL2 structure errors", () => {
  it("reports HashiCorp's syntax errors with file, line, column and the enclosing block", async () => {
    const problem = await problemOf(
      loadHcl(`source "null" "a" {
  communicator =
}
`),
    );
    // Packer 1.6.6 reports this at 2,17 "in source "null" "a"" with the same words.
    expect(problem).toMatch(
      /main\.pkr\.hcl:2:17: source "null" "a": Invalid expression: Expected the start of an expression, but found an invalid expression token\.$/,
    );
  });

  it("reports a redefined argument as HashiCorp does", async () => {
    const problem = await problemOf(loadHcl(`source "null" "a" {\n  a = 1\n  a = 2\n}\n`));
    expect(problem).toMatch(/main\.pkr\.hcl:3:3: .*Attribute redefined: The argument "a" was already set at/);
  });

  it("collects several problems across blocks", async () => {
    const problems = await problemsOf(
      loadHcl(`
source "null" "a" {
  x = nosuchfunc()
}
source "null" "b" {
  y = 1 + "a"
}
build {
  sources = ["source.null.a", "source.null.b", "source.null.c"]
  provisioner "shell" { inline = [upper()] }
  weird "x" {}
}
`),
    );
    const lines = problems.map(formatProblem);
    expect(lines).toHaveLength(5);
    expect(lines.join("\n")).toMatch(
      /:9:3: build\.sources: unknown source "source\.null\.c" \(declared: source\.null\.a, source\.null\.b\)/,
    );
    expect(lines.join("\n")).toMatch(/:11:3: build\.weird "x": unsupported block in a build block/);
    expect(lines.join("\n")).toMatch(/:3:7: source "null" "a"\.x: Call to unknown function/);
    expect(lines.join("\n")).toMatch(/:6:11: source "null" "b"\.y: Invalid operand/);
    expect(lines.join("\n")).toMatch(/:10:\d+: build\.provisioner "shell"\.inline: /);
  });

  it.each([
    [
      'communicator "ssh" "x" {}',
      /:1:1: communicator "ssh" "x": unsupported block type "communicator".*not supported by Kiln yet/,
    ],
    ["foo = 1", /:1:1: foo: unsupported argument at the top level/],
    ['dynamic "source" {\n}', /:1:1: dynamic "source": dynamic blocks are not supported at the top level/],
    [
      'data "amazon-secretsmanager" "x" {}',
      /:1:1: data "amazon-secretsmanager" "x": data source type "amazon-secretsmanager" is not supported by Kiln yet \(supported: null, amazon-ami\)/,
    ],
    // Checked before any AWS call: the lookup's config is validated first.
    [
      'data "amazon-ami" "x" {\n  owners = ["self"]\n}',
      /:1:1: data "amazon-ami" "x"\.region: Invalid input: expected string/,
    ],
    ['source "null" "a" {}', /:1:1: source "null" "a": duplicate source: already declared at .*main\.pkr\.hcl:3/],
  ])("rejects %s", async (text, message) => {
    const problem = await problemOf(
      loadHcl(`\n${SOURCE}\nbuild { sources = ["source.null.a"] }\n`, {}, { "z.pkr.hcl": text }),
    );
    expect(problem).toMatch(message);
    expect(problem).toMatch(/z\.pkr\.hcl|main\.pkr\.hcl/);
  });

  it.each([
    [
      'provisioner "shell" {\n  name = "x"\n}',
      /:4:3: build\.provisioner "shell"\.name: "name" on a provisioner is not supported by Kiln yet/,
    ],
    [
      'provisioner "shell" {\n  only = ["null.zz"]\n}',
      /:4:3: build\.provisioner "shell"\.only: "null\.zz" is not a source of this build \(sources: null\.a\)/,
    ],
    [
      'provisioner "shell" {\n  timeout = "ten minutes"\n}',
      /:4:3: build\.provisioner "shell"\.timeout: invalid duration "ten minutes"/,
    ],
    [
      'provisioner "shell" {\n  max_retries = -1\n}',
      /:4:3: build\.provisioner "shell"\.max_retries: must be a whole number/,
    ],
    [
      'provisioner "shell" {\n  override = { zz = {} }\n}',
      /:4:3: build\.provisioner "shell"\.override: "zz" is not the name of a source/,
    ],
    [
      'provisioner "shell" {\n  only = ["null.a"]\n  except = ["null.a"]\n}',
      /:3:3: build\.provisioner "shell": only one of 'only' or 'except'/,
    ],
    [
      'error-cleanup-provisioner "shell" {}\n  error-cleanup-provisioner "shell" {}',
      /:4:3: build\.error-cleanup-provisioner "shell": only one error-cleanup-provisioner is allowed/,
    ],
    [
      'post-processor "manifest" {\n  keep_input_artifact = "yes"\n}',
      /:4:3: build\.post-processor "manifest"\.keep_input_artifact: must be true or false/,
    ],
    [
      "post-processors {\n  x = 1\n}",
      /:4:3: build\.post-processors\.x: a post-processors block only holds post-processor blocks/,
    ],
    [
      "hcp_packer_registry {\n}",
      /:3:3: build\.hcp_packer_registry: "hcp_packer_registry" blocks are not supported by Kiln yet/,
    ],
    [
      'source "source.null.a" {\n  communicator = "ssh"\n}',
      /:3:3: build\.source "source\.null\.a"\.communicator: already set in source "null" "a" at .*s\.pkr\.hcl:4; a build may add fields/,
    ],
    ['sources = ["null"]', /:2:3: build\.sources: invalid source reference "null": write source\.TYPE\.NAME/],
    [
      'sources = ["source.null.a"]\n  source "source.null.a" {}',
      /:3:3: build\.source "source\.null\.a": source null\.a is used twice in this build/,
    ],
    ["bad = 1", /:3:3: build\.bad: unsupported argument in a build block/],
  ])("rejects %s in a build", async (inner, message) => {
    const text = `build {\n${inner.includes("source") ? "" : 'sources = ["source.null.a"]\n'}  ${inner}\n}\n`;
    const problem = await problemOf(loadHcl(text, {}, { "s.pkr.hcl": `\n${SOURCE}` }));
    expect(problem).toMatch(message);
  });

  it("rejects a build without sources", async () => {
    expect(await problemOf(loadHcl(`${SOURCE}\nbuild {\n  name = "x"\n}\n`))).toMatch(
      /main\.pkr\.hcl:6:1: build: a build block must use at least one source/,
    );
  });

  it("rejects a template path that does not exist or is of no known kind", async () => {
    expect(await problemOf(loadTemplate("/nonexistent/kiln"))).toMatch(
      /^template: cannot read \/nonexistent\/kiln: no such file/,
    );
    const dir = fixture({ "t.yaml": "", "legacy.json": "{}" });
    expect(await problemOf(loadTemplate(path.join(dir, "t.yaml")))).toMatch(/cannot tell the format/);
    expect(await problemOf(loadTemplate(dir))).toMatch(
      /no template files in .*pass the file itself, e\.g\. .*legacy\.json/,
    );
  });
});

describe("packer block and legacy interpolation in HCL2", () => {
  it("accepts required_version and required_plugins", async () => {
    const loaded = await loadHcl(`
packer {
  required_version = ">= 1.6.0, < 2.0.0"
  required_plugins {
    amazon = {
      version = ">= 1.0.0"
      source  = "github.com/hashicorp/amazon"
    }
  }
}
${SOURCE}
build { sources = ["source.null.a"] }
`);
    expect(loaded.builds).toHaveLength(1);
  });

  it.each([
    [
      'packer {\n  required_version = "one point six"\n}',
      /main\.pkr\.hcl:2:3: packer\.required_version: must be a version constraint/,
    ],
    [
      'packer {\n  min_version = "1.0"\n}',
      /main\.pkr\.hcl:2:3: packer\.min_version: unsupported argument in a packer block/,
    ],
    [
      'packer {\n  required_plugins {\n    amazon = ">= 1"\n  }\n}',
      /main\.pkr\.hcl:3:5: packer\.required_plugins\.amazon: must be an object/,
    ],
  ])("rejects %s", async (text, message) => {
    expect(await problemOf(loadHcl(`${text}\n${SOURCE}\nbuild { sources = ["source.null.a"] }\n`))).toMatch(message);
  });

  it("points {{user}} in HCL2 to var.", async () => {
    expect(
      await problemOf(
        loadHcl(`source "null" "a" {\n  ami = "x-{{user \`v\`}}"\n}\nbuild { sources = ["source.null.a"] }\n`),
      ),
    ).toMatch(
      /main\.pkr\.hcl:2:3: source "null" "a"\.ami: \{\{user `v`\}\}: HCL2 templates have no user variables; use var\.v/,
    );
  });

  it("does not offer build data to a source, which is configured before the build has any", async () => {
    expect(
      await problemOf(loadHcl(`source "null" "a" {\n  host = build.Host\n}\nbuild { sources = ["source.null.a"] }\n`)),
    ).toMatch(/main\.pkr\.hcl:2:10: source "null" "a"\.host: Unknown variable: There is no variable named "build"/);
  });
});
