// The whole-template cases: each folder under templates/ is built by packer 1.6.6 and by kiln with these
// arguments. Every template also receives, from the harness, `dest` (the target directory, inside the
// run's own copy), `ssh_port`, `ssh_username` and `ssh_key` for the local sshd.

export interface TemplateCase {
  /** Names the case; also its folder under templates/ unless `folder` is set. */
  readonly name: string;
  /** Folder under templates/, when several cases build one template differently. */
  readonly folder?: string;
  /** Template path as passed to the tool, relative to `cwd`. @default "." */
  readonly template?: string;
  /** Working directory, relative to the run's copy of the folder. @default "." */
  readonly cwd?: string;
  readonly vars?: Readonly<Record<string, string>>;
  /** Relative to `cwd`. */
  readonly varFiles?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  readonly parallelBuilds?: number;
  /** Modes git cannot carry (it keeps only the executable bit), set on the copy before the run. */
  readonly chmod?: Readonly<Record<string, number>>;
  /** Exit status both tools must end with. @default 0 */
  readonly exitCode?: number;
}

export const TEMPLATE_CASES: readonly TemplateCase[] = [
  { name: "01-web-basic", template: "web.pkr.hcl" },
  {
    name: "02-variable-sources",
    vars: { region: "eu-west-1" },
    varFiles: ["env/prod.pkrvars.hcl", "env/extra.pkrvars.json"],
    env: {
      PKR_VAR_owner: "env-owner",
      PKR_VAR_region: "env-region",
      PKR_VAR_from_env_number: "42",
      PKR_VAR_from_env_list: '["x", "y"]',
    },
  },
  { name: "03-locals-functions", template: "main.pkr.hcl" },
  { name: "04-string-templates" },
  { name: "05-file-provisioner", chmod: { "files/secret.key": 0o600 } },
  // Packer 1.6.6's manifest post-processor appends without a lock: parallel builds sharing one manifest
  // can lose an entry, so builds that share one run one at a time.
  { name: "06-multi-source", parallelBuilds: 1 },
  { name: "06-multi-source-except", folder: "06-multi-source", except: ["fleet.null.db"], parallelBuilds: 1 },
  { name: "07-dynamic-blocks" },
  { name: "08-shell-scripts" },
  { name: "09-shell-local" },
  { name: "10-legacy-interpolation" },
  {
    name: "11-legacy-json",
    template: "template.json",
    varFiles: ["vars.json"],
    vars: { version_prefix: "release-" },
    env: { KILN_COMPAT_GREETING: "hi from the environment" },
  },
  { name: "12-legacy-json-multi", template: "multi.json", except: ["optional-report"], parallelBuilds: 1 },
  { name: "13-hcl-json" },
  { name: "14-failing-build", exitCode: 1 },
  { name: "15-cwd-relative", template: "project" },
  { name: "16-env-var-file" },
  { name: "17-path-root", template: "project" },
  { name: "18-legacy-undeclared-user", template: "template.json" },
  { name: "19-only-glob", folder: "19-only-globs", only: ["null.w?b"] },
  { name: "19-only-class", folder: "19-only-globs", only: ["null.[wd]*"] },
  { name: "19-except-glob", folder: "19-only-globs", except: ["*.w*r", "null.d?"] },
  { name: "20-legacy-rendered-names", template: "template.json" },
  {
    name: "20-legacy-rendered-names-only",
    folder: "20-legacy-rendered-names",
    template: "template.json",
    vars: { template: "debian" },
    only: ["debian-qemu"],
  },
];
