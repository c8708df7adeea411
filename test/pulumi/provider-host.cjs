// Plays Pulumi's dynamic provider host (sdk/nodejs/cmd/dynamic-provider) in a fresh Node process:
// loads the serialized provider text the way the host does — `requireFromString(text).handler()` —
// and calls one operation with the JSON payload read from stdin, like the engine's gRPC calls.
// Usage: node provider-host.cjs <serialized-provider-file> <create|delete|update|diff|check|read>
// Prints `RESULT <json>` on success; on failure `ERROR <json>` and exit status 1.
"use strict";
const { readFileSync } = require("node:fs");
const requireFromString = require("require-from-string");

async function main() {
  const [file, op] = process.argv.slice(2);
  const provider = requireFromString(readFileSync(file, "utf8")).handler();
  const payload = JSON.parse(readFileSync(0, "utf8") || "{}");
  const calls = {
    check: () => provider.check(payload.olds, payload.news),
    diff: () => provider.diff(payload.id, payload.olds, payload.news),
    create: () => provider.create(payload.inputs),
    read: () => provider.read(payload.id, payload.props),
    update: () => provider.update(payload.id, payload.olds, payload.news),
    delete: () => provider.delete(payload.id, payload.props),
  };
  const result = await calls[op]();
  process.stdout.write(`RESULT ${JSON.stringify(result ?? null)}\n`);
}

main().catch((error) => {
  const detail = { message: error.message, id: error.id, properties: error.properties };
  process.stdout.write(`ERROR ${JSON.stringify(detail)}\n`);
  process.exitCode = 1;
});
