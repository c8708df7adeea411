import {
  type _InstanceType,
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceTerminated,
} from "@aws-sdk/client-ec2";
import { KilnError, operationFailed } from "../../engine/errors";
import { type EbsConfig, purchaseOf } from "./config";
import { launchSpec } from "./launch-spec";
import { awsCode, cleanupSignal, INSTANCE_WAIT, waitUntil } from "./polling";
import { AwsReplyError, replyField } from "./reply";
import { deleteLaunchTemplate, launchSpot } from "./spot";
import type { EbsTypedStep } from "./state";
import { buildIdFilter } from "./tags";

/**
 * Launches the build instance (on-demand, or spot with `spot_price`), waits until it runs and tells
 * the engine how to reach it. Cleanup terminates it and waits, so the security group can go next.
 */
export const runInstanceStep: EbsTypedStep<
  "sourceImage" | "securityGroupIds" | "launchKey",
  "instanceId" | "instance"
> = {
  name: "amazon-ebs: run instance",
  needs: ["sourceImage", "securityGroupIds", "launchKey"],
  provides: ["instanceId", "instance"],
  async run({ ctx, config, state }, signal) {
    const ec2 = state.ec2.get();
    let instanceId: string;
    const purchase = purchaseOf(config);
    if (purchase.kind === "spot") {
      instanceId = await launchSpot(ec2, config, purchase, state, ctx, signal);
    } else {
      const spec = await launchSpec(config, state, ctx);
      state.launchAttempted = true;
      const out = await ec2.send(
        new RunInstancesCommand({
          ...spec,
          // The SDK types the field as its list of known types; the schema takes any (new ones appear).
          InstanceType: purchase.instanceType as _InstanceType,
          MinCount: 1,
          MaxCount: 1,
          SubnetId: spec.NetworkInterfaces ? undefined : state.subnetId,
          Placement: state.availabilityZone ? { AvailabilityZone: state.availabilityZone } : undefined,
          // Makes the SDK's retries of this call idempotent: a retried launch cannot start a second instance.
          ClientToken: `kiln-${ctx.buildId}`.slice(0, 64),
        }),
        { abortSignal: signal },
      );
      instanceId = replyField(out.Instances?.[0], "InstanceId", "RunInstances");
    }
    state.instanceId = instanceId;
    ctx.reporter.info(`launched instance ${instanceId}; waiting for it to run`);

    const described = await waitUntil(
      waitUntilInstanceRunning,
      { InstanceIds: [instanceId] },
      {
        client: ec2,
        settings: state.poll,
        kind: INSTANCE_WAIT,
        signal,
        reporter: ctx.reporter,
        what: `instance ${instanceId} to be running`,
      },
    );
    const [instance] = replyField(described.Reservations?.[0], "Instances", "DescribeInstances");
    if (!instance) throw new AwsReplyError("DescribeInstances", "Instances[0]");
    state.instance = instance;
    const host = addressOf(instance, config.ssh_interface);
    if (!host && !config.ssh_host && config.communicator !== "none") {
      throw new KilnError(
        "MACHINE_UNREACHABLE",
        `instance ${instanceId} has no ${config.ssh_interface ?? "public or private IP"} address; set ssh_interface, associate_public_ip_address or ssh_host`,
        { context: { resource: instanceId, property: "ssh_interface" } },
      );
    }
    ctx.machine = {
      host: host ?? config.ssh_host ?? "",
      port: config.ssh_port ?? 22,
      privateKey: state.launchKey.kind === "temporary" ? state.launchKey.privateKey : undefined,
      id: instanceId,
    };
    ctx.reporter.info(`instance ${instanceId} is running at ${host ?? "(no address)"}`);
  },

  async cleanup({ ctx, state }) {
    const ec2 = state.ec2.get();
    const signal = cleanupSignal();
    let ids = state.instanceId ? [state.instanceId] : [];
    // The launch reply was lost (cancel, network): the instance carries the build tag.
    if (!ids.length && state.launchAttempted) ids = await findBuildInstances(ec2, ctx.buildId, signal);
    if (ids.length) {
      try {
        await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }), { abortSignal: signal });
      } catch (error) {
        if (awsCode(error) !== "InvalidInstanceID.NotFound") {
          throw operationFailed("AWS_DELETE_FAILED", `terminating ${ids.join(", ")}`, error, {
            resource: ids.join(", "),
          });
        }
      }
      await waitUntil(
        waitUntilInstanceTerminated,
        { InstanceIds: ids },
        {
          client: ec2,
          settings: state.poll,
          kind: INSTANCE_WAIT,
          signal,
          reporter: ctx.reporter,
          what: `instance ${ids.join(", ")} to terminate`,
        },
      );
      ctx.reporter.info(`terminated ${ids.join(", ")}`);
    }
    state.instanceId = undefined;
    await deleteLaunchTemplate(ec2, state, ctx.buildId, signal);
  },
};

/** Instances of a build that are not (yet) terminated. */
export async function findBuildInstances(ec2: EC2Client, buildId: string, signal?: AbortSignal): Promise<string[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        buildIdFilter(buildId),
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped", "shutting-down"] },
      ],
    }),
    { abortSignal: signal },
  );
  return (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
}

/** Packer's choice of address: `ssh_interface` if set, else the public IP, else the private IP. */
export function addressOf(instance: Instance, iface: EbsConfig["ssh_interface"]): string | undefined {
  const pick = (v: string | undefined) => (v ? v : undefined);
  switch (iface) {
    case "public_ip":
      return pick(instance.PublicIpAddress);
    case "private_ip":
      return pick(instance.PrivateIpAddress);
    case "public_dns":
      return pick(instance.PublicDnsName);
    case "private_dns":
      return pick(instance.PrivateDnsName);
    default:
      return pick(instance.PublicIpAddress) ?? pick(instance.PrivateIpAddress) ?? pick(instance.PublicDnsName);
  }
}
