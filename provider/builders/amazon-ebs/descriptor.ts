import type { BuilderDescriptor } from "../types";
import { checkEbsConfig, type EbsConfig, ebsSchemas, imageRegions } from "./config";
import { EBS_ACCESS_FIELDS, EBS_LABEL_FIELDS } from "./fields";
import { userDataPath } from "./launch-spec";
import type { EbsState } from "./state";

/**
 * Packer's `amazon-ebs`: launch an instance from a source AMI, provision it, stop it, make an AMI, copy
 * it to other regions. This module stays free of the AWS SDK; `load()` brings the steps.
 */
export const amazonEbsDescriptor: BuilderDescriptor<EbsConfig, EbsState> = {
  type: "amazon-ebs",
  summary: "An AMI from an EBS-backed EC2 instance: launch, provision, stop, snapshot, register, copy to regions.",
  // Built when first read: a run whose template names no amazon-ebs source never builds it.
  get schema() {
    return ebsSchemas().ebsSchema;
  },
  check: checkEbsConfig,
  sensitiveFields: ["secret_key", "token"],
  // How Kiln reaches AWS and the instance does not change the image. Tags and sharing stay in: a reused
  // AMI must already carry the tags and launch permissions the config asks for.
  notContent: EBS_ACCESS_FIELDS,
  localInputs: (config, baseDir) => {
    const file = userDataPath(config, baseDir);
    return file ? [file] : [];
  },
  inlineKey: "amazonEbs",
  // The name carries a per-bake suffix (the inline form replaces on `amiName` edits itself), and the
  // resource re-applies tags in place.
  labels: { nameField: "ami_name", tagFields: { image: "tags", snapshots: "snapshot_tags" }, fields: EBS_LABEL_FIELDS },
  leftoverRegions: (config) =>
    typeof config.region === "string"
      ? imageRegions({
          region: config.region,
          ami_regions: Array.isArray(config.ami_regions)
            ? config.ami_regions.filter((r): r is string => typeof r === "string")
            : undefined,
        })
      : [],
  load: async () => (await import("./runtime")).amazonEbsRuntime,
};
