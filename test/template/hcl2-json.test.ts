import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../provider/engine/errors";
import { loadTemplate } from "../../provider/kiln";
import { fixture, problemOf, problemsOf, withoutLocations } from "./helpers";

const TEMPLATE = `{
  "//": "HCL JSON comment",
  "variable": {
    "region": { "type": "string", "default": "eu-west-1" },
    "sizes": {
      "type": "list(number)",
      "default": ["1", 2],
      "validation": { "condition": "\${length(var.sizes) > 0}", "error_message": "Give at least one size." }
    }
  },
  "locals": { "name": "img-\${var.region}" },
  "source": {
    "amazon-ebs": {
      "web": {
        "ami_name": "\${local.name}",
        "tags": { "Name": "\${upper(local.name)}" },
        "launch_block_device_mappings": [{ "device_name": "/dev/sda1", "volume_size": "\${var.sizes[0]}" }]
      }
    }
  },
  "build": {
    "name": "json",
    "sources": ["source.amazon-ebs.web"],
    "provisioner": [
      { "shell": { "inline": ["echo \${source.name}"] } },
      { "shell": { "inline": ["two"], "max_retries": 1, "only": ["amazon-ebs.web"] } }
    ],
    "post-processors": [
      { "post-processor": [{ "manifest": { "output": "m.json" } }, { "checksum": { "checksum_types": ["md5"] } }] }
    ]
  }
}
`;

describe(".pkr.json templates", () => {
  it("reads HCL's JSON syntax into the same BuildSpecs, with positions", async () => {
    const dir = fixture({ "main.pkr.json": TEMPLATE });
    const file = path.join(dir, "main.pkr.json");
    const loaded = await loadTemplate(dir, { env: {} });
    expect(withoutLocations(loaded.builds)).toEqual([
      {
        name: "json",
        baseDir: dir,
        sensitiveValues: [],
        sources: [
          {
            type: "amazon-ebs",
            name: "web",
            config: {
              ami_name: "img-eu-west-1",
              tags: { Name: "IMG-EU-WEST-1" },
              launch_block_device_mappings: [{ device_name: "/dev/sda1", volume_size: 1 }],
            },
          },
        ],
        provisioners: [
          { type: "shell", config: { inline: ["echo web"] } },
          { type: "shell", config: { inline: ["two"] }, max_retries: 1, only: ["amazon-ebs.web"] },
        ],
        postProcessors: [
          [
            { type: "manifest", config: { output: "m.json" } },
            { type: "checksum", config: { checksum_types: ["md5"] } },
          ],
        ],
      },
    ]);
    expect(loaded.variables.map((v) => v.name)).toEqual(["region", "sizes"]);
    expect(loaded.builds[0]?.sources[0]?.fieldLocations?.tags).toEqual({ file, line: 16, column: 9 });
    expect(loaded.builds[0]?.provisioners?.[1]?.where).toEqual({ file, line: 26, column: 18 });
  });

  it("reports JSON syntax errors with line and column", async () => {
    const dir = fixture({ "main.pkr.json": '{\n  "source": {\n    "null": {"a": {"x": 1,}}\n  }\n}' });
    expect(await problemOf(loadTemplate(dir, { env: {} }))).toMatch(
      /main\.pkr\.json:3:27: syntax: invalid JSON: expected a quoted key/,
    );
  });

  it("reports expression errors at their place inside JSON strings", async () => {
    const dir = fixture({
      "main.pkr.json": JSON.stringify(
        { source: { null: { a: { x: "$" + "{nope.y}" } } }, build: { sources: ["source.null.a"] } },
        null,
        2,
      ),
    });
    expect(await problemOf(loadTemplate(dir, { env: {} }))).toMatch(
      /main\.pkr\.json:5:17: source "null" "a"\.x: Unknown variable: There is no variable named "nope"/,
    );
  });

  it("reports an invalid type string at the variable", async () => {
    const dir = fixture({
      "main.pkr.json": '{\n  "variable": {\n    "v": { "type": "lst(string)", "default": [] }\n  },\n  "build": {}\n}',
    });
    const problems = (await problemsOf(loadTemplate(dir, { env: {} }))).map(formatProblem);
    expect(problems).toContainEqual(
      expect.stringMatching(/main\.pkr\.json:3:\d+: variable "v"\.type: Keyword "lst" is not a valid type constructor/),
    );
  });

  it("rejects keys that are neither known blocks nor arguments where only blocks belong", async () => {
    const dir = fixture({ "main.pkr.json": '{\n  "sauce": {}\n}' });
    expect(await problemOf(loadTemplate(dir, { env: {} }))).toMatch(
      /main\.pkr\.json:2:3: sauce: unsupported argument at the top level/,
    );
  });

  it("reads JSON escapes inside template sequences as JSON (hcl2_upgrade's join with escaped quotes), and \\/", async () => {
    const dollar = "$";
    const dir = fixture({
      "main.pkr.json": JSON.stringify(
        {
          variable: { l: { default: ["a", "b"] } },
          source: {
            null: {
              a: {
                communicator: "none",
                joined: `${dollar}{join(",", var.l)}`,
                nested: `x ${dollar}{format("%s\\n", "y")} "q" \\ ${dollar}${dollar}{kept}`,
                slash: "a/b",
                directive: `%{ for x in var.l }${dollar}{x == "a" ? "\\"A\\"" : x}%{ endfor }`,
              },
            },
          },
          build: { sources: ["source.null.a"] },
        },
        null,
        2,
      ).replace('"a/b"', '"a\\/b"'),
    });
    const loaded = await loadTemplate(dir, { env: {} });
    expect(loaded.builds[0]?.sources[0]?.config).toEqual({
      communicator: "none",
      joined: "a,b",
      nested: `x y\n "q" \\ ${dollar}{kept}`,
      slash: "a/b",
      directive: '"A"b',
    });
  });
});
