import { ConfigError, errorMessage, KilnError } from "../../engine/errors";
import { Ec2Clients } from "./clients";
import { amazonAmiDataSchema } from "./data-ami-schema";
import { selectImage } from "./images";
import { toFilters } from "./tags";

/** What `data.amazon-ami.<name>.<attr>` exposes: Packer's attributes, plus a few more of the image. */
export interface AmazonAmiData {
  readonly id: string;
  readonly name: string;
  readonly creation_date: string;
  readonly owner: string;
  readonly owner_name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string;
  readonly architecture: string;
  readonly root_device_type: string;
  readonly virtualization_type: string;
  readonly platform_details: string;
}

/**
 * Looks up one AMI as Packer's `amazon-ami` data source does: by filters and owners; several matches
 * are an error unless `most_recent`. Accepts the raw block (validated here; issues name the field).
 */
export async function lookupAmazonAmi(
  config: Readonly<Record<string, unknown>>,
  options: { signal?: AbortSignal } = {},
): Promise<AmazonAmiData> {
  const parsed = amazonAmiDataSchema().safeParse(config);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ field: i.path.join(".") || "(block)", message: i.message })),
    );
  }
  const c = parsed.data;
  const clients = new Ec2Clients(c);
  try {
    const image = await selectImage(
      clients.get(),
      {
        filters: toFilters(c.filters),
        owners: c.owners,
        mostRecent: c.most_recent,
        includeDeprecated: c.include_deprecated,
      },
      options.signal,
    ).catch((error: unknown) => {
      throw new KilnError("AWS_CALL_FAILED", `data "amazon-ami" in ${c.region}: ${errorMessage(error)}`, {
        cause: error,
      });
    });
    return {
      id: image.ImageId ?? "",
      name: image.Name ?? "",
      creation_date: image.CreationDate ?? "",
      owner: image.OwnerId ?? "",
      owner_name: image.ImageOwnerAlias ?? "",
      tags: Object.fromEntries((image.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
      description: image.Description ?? "",
      architecture: image.Architecture ?? "",
      root_device_type: image.RootDeviceType ?? "",
      virtualization_type: image.VirtualizationType ?? "",
      platform_details: image.PlatformDetails ?? "",
    };
  } finally {
    clients.destroy();
  }
}
