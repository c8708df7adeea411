import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../provider/engine/errors";
import { build, loadTemplate } from "../../provider/kiln";
import { type LoadOptions, resolveBuildData } from "../../provider/template";
import { fixture, problemOf, problemsOf, withoutLocations } from "./helpers";

async function loadJson(template: unknown, options: LoadOptions = {}, extra: Record<string, string> = {}) {
  const text = typeof template === "string" ? template : JSON.stringify(template, null, 2);
  const dir = fixture({ "template.json": text, ...extra });
  return {
    dir,
    file: path.join(dir, "template.json"),
    loaded: await loadTemplate(path.join(dir, "template.json"), { env: {}, ...options }),
  };
}

function loadJsonFails(template: unknown, options: LoadOptions = {}) {
  const text = typeof template === "string" ? template : JSON.stringify(template, null, 2);
  const dir = fixture({ "template.json": text });
  return loadTemplate(path.join(dir, "template.json"), { env: {}, ...options });
}

const TEMPLATE = `{
  "description": "legacy",
  "min_packer_version": "1.5.0",
  "_comment": "ignored",
  "variables": {
    "region": "us-east-1",
    "home": "{{env \`KILN_HOME\`}}",
    "prefix": "{{user \`region\`}}-img",
    "password": null
  },
  "sensitive-variables": ["password"],
  "builders": [
    {
      "type": "amazon-ebs",
      "name": "web",
      "region": "{{user \`region\`}}",
      "ami_name": "{{user \`prefix\`}}-{{build_name}}-{{build_type}}",
      "tags": { "Home": "{{user \`home\`}}" }
    },
    { "type": "null", "communicator": "none" }
  ],
  "provisioners": [
    {
      "type": "shell",
      "inline": ["echo {{user \`password\`}}", "{{ .Vars }} {{ .Path }}"],
      "override": { "web": { "inline": ["echo web"] } },
      "pause_before": "10s",
      "max_retries": "3",
      "timeout": "5m"
    },
    { "type": "shell-local", "only": ["null"], "command": "ssh {{ build \`Host\` }}" }
  ],
  "error-cleanup-provisioner": { "type": "shell-local", "inline": ["cleanup {{build_name}}"] },
  "post-processors": [
    "manifest",
    [
      { "type": "checksum", "checksum_types": ["md5"], "keep_input_artifact": true },
      { "type": "shell-local", "name": "notify", "inline": ["notify"], "except": ["null"] }
    ]
  ]
}
`;

