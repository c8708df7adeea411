import { describe, expect, it } from "vitest";
import {
  BuildDataError,
  deferredBuildData,
  deferredBuildKeys,
  isBuildDataKey,
  resolveBuildData,
} from "../../provider/template/build-data";

describe("deferred build data", () => {
  const host = deferredBuildData("Host");

  it("finds and replaces markers deeply, leaving values without markers untouched", () => {
    const config = { a: [`ssh ${host}:${deferredBuildData("Port")}`, 3], b: { c: host }, d: "plain", e: null };
    expect(deferredBuildKeys(config).sort()).toEqual(["Host", "Port"]);
    expect(resolveBuildData(config, { Host: "10.0.0.1", Port: "2222" })).toEqual({
      a: ["ssh 10.0.0.1:2222", 3],
      b: { c: "10.0.0.1" },
      d: "plain",
      e: null,
    });
    const plain = { x: ["y"] };
    expect(resolveBuildData(plain, {})).toBe(plain);
  });

  it("names the keys a build does not provide", () => {
    expect(() => resolveBuildData([host, deferredBuildData("SourceAMI")], { Host: "h", ID: "i" })).toThrow(
      BuildDataError,
    );
    expect(() => resolveBuildData([host, deferredBuildData("SourceAMI")], { Host: "h", ID: "i" })).toThrow(
      "build data build.SourceAMI is not provided by this build (known: Host, ID)",
    );
  });

  it("tells build data keys from build.name", () => {
    expect(isBuildDataKey("Host")).toBe(true);
    expect(isBuildDataKey("PackerRunUUID")).toBe(true);
    expect(isBuildDataKey("name")).toBe(false);
  });

  it("keeps the readable name inside the marker", () => {
    expect(host).toContain("build.Host");
    expect(host).not.toBe("build.Host");
  });
});
