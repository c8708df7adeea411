// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are template source, where ${} is HCL interpolation.
// Broken templates for `validate`: each must be rejected by packer 1.6.6 and by kiln, and kiln must name
// the file and line (the line Packer names, where Packer names one).

export interface BrokenCase {
  readonly name: string;
  /** Files of the template directory. */
  readonly files: Readonly<Record<string, string>>;
  /** Template argument. @default "." */
  readonly template?: string;
  readonly vars?: Readonly<Record<string, string>>;
  readonly varFiles?: readonly string[];
  /**
   * Where Packer names no line, or a different one on purpose: the file and line kiln must name instead,
   * with the reason.
   */
  readonly kilnAt?: { readonly file: string; readonly line: number; readonly why: string };
}

const SOURCE = `source "null" "box" {
  communicator = "none"
}
`;
const BUILD = `build {
  sources = ["source.null.box"]
  provisioner "shell-local" {
    inline = ["echo ok"]
  }
}
`;
const legacy = (template: object) => JSON.stringify(template, null, 2);
const LEGACY_BUILDER = { type: "null", communicator: "none" };

export const BROKEN_CASES: readonly BrokenCase[] = [
  {
    name: "undeclared variable",
    files: {
      "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shell-local" {\n    inline = ["echo \${var.nope}"]\n  }\n}\n`,
    },
  },
  {
    name: "undeclared local",
    files: {
      "main.pkr.hcl": `locals {\n  a = "x"\n}\n${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shell-local" {\n    inline = [local.b]\n  }\n}\n`,
    },
  },
  {
    name: "default of the wrong type",
    files: { "main.pkr.hcl": `variable "size" {\n  type    = number\n  default = "large"\n}\n${SOURCE}${BUILD}` },
  },
  {
    name: "-var of the wrong type",
    files: { "main.pkr.hcl": `variable "size" {\n  type    = number\n  default = 8\n}\n${SOURCE}${BUILD}` },
    vars: { size: "large" },
    kilnAt: {
      file: "main.pkr.hcl",
      line: 1,
      why: "Packer names no file for a -var value; kiln points at the declaration",
    },
  },
  {
    name: "var file value of the wrong type",
    files: {
      "main.pkr.hcl": `variable "tags" {\n  type = map(string)\n}\n${SOURCE}${BUILD}`,
      "bad.pkrvars.hcl": 'tags = ["not", "a", "map"]\n',
    },
    varFiles: ["bad.pkrvars.hcl"],
  },
  {
    name: "missing required variable",
    files: { "main.pkr.hcl": `variable "region" {\n  type = string\n}\n${SOURCE}${BUILD}` },
    kilnAt: { file: "main.pkr.hcl", line: 1, why: "Packer names no line; kiln points at the declaration" },
  },
  {
    name: "validation rule",
    files: {
      "main.pkr.hcl": `variable "env" {\n  default = "qa"\n  validation {\n    condition     = contains(["dev", "prod"], var.env)\n    error_message = "The env must be dev or prod."\n  }\n}\n${SOURCE}${BUILD}`,
    },
  },
  {
    name: "invalid type constraint",
    files: { "main.pkr.hcl": `variable "v" {\n  type = strng\n}\n${SOURCE}${BUILD}` },
  },
  {
    name: "duplicate variable",
    files: { "main.pkr.hcl": `variable "a" {\n  default = 1\n}\nvariable "a" {\n  default = 2\n}\n${SOURCE}${BUILD}` },
    kilnAt: { file: "main.pkr.hcl", line: 4, why: "Packer names no line; kiln points at the second declaration" },
  },
  {
    name: "unknown function",
    files: { "main.pkr.hcl": `locals {\n  name = uppercase("x")\n}\n${SOURCE}${BUILD}` },
  },
  {
    name: "function argument of the wrong type",
    files: { "main.pkr.hcl": `locals {\n  name = upper(["x"])\n}\n${SOURCE}${BUILD}` },
  },
  {
    name: "too few function arguments",
    files: {
      "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shell-local" {\n    inline = [join(",")]\n  }\n}\n`,
    },
  },
  {
    name: "unknown provisioner field",
    files: {
      "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shell-local" {\n    inline  = ["echo ok"]\n    timout  = "5m"\n  }\n}\n`,
    },
  },
  {
    name: "unknown source field",
    files: { "main.pkr.hcl": `source "null" "box" {\n  communicator = "none"\n  ssh_hots     = "x"\n}\n${BUILD}` },
  },
  {
    name: "unknown provisioner type",
    files: {
      "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shel" {\n    inline = ["echo ok"]\n  }\n}\n`,
    },
  },
  {
    name: "build using an undefined source",
    files: { "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.missing"]\n}\n` },
    kilnAt: { file: "main.pkr.hcl", line: 5, why: 'Packer says "on  line 0"; kiln points at the sources list' },
  },
  {
    name: "unterminated string",
    files: { "main.pkr.hcl": `source "null" "box" {\n  communicator = "none\n}\n${BUILD}` },
  },
  {
    name: "missing expression",
    files: { "main.pkr.hcl": `locals {\n  a =\n}\n${SOURCE}${BUILD}` },
  },
  {
    name: "bad operator",
    files: { "main.pkr.hcl": `locals {\n  a = 1 +* 2\n}\n${SOURCE}${BUILD}` },
  },
  {
    name: "unclosed block",
    files: {
      "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shell-local" {\n    inline = ["echo ok"]\n}\n`,
    },
    kilnAt: {
      file: "main.pkr.hcl",
      line: 4,
      why: "Packer 1.6.6's hcl names the end of the file; kiln's parser names the block left open",
    },
  },
  {
    name: ".pkr.json syntax error",
    files: { "main.pkr.json": '{\n  "source": {\n    "null": { "box": { "communicator": "none", } }\n  }\n}\n' },
  },
  {
    name: "legacy JSON syntax error",
    template: "template.json",
    files: { "template.json": '{\n  "builders": [\n    { "type": "null", "communicator": "none" },\n  ]\n}\n' },
  },
  {
    name: "legacy JSON unknown provisioner field",
    template: "template.json",
    files: {
      "template.json": legacy({
        builders: [LEGACY_BUILDER],
        provisioners: [{ type: "shell-local", inline: ["echo ok"], inlin: ["typo"] }],
      }),
    },
    kilnAt: { file: "template.json", line: 14, why: "Packer names no line; kiln points at the misspelt key" },
  },
  {
    name: "legacy JSON required variable unset",
    template: "template.json",
    files: {
      "template.json": legacy({
        variables: { region: null },
        builders: [LEGACY_BUILDER],
        provisioners: [{ type: "shell-local", inline: ["echo {{user `region`}}"] }],
      }),
    },
    kilnAt: { file: "template.json", line: 3, why: "Packer names no line; kiln points at the variable" },
  },
  {
    name: "{{user}} in an HCL2 template",
    files: {
      "main.pkr.hcl": `${SOURCE}build {\n  sources = ["source.null.box"]\n  provisioner "shell-local" {\n    inline = ["echo {{user \`x\`}}"]\n  }\n}\n`,
    },
    kilnAt: {
      file: "main.pkr.hcl",
      line: 7,
      why: "Packer names the provisioner block (line 6); kiln the inline attribute",
    },
  },
];