describe("legacy JSON templates", () => {
  it("turns builders into builds, rendering {{ }} per builder, with overrides and only/except applied", async () => {
    const { dir, file, loaded } = await loadJson(TEMPLATE, {
      vars: { password: "s3cret" },
      env: { KILN_HOME: "/home/k" },
    });
    expect(loaded.files).toEqual([file]);
    expect(loaded.sensitiveValues).toEqual(["s3cret"]);
    expect(loaded.variables.map((v) => [v.name, v.sensitive, v.where.line])).toEqual([
      ["region", false, 6],
      ["home", false, 7],
      ["prefix", false, 8],
      ["password", true, 9],
    ]);
    expect(withoutLocations(loaded.builds)).toEqual([
      {
        baseDir: dir,
        sensitiveValues: ["s3cret"],
        sources: [
          {
            type: "amazon-ebs",
            name: "web",
            config: { region: "us-east-1", ami_name: "us-east-1-img-web-amazon-ebs", tags: { Home: "/home/k" } },
          },
        ],
        provisioners: [
          { type: "shell", config: { inline: ["echo web"] }, pause_before: "10s", max_retries: 3, timeout: "5m" },
        ],
        errorCleanupProvisioner: { type: "shell-local", config: { inline: ["cleanup web"] } },
        postProcessors: [
          [{ type: "manifest", config: {} }],
          [
            { type: "checksum", config: { checksum_types: ["md5"] }, keep_input_artifact: true },
            { type: "shell-local", config: { inline: ["notify"] }, except: ["null"] },
          ],
        ],
      },
      {
        baseDir: dir,
        sensitiveValues: ["s3cret"],
        sources: [{ type: "null", name: "null", config: { communicator: "none" } }],
        provisioners: [
          {
            type: "shell",
            config: { inline: ["echo s3cret", "{{ .Vars }} {{ .Path }}"] },
            pause_before: "10s",
            max_retries: 3,
            timeout: "5m",
          },
          { type: "shell-local", config: { command: "ssh \uFDD0build.Host\uFDD1" }, only: ["null"] },
        ],
        errorCleanupProvisioner: { type: "shell-local", config: { inline: ["cleanup null"] } },
        postProcessors: [
          [{ type: "manifest", config: {} }],
          [{ type: "checksum", config: { checksum_types: ["md5"] }, keep_input_artifact: true }],
        ],
      },
    ]);
    expect(resolveBuildData(loaded.builds[1]?.provisioners?.[1]?.config, { Host: "10.1.1.1" })).toEqual({
      command: "ssh 10.1.1.1",
    });
  });

  it("renders builder names with user variables: the build, -only and {{build_name}} see the rendered name", async () => {
    const template = {
      variables: { template: "ubuntu" },
      builders: [
        { type: "null", name: "{{user `template`}}-qemu", communicator: "none" },
        { type: "null", name: "other", communicator: "none" },
      ],
      provisioners: [
        { type: "shell-local", inline: ["echo all {{build_name}}"] },
        // Packer matches a step's only/except against the name as written.
        { type: "shell-local", only: ["{{user `template`}}-qemu"], inline: ["echo only {{build_name}}"] },
      ],
    };
    const { loaded } = await loadJson(template, { vars: { template: "debian" }, only: ["debian-qemu"] });
    expect(loaded.builds.flatMap((b) => b.sources.map((s) => s.name))).toEqual(["debian-qemu"]);
    const lines: string[] = [];
    const result = await build(loaded.builds, {
      only: ["debian-qemu"],
      onEvent: (e) => {
        if (e.type === "output") lines.push(e.line);
      },
    });
    expect(result.builds.map((b) => b.name)).toEqual(["null.debian-qemu"]);
    expect(lines).toEqual(["all debian-qemu", "only debian-qemu"]);
  });

  it("locates builders, provisioners and their fields by line", async () => {
    const { file, loaded } = await loadJson(TEMPLATE, { vars: { password: "x" } });
    const web = loaded.builds[0];
    expect(web?.where).toEqual({ file, line: 12, column: 3 });
    expect(web?.sources[0]?.where).toEqual({ file, line: 13, column: 5 });
    expect(web?.sources[0]?.fieldLocations?.ami_name).toEqual({ file, line: 17, column: 7 });
    expect(web?.sources[0]?.fieldLocations?.["tags.Home"]).toEqual({ file, line: 18, column: 17 });
    expect(web?.sources[0]?.fieldLocations?.type).toBeUndefined();
    expect(web?.provisioners?.[0]?.where).toEqual({ file, line: 23, column: 5 });
    expect(web?.provisioners?.[0]?.fieldLocations?.["inline[1]"]).toEqual({ file, line: 25, column: 46 });
    expect(web?.postProcessors?.[1]?.[1]?.where).toEqual({ file, line: 38, column: 7 });
  });

  it("takes -var-file values, then -var values, over defaults", async () => {
    const varFile = JSON.stringify({ region: "eu-west-1", password: "from-file" });
    const dir = fixture({ "template.json": TEMPLATE, "vars.json": varFile });
    const load = (options: LoadOptions) => loadTemplate(path.join(dir, "template.json"), { env: {}, ...options });
    const viaFile = await load({ varFiles: [path.join(dir, "vars.json")] });
    expect(viaFile.builds[0]?.sources[0]?.config.ami_name).toBe("eu-west-1-img-web-amazon-ebs");
    expect(viaFile.sensitiveValues).toEqual(["from-file"]);
    expect(viaFile.files).toEqual([path.join(dir, "template.json"), path.join(dir, "vars.json")]);
    const viaVar = await load({ varFiles: [path.join(dir, "vars.json")], vars: { region: "ap-south-1" } });
    expect(viaVar.builds[0]?.sources[0]?.config.region).toBe("ap-south-1");
  });

  it("filters builders with -only/-except and post-processors by name with -except", async () => {
    const { loaded } = await loadJson(TEMPLATE, { vars: { password: "x" }, only: ["w*"], except: ["notify"] });
    expect(loaded.builds.map((b) => b.sources[0]?.name)).toEqual(["web"]);
    expect(loaded.builds[0]?.postProcessors?.map((chain) => chain.map((p) => p.type))).toEqual([
      ["manifest"],
      ["checksum"],
    ]);
  });

  it("groups builders whose steps come out the same into one build", async () => {
    const { loaded } = await loadJson({
      builders: [
        { type: "null", name: "a", communicator: "none" },
        { type: "null", name: "b", communicator: "none" },
      ],
      provisioners: [{ type: "shell-local", inline: ["same"] }],
    });
    expect(loaded.builds.map((b) => b.sources.map((s) => s.name))).toEqual([["a", "b"]]);
  });

  it("reports JSON syntax errors with line and column", async () => {
    expect(await problemOf(loadJsonFails('{\n  "builders": [\n    {"type": "null",}\n  ]\n}'))).toMatch(
      /template\.json:3:21: template: invalid JSON: expected a quoted key, found character "\}"$/,
    );
    expect(await problemOf(loadJsonFails('{"builders": [], "builders": []}'))).toMatch(
      /template\.json:1:18: template: duplicate key "builders"$/,
    );
  });

  it("reports an unset required variable once, not again at each {{user}} that reads it", async () => {
    const problems = await problemsOf(
      loadJsonFails({
        variables: { region: null },
        builders: [{ type: "null", communicator: "none" }],
        provisioners: [{ type: "shell-local", inline: ["echo {{user `region`}}"] }],
      }),
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/template\.json:3:\d+: variables\.region: required variable not set/),
    ]);
  });

  it("names a missing required variable, and variables that refer to each other in a cycle", async () => {
    const problems = await problemsOf(
      loadJsonFails({
        variables: { need: null, a: "{{user `b`}}", b: "{{user `a`}}" },
        builders: [{ type: "null", communicator: "none" }],
      }),
    );
    const text = problems.map(formatProblem).join("\n");
    expect(text).toMatch(
      /template\.json:3:5: variables\.need: required variable not set \(give it with -var or -var-file\)/,
    );
    expect(text).toMatch(/template\.json:4:10: variables\.a: variables refer to each other in a cycle: a → b → a/);
  });

  it.each([
    [{ builders: [] }, /template\.json:2:3: builders: at least one builder must be defined/],
    [{ builders: [{ name: "x" }] }, /template\.json:3:5: builders\[0\]: missing "type"/],
    [
      { builders: [{ type: "null" }, { type: "null" }] },
      /template\.json:6:5: builders\[1\]: a builder named "null" already exists/,
    ],
    [{ builders: [{ type: "null" }], bogus: 1 }, /template\.json:7:3: bogus: unknown root level key in template/],
    [{ builders: [{ type: "null" }], push: {} }, /template\.json:7:3: push: "push" was removed from Packer/],
    [
      { builders: [{ type: "null" }], provisioners: [{ inline: [] }] },
      /template\.json:8:5: provisioners\[0\]: missing "type"/,
    ],
    [
      { builders: [{ type: "null" }], provisioners: [{ type: "shell", only: ["nope"] }] },
      /template\.json:10:7: provisioners\[0\]\.only: "nope" is not a builder name \(builders: null\)/,
    ],
    [
      { builders: [{ type: "null" }], provisioners: [{ type: "shell", pause_before: "soon" }] },
      /template\.json:10:7: provisioners\[0\]\.pause_before: invalid duration "soon"/,
    ],
    [
      { builders: [{ type: "null" }], provisioners: [{ type: "shell", pause_before: 10 }] },
      /provisioners\[0\]\.pause_before: must be a Go duration string/,
    ],
    [
      { builders: [{ type: "null" }], provisioners: [{ type: "shell", max_retries: "x" }] },
      /provisioners\[0\]\.max_retries: must be a whole number/,
    ],
    [
      { builders: [{ type: "null" }], provisioners: [{ type: "shell", override: { other: {} } }] },
      /template\.json:11:9: provisioners\[0\]\.override: "other" is not a builder name/,
    ],
    [
      { builders: [{ type: "null" }], "post-processors": [[["manifest"]]] },
      /template\.json:9:7: post-processors\[0\]\[0\]: a chain may not be nested in a chain/,
    ],
    [
      { builders: [{ type: "null" }], "sensitive-variables": ["nope"] },
      /template\.json:8:5: sensitive-variables: "nope" is not declared in "variables"/,
    ],
    [
      { builders: [{ type: "null", x: "{{ nosuch }}" }] },
      /template\.json:5:16: builders\[0\]\.x: function "nosuch" is not defined/,
    ],
    [
      { builders: [{ type: "null", x: "{{ user `nope` }}" }] },
      /template\.json:5:16: builders\[0\]\.x: user variable "nope" is not declared in "variables"/,
    ],
    [
      { builders: [{ type: "null", x: "{{ env `HOME` }}" }] },
      /builders\[0\]\.x: \{\{env `HOME`\}\}: env is only allowed in the variables section/,
    ],
    [
      { builders: [{ type: "null" }], min_packer_version: "one" },
      /template\.json:7:3: min_packer_version: must be a version/,
    ],
  ])("rejects %j", async (template, message) => {
    expect(await problemOf(loadJsonFails(template))).toMatch(message);
  });

  it("rejects -var and var-file values for undeclared variables", async () => {
    const dir = fixture({
      "template.json": JSON.stringify({ builders: [{ type: "null" }] }),
      "v.json": '{\n  "x": "1"\n}',
    });
    const problems = await problemsOf(
      loadTemplate(path.join(dir, "template.json"), { vars: { y: "2" }, varFiles: [path.join(dir, "v.json")] }),
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/v\.json:2:3: var-file\.x: variable "x" is not declared in the template's "variables"$/),
      expect.stringMatching(/^var\.y: -var "y" is not declared/),
    ]);
  });
});
