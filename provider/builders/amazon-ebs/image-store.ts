import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type EC2Client,
  type Tag,
} from "@aws-sdk/client-ec2";
import { KilnError } from "../../engine/errors";
import {
  BAKED_TAG,
  HOLDER_TAG_PREFIX,
  holderTag,
  type ImageStore,
  type ImageTarget,
  TAG_PREFIX,
  type TagChange,
} from "../image-store";
import { builtFrom, type EbsArtifactDetails, ebsArtifact, parseDetails } from "./artifact";
import { accessFrom, Ec2Clients } from "./clients";
import { describeImage, findOwnImages } from "./images";
import { awsCode } from "./polling";
import { FINGERPRINT_TAG } from "./tags";

/** AMIs: holder tags on the AMI in every region; `retag` also reaches each region's snapshots. */
export const amazonEbsStore: ImageStore = {
  async hold(target, holder, { baked }, signal) {
    await eachRegion(target, async (ec2, region, imageId) => {
      const tags: Tag[] = [{ Key: holderTag(holder), Value: holder.owner }];
      if (baked) tags.push({ Key: BAKED_TAG, Value: "true" });
      await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: tags }), { abortSignal: signal });
      // An adopted image may be going away under us (its last holder deleting it): check it is still there.
      const image = await describeImage(ec2, imageId, signal);
      if (!image || image.State === "deregistered") {
        throw new KilnError(
          "IMAGE_GONE",
          `${imageId} in ${region} was deregistered while being adopted; run the update again`,
          { context: { resource: imageId } },
        );
      }
    });
  },

  async release(target, holder, signal) {
    const others = new Set<string>();
    let exists = false;
    let baked = false;
    await eachRegion(target, async (ec2, _region, imageId) => {
      try {
        await ec2.send(new DeleteTagsCommand({ Resources: [imageId], Tags: [{ Key: holderTag(holder) }] }), {
          abortSignal: signal,
        });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
      const image = await describeImage(ec2, imageId, signal);
      if (!image || image.State === "deregistered") return;
      exists = true;
      for (const tag of image.Tags ?? []) {
        if (tag.Key === BAKED_TAG) baked = true;
        if (tag.Key?.startsWith(HOLDER_TAG_PREFIX) && tag.Key !== holderTag(holder)) others.add(tag.Value || tag.Key);
      }
    });
    return { exists, baked, others: [...others].sort() };
  },

  async retag(target, change, signal) {
    const details = parseDetails(target.artifact);
    await eachRegion(target, async (ec2, region, imageId) => {
      await applyTags(ec2, [imageId], change.image, signal);
      await applyTags(ec2, [...(details.snapshots[region] ?? [])], change.snapshots, signal);
    });
  },

  async exists(target, signal) {
    const details = parseDetails(target.artifact);
    const region = details.buildRegion || Object.keys(details.amis)[0];
    const imageId = region ? details.amis[region] : undefined;
    if (!region || !imageId) return false;
    return withClients(target, details, async (clients) => {
      const image = await describeImage(clients.get(region), imageId, signal);
      return image !== undefined && image.State !== "deregistered";
    });
  },

  async unusedHolders({ config, owner, regions, keep }, signal) {
    const [region = ""] = regions;
    const clients = new Ec2Clients(accessFrom(config, region));
    try {
      const ec2 = clients.get(region);
      const images = await findOwnImages(ec2, [{ Name: "tag-key", Values: [BAKED_TAG] }], signal);
      const keys: string[] = [];
      for (const image of images) {
        const holders = (image.Tags ?? []).filter((t) => t.Key?.startsWith(HOLDER_TAG_PREFIX));
        const mine = holders.map((t) => (t.Key as string).slice(HOLDER_TAG_PREFIX.length));
        if (!holders.length || holders.some((t) => t.Value !== owner) || (keep && mine.includes(keep))) continue;
        if (await inUse(ec2, image.ImageId as string, signal)) continue;
        keys.push(...mine);
      }
      return keys;
    } finally {
      clients.destroy();
    }
  },

  async find({ config, holder, regions, buildName }, signal) {
    const [buildRegion = ""] = regions;
    const clients = new Ec2Clients(accessFrom(config, buildRegion));
    try {
      const filters = [{ Name: "tag-key", Values: [holderTag(holder)] }];
      const found = await Promise.all(
        regions.map(async (region) => {
          const [image] = await findOwnImages(clients.get(region), filters, signal);
          return image && image.State !== "deregistered" ? { image, built: builtFrom(region, image) } : undefined;
        }),
      );
      const images = found.filter((f) => f !== undefined);
      const first = images[0]?.image;
      if (!first) return undefined;
      const fingerprint = first.Tags?.find((t) => t.Key === FINGERPRINT_TAG)?.Value ?? "";
      return ebsArtifact(
        { buildName, fingerprint },
        images.map((i) => i.built),
        { buildRegion, amiName: first.Name ?? "" },
      );
    } finally {
      clients.destroy();
    }
  },
};

async function applyTags(ec2: EC2Client, resources: string[], change: TagChange, signal: AbortSignal): Promise<void> {
  if (!resources.length) return;
  const set = Object.entries(change.set).map(([Key, Value]) => ({ Key, Value }));
  const remove = change.remove.filter((key) => !key.startsWith(TAG_PREFIX)).map((Key) => ({ Key }));
  if (set.length) await ec2.send(new CreateTagsCommand({ Resources: resources, Tags: set }), { abortSignal: signal });
  if (remove.length) {
    await ec2.send(new DeleteTagsCommand({ Resources: resources, Tags: remove }), { abortSignal: signal });
  }
}

/** Runs `fn` for the AMI of every region of the artifact, in parallel, with one client per region. */
async function eachRegion(
  target: ImageTarget,
  fn: (ec2: EC2Client, region: string, imageId: string) => Promise<void>,
): Promise<void> {
  const details = parseDetails(target.artifact);
  await withClients(target, details, (clients) =>
    Promise.all(Object.entries(details.amis).map(([region, imageId]) => fn(clients.get(region), region, imageId))),
  );
}

async function withClients<T>(
  target: ImageTarget,
  details: EbsArtifactDetails,
  fn: (clients: Ec2Clients) => Promise<T>,
): Promise<T> {
  const clients = new Ec2Clients(accessFrom(target.config, details.buildRegion || undefined));
  try {
    return await fn(clients);
  } finally {
    clients.destroy();
  }
}

/** Whether an instance (not terminated) runs the image, or a launch template's default or latest version launches it. */
async function inUse(ec2: EC2Client, imageId: string, signal: AbortSignal): Promise<boolean> {
  const states = ["pending", "running", "stopping", "stopped", "shutting-down"];
  const instances = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: "image-id", Values: [imageId] },
        { Name: "instance-state-name", Values: states },
      ],
    }),
    { abortSignal: signal },
  );
  if ((instances.Reservations ?? []).some((r) => r.Instances?.length)) return true;
  const templates = await ec2.send(new DescribeLaunchTemplatesCommand({}), { abortSignal: signal });
  for (const template of templates.LaunchTemplates ?? []) {
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: template.LaunchTemplateId,
        Versions: ["$Latest", "$Default"],
      }),
      { abortSignal: signal },
    );
    if (versions.LaunchTemplateVersions?.some((v) => v.LaunchTemplateData?.ImageId === imageId)) return true;
  }
  return false;
}

function isGone(error: unknown): boolean {
  const code = awsCode(error);
  return code === "InvalidAMIID.NotFound" || code === "InvalidAMIID.Unavailable" || code === "InvalidID";
}
