import { StopInstancesCommand, waitUntilInstanceStopped } from "@aws-sdk/client-ec2";
import { INSTANCE_WAIT, waitUntil } from "./polling";
import type { EbsTypedStep } from "./state";

/**
 * Stops the instance so the image is consistent; with `disable_stop_instance` the provisioners shut it
 * down themselves and this only waits. Nothing to undo: run-instance's cleanup terminates it.
 */
export const stopInstanceStep: EbsTypedStep<"instanceId"> = {
  name: "amazon-ebs: stop instance",
  needs: ["instanceId"],
  provides: [],
  async run({ ctx, config, state }, signal) {
    if (config.skip_create_ami) return;
    const ec2 = state.ec2.get();
    const id = state.instanceId;
    if (!config.disable_stop_instance) {
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }), { abortSignal: signal });
    }
    await waitUntil(
      waitUntilInstanceStopped,
      { InstanceIds: [id] },
      {
        client: ec2,
        settings: state.poll,
        kind: INSTANCE_WAIT,
        signal,
        reporter: ctx.reporter,
        what: `instance ${id} to stop`,
      },
    );
  },
};
