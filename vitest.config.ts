import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "provider/**/*.test.ts", "constructs/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start real servers (sshd, moto); two cores do not reward more forks.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2 } },
  },
});
