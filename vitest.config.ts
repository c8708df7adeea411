import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Examples import the package by name, as users do; tests run them against the sources.
  resolve: {
    alias: [
      { find: /^kiln\/cdktf$/, replacement: resolve(__dirname, "constructs/cdktf/index.ts") },
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
    poolOptions: { forks: { maxForks: 2 } },
  },
});
