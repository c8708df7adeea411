import type { BlockDeviceMapping } from "@aws-sdk/client-ec2";
import type { BlockDevice } from "./config";

/** Packer's block device blocks → EC2 mappings (launch and AMI mappings share the shape). */
export function toBlockDeviceMappings(devices: readonly BlockDevice[] | undefined): BlockDeviceMapping[] | undefined {
  if (!devices?.length) return undefined;
  return devices.map((d) => {
    if (d.no_device) return { DeviceName: d.device_name, NoDevice: "" };
    if (d.virtual_name) return { DeviceName: d.device_name, VirtualName: d.virtual_name };
    return {
      DeviceName: d.device_name,
      Ebs: {
        // Packer's default: volumes go away with the instance only when asked. Kiln's cleanup deletes
        // the ones left over, so no volume outlives the build either way.
        DeleteOnTermination: d.delete_on_termination ?? false,
        Encrypted: d.encrypted,
        Iops: d.iops,
        KmsKeyId: d.kms_key_id,
        SnapshotId: d.snapshot_id,
        Throughput: d.throughput,
        VolumeSize: d.volume_size,
        VolumeType: d.volume_type,
      },
    };
  });
}
