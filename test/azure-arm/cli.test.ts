import { describe, expect, it } from "vitest";
import { kiln } from "../cli/run-kiln";
import { buildLeftBehind, leftoverTotal, useAzureEnv } from "./harness";

// The compiled `kiln`, pointed at the double through the environment as a user's shell would be.
const env = useAzureEnv();

describe("kiln cleanup --builder azure-arm", () => {
  it("removes what a build left (on-error=abort) by its build ID, and says so", async () => {
    const e = env();
    const buildId = await buildLeftBehind(e);
    expect(e.arm.leftovers().virtualMachines).toHaveLength(1);
    const run = await kiln(["cleanup", "--builder", "azure-arm", "--build-id", buildId], { env: e.arm.env() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // One line per removal, printed as it happens (the resource ID names its kind).
    expect(run.stdout).toMatch(/removed \/subscriptions\/.*\/virtualMachines\/kilnvm/);
    expect(run.stdout).toMatch(new RegExp(`4 resource\\(s\\) of build ${buildId} removed`));
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });
});
