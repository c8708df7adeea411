import { z } from "zod";
import { communicatorShape } from "../../communicator/config";
import type { BuilderDescriptor, BuilderRuntime } from "../types";

const nullSchema = z.strictObject({ ...communicatorShape });
export type NullConfig = z.infer<typeof nullSchema>;

/**
 * Packer's `null` builder: creates nothing, only connects to an existing machine (`ssh_host`) so
 * provisioners can run. The reference builder for every test against a local SSH server.
 */
export const nullDescriptor: BuilderDescriptor<NullConfig, Record<string, never>> = {
  type: "null",
  summary: "Creates nothing: connects to an existing machine (`ssh_host`) so provisioners can run.",
  schema: nullSchema,
  check(config) {
    if (config.communicator === "none") return [];
    return config.ssh_host
      ? []
      : [{ field: "ssh_host", message: "is required: the null builder connects to an existing machine" }];
  },
  sensitiveFields: [],
  notContent: [],
  localInputs: () => [],
  inlineKey: null,
  // The artifact is the machine it connected to: nothing to name, tag, destroy or clean up.
  labels: null,
  leftoverRegions: null,
  load: async () => nullRuntime,
};

const nullRuntime: BuilderRuntime<NullConfig, Record<string, never>> = {
  newState: () => ({}),
  setupSteps: () => [
    {
      name: "null: use existing host",
      async run({ ctx, config }) {
        // Packer's null builder names its "instance" Null: provisioners see it as build.ID.
        ctx.generated.ID = "Null";
        if (config.ssh_host) ctx.machine = { host: config.ssh_host, port: config.ssh_port, id: "Null" };
      },
    },
  ],
  captureSteps: () => [
    {
      name: "null: report artifact",
      async run({ ctx }) {
        // Packer's null artifact has the ID "Null" and no files.
        ctx.artifact = { buildName: ctx.buildName, builderType: "null", id: "Null", files: [], details: {} };
      },
    },
  ],
  findExisting: null,
  destroy: null,
  images: null,
  leftovers: null,
};
