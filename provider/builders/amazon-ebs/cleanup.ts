import {
  DeleteKeyPairCommand,
  DeleteLaunchTemplateCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeKeyPairsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
} from "@aws-sdk/client-ec2";
import { errorMessage, resourcesLeft } from "../../engine/errors";
import type { BuildReporter } from "../../engine/events";
import { accessFrom, Ec2Clients } from "./clients";
import { deleteImage, deleteSnapshot, findOwnImages, snapshotIdsOf, snapshotsCreatedFor } from "./images";
import { awsCode, INSTANCE_WAIT, pollSettings, retryWhile, waitUntil } from "./polling";
import { replyField } from "./reply";
import { findBuildInstances } from "./step-run-instance";
import { buildIdFilter } from "./tags";

/** What `cleanupLeftovers` removed, by kind. */
export type LeftoverReport = {
  instances: string[];
  launchTemplates: string[];
  images: string[];
  snapshots: string[];
  volumes: string[];
  securityGroups: string[];
  keyPairs: string[];
};

export interface CleanupOptions {
  /** The `kiln:build-id` tag value of the build that was killed. */
  readonly buildId: string;
  readonly region: string;
  /** Credentials and endpoint fields (`access_key`, `profile`, `custom_endpoint_ec2`…); standard chain if absent. */
  readonly config?: unknown;
  readonly signal: AbortSignal;
  readonly reporter?: Pick<BuildReporter, "info" | "warn">;
}

/**
 * Removes what a build killed outright (SIGKILL, power loss) left in one region, found by its build ID
 * tag: instances, spot launch templates, AMIs and their snapshots, volumes, security groups, key pairs.
 * Runs in dependency order (instances first: they hold groups and volumes) and can be repeated.
 * Every AMI of the build goes, finished or not: a killed build handed no artifact to anyone.
 */
export async function cleanupLeftovers(options: CleanupOptions): Promise<LeftoverReport> {
  const { buildId, region, signal, reporter } = options;
  const clients = new Ec2Clients({ ...accessFrom(options.config, region), region });
  const ec2 = clients.get(region);
  const tag = [buildIdFilter(buildId)];
  const report: LeftoverReport = {
    instances: [],
    launchTemplates: [],
    images: [],
    snapshots: [],
    volumes: [],
    securityGroups: [],
    keyPairs: [],
  };
  const errors: unknown[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      errors.push(error);
      reporter?.warn(`${what}: ${errorMessage(error)}`);
    }
  };
  const note = (kind: keyof LeftoverReport, id: string) => {
    report[kind].push(id);
    reporter?.info(`removed ${kind.replace(/s$/, "")} ${id}`);
  };

  try {
    await attempt("terminating instances", async () => {
      const ids = await findBuildInstances(ec2, buildId, signal);
      if (!ids.length) return;
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }), { abortSignal: signal });
      await waitUntil(
        waitUntilInstanceTerminated,
        { InstanceIds: ids },
        {
          client: ec2,
          settings: pollSettings(undefined),
          kind: INSTANCE_WAIT,
          signal,
          what: `instances ${ids.join(", ")} to terminate`,
        },
      );
      for (const id of ids) note("instances", id);
    });
    await attempt("deleting launch templates", async () => {
      const out = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: tag }), { abortSignal: signal });
      for (const t of out.LaunchTemplates ?? []) {
        await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: t.LaunchTemplateId }), {
          abortSignal: signal,
        });
        note("launchTemplates", replyField(t, "LaunchTemplateId", "DescribeLaunchTemplates"));
      }
    });
    await attempt("deleting AMIs", async () => {
      for (const image of await findOwnImages(ec2, tag, signal)) {
        const imageId = replyField(image, "ImageId", "DescribeImages");
        const snapshots = await deleteImage(ec2, { imageId, snapshotIds: snapshotIdsOf(image) }, { signal });
        note("images", imageId);
        for (const s of snapshots) note("snapshots", s);
      }
    });
    await attempt("deleting snapshots", async () => {
      const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: tag }), {
        abortSignal: signal,
      });
      for (const s of out.Snapshots ?? []) {
        const snapshotId = replyField(s, "SnapshotId", "DescribeSnapshots");
        if (report.snapshots.includes(snapshotId)) continue;
        await deleteSnapshot(ec2, snapshotId, signal);
        note("snapshots", snapshotId);
      }
      // Snapshots of AMIs whose tagging never happened carry the AMI ID in their description.
      for (const imageId of report.images) {
        for (const s of await snapshotsCreatedFor(ec2, imageId, signal)) {
          await deleteSnapshot(ec2, s, signal);
          note("snapshots", s);
        }
      }
    });
    await attempt("deleting volumes", async () => {
      const out = await ec2.send(new DescribeVolumesCommand({ Filters: tag }), { abortSignal: signal });
      for (const v of out.Volumes ?? []) {
        await ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId }), { abortSignal: signal });
        note("volumes", replyField(v, "VolumeId", "DescribeVolumes"));
      }
    });
    await attempt("deleting security groups", async () => {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: tag }), { abortSignal: signal });
      for (const g of out.SecurityGroups ?? []) {
        await retryWhile(
          ["DependencyViolation"],
          () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId }), { abortSignal: signal }),
          { signal, maxMs: 5 * 60_000 },
        ).catch((error) => {
          if (awsCode(error) !== "InvalidGroup.NotFound") throw error;
        });
        note("securityGroups", replyField(g, "GroupId", "DescribeSecurityGroups"));
      }
    });
    await attempt("deleting key pairs", async () => {
      const out = await ec2.send(new DescribeKeyPairsCommand({ Filters: tag }), { abortSignal: signal });
      for (const k of out.KeyPairs ?? []) {
        await ec2.send(new DeleteKeyPairCommand({ KeyName: k.KeyName }), { abortSignal: signal });
        note("keyPairs", k.KeyName ?? replyField(k, "KeyPairId", "DescribeKeyPairs"));
      }
    });
  } finally {
    clients.destroy();
  }
  if (errors.length) {
    throw resourcesLeft(`cleanup of build ${buildId} in ${region} is incomplete (${errors.length} error(s))`, errors);
  }
  return report;
}
