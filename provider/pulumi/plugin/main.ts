#!/usr/bin/env node
/**
 * `pulumi-resource-kiln`: the Kiln provider plugin the Pulumi engine starts for programs in any language
 * (see provider.ts). The engine passes its own address as the first argument.
 */
import { main } from "@pulumi/pulumi/provider";
import { engineLog } from "./engine-log";
import { kilnProvider } from "./provider";

const args = process.argv.slice(2);
const engineAddress = args.find((arg, i) => !arg.startsWith("-") && args[i - 1] !== "--tracing");

main(kilnProvider({ log: engineLog(engineAddress) }), args).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-kiln: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
