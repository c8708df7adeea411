import * as pulumi from "@pulumi/pulumi";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import type { LineWriter } from "../console";

/**
 * Build output for the `pulumi up` display: each line goes to the engine's Log service under the
 * resource's URN, so it shows beside the resource being created (a plugin's own stdout is not shown).
 * Lines are sent in order; one the engine cannot take is written to stderr instead.
 */
export function engineLog(engineAddress: string | undefined): (urn: string) => LineWriter {
  if (!engineAddress) return () => (line) => process.stderr.write(`${line.text}\n`);
  // The SDK's settings hold the engine connection: point them at this engine, nothing else.
  pulumi.runtime.resetOptions("", "", -1, engineAddress, "", false, "");
  let last = Promise.resolve();
  return (urn) => (line) => {
    const engine = pulumi.runtime.getEngine();
    if (!engine) return;
    const request = new engineProto.LogRequest();
    // Info either way: a build's stderr is mostly progress, and failures reach the engine as the error.
    request.setSeverity(engineProto.LogSeverity.INFO);
    request.setMessage(line.text);
    request.setUrn(urn);
    last = last.then(
      () =>
        new Promise<void>((resolve) => {
          engine.log(request, (error) => {
            if (error) process.stderr.write(`${line.text}\n`);
            resolve();
          });
        }),
    );
  };
}
