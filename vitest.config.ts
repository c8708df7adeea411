import { resolve } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { toolEnv } from "./test/fixtures/tool-env";

// The node and engines scripts/setup.sh chose, also when vitest is started without `make`.
Object.assign(process.env, toolEnv());

/** Files that take several minutes: started first so they overlap the rest instead of trailing it. */
const LONG_FILES = [
  "test/amazon-ebs/faults.test.ts",
  "test/cdktf/deploy.test.ts",
  "test/repo/checkout.test.ts",
  "test/pulumi/newcomer.test.ts",
  "test/cdktf/cdktn.test.ts",
  "test/pulumi/plugin-install.test.ts",
  "test/azure-arm/faults.test.ts",
  "test/pulumi/engine.test.ts",
  "test/fleet/rollout-engine.test.ts",
  "test/pulumi/interrupt.test.ts",
];

/**
 * Without a results cache (a fresh CI clone) vitest orders files by size, which put the fault matrix
 * (~80 % of the suite's time, on one fork) last, with the other fork idle behind it.
 */
class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = (f: TestSpecification) => LONG_FILES.some((name) => f.moduleId.endsWith(name));
    return [...sorted.filter(long), ...sorted.filter((f) => !long(f))];
  }
}

export default defineConfig({
  // Examples import the package by name, as users do; tests run them against the sources.
  resolve: {
    alias: [
      { find: /^kiln\/cdktf$/, replacement: resolve(__dirname, "constructs/cdktf/index.ts") },
      { find: /^kiln\/cdktn$/, replacement: resolve(__dirname, "constructs/cdktn/index.ts") },
      { find: /^kiln\/pulumi$/, replacement: resolve(__dirname, "provider/pulumi/index.ts") },
      { find: /^kiln$/, replacement: resolve(__dirname, "provider/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "provider/**/*.test.ts", "constructs/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start real servers (sshd, moto); two cores do not reward more forks.
    pool: "forks",
    // CI also writes the results as JSON so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
    // One fork runs the fault matrix, the other the rest of the suite, side by side.
    poolOptions: { forks: { maxForks: 2 } },
    sequence: { sequencer: LongFilesFirst },
  },
});
