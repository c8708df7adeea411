import { KilnError } from "../../engine/errors";
import { imageRegions, usesTemporarySecurityGroup } from "./config";
import { findOwnImages } from "./images";
import { publicSourceCidr } from "./public-ip";
import type { EbsTypedStep } from "./state";

/**
 * Checks that need AWS but create nothing, so a doomed build fails before it costs anything: the
 * address the temporary security group admits, and that `ami_name` is free in every target region.
 */
export const preValidateStep: EbsTypedStep<never, "sourceCidrs"> = {
  name: "amazon-ebs: pre-validate",
  needs: [],
  provides: ["sourceCidrs"],
  async run({ config, state }, signal) {
    // None to admit when the user brings the groups or nothing connects.
    state.sourceCidrs =
      usesTemporarySecurityGroup(config) && config.communicator !== "none"
        ? (config.temporary_security_group_source_cidrs ?? [await publicSourceCidr(config.ssh_port ?? 22, signal)])
        : [];
    // Packer skips the name check in these cases: the old AMI is replaced, or no AMI is made.
    if (config.skip_create_ami || config.force_deregister) return;
    const found = await Promise.all(
      imageRegions(config).map(async (region) => ({
        region,
        images: await findOwnImages(state.ec2.get(region), [{ Name: "name", Values: [config.ami_name] }], signal),
      })),
    );
    const taken = found.filter((f) => f.images.length > 0);
    if (taken.length) {
      const where = taken.map((t) => `${t.images.map((i) => i.ImageId).join(", ")} in ${t.region}`).join("; ");
      throw new KilnError(
        "IMAGE_NAME_TAKEN",
        `AMI name '${config.ami_name}' is already used by ${where}; choose another ami_name or set force_deregister = true`,
        { context: { property: "ami_name" } },
      );
    }
  },
};
