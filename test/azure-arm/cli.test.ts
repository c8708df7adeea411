import { describe, expect, it } from "vitest";
import { build } from "../../provider/engine/build";
import { kiln } from "../cli/run-kiln";
import { SEEDED } from "../fixtures/azure-arm";
import { azureSpec, leftoverTotal, useAzureEnv } from "./harness";

// The compiled `kiln`, pointed at the double through the environment as a user's shell would be.
const env = useAzureEnv();

describe("kiln cleanup --builder azure-arm", () => {
  it("removes what a build left (on-error=abort) by its build ID, and says so", async () => {
    const e = env();
    let buildId = "";
    await build(
      azureSpec(e, {
        config: { location: undefined, build_resource_group_name: SEEDED.networkGroup },
        provisioners: [{ type: "shell", config: { inline: ["exit 1"] } }],
      }),
      {
        onError: "abort",
        onEvent: (ev) => {
          if (ev.type === "build-started") buildId = ev.buildId;
        },
      },
    ).catch(() => {});
    expect(e.arm.leftovers().virtualMachines).toHaveLength(1);
    const run = await kiln(["cleanup", "--builder", "azure-arm", "--build-id", buildId], { env: e.arm.env() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/removed virtualMachine .*\/virtualMachines\/kilnvm/);
    expect(run.stdout).toMatch(new RegExp(`4 resource\\(s\\) of build ${buildId} removed`));
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });
});
