import { describe, expect, it } from "vitest";
import { DATA_SOURCES, dataSourceTypes, isDataSourceType } from "../../provider/datasources/registry";
import { POST_PROCESSORS, postProcessors } from "../../provider/postprocessors/registry";
import { PROVISIONERS, provisioners } from "../../provider/provisioners/registry";

describe("provisioner, post-processor and data-source registries", () => {
  it("name every descriptor by its own type", () => {
    for (const [key, d] of [
      ...Object.entries(PROVISIONERS),
      ...Object.entries(POST_PROCESSORS),
      ...Object.entries(DATA_SOURCES),
    ]) {
      expect(d.type).toBe(key);
    }
  });

  it("hand out descriptors, whose runtime loads when asked", async () => {
    const ssm = await postProcessors.get("amazon-ssm-parameter");
    expect(ssm?.sensitiveFields).toEqual(["secret_key", "token"]);
    expect(ssm && "run" in ssm).toBe(false);
    expect(typeof (await ssm?.load())?.run).toBe("function");
    const shell = await provisioners.get("shell");
    expect(shell?.check?.({ inline: ["a"], script: "b" })).toHaveLength(1);
    expect(await provisioners.get("nope")).toBeUndefined();
  });

  it("know their data sources, and the null one hands its input back", async () => {
    expect(dataSourceTypes).toEqual(["null", "amazon-ami"]);
    expect(isDataSourceType("amazon-ami")).toBe(true);
    expect(isDataSourceType("http")).toBe(false);
    const { read } = await DATA_SOURCES.null.load();
    expect(await read({ input: { a: 1 } })).toEqual({ input: { a: 1 }, output: { a: 1 } });
  });
});
