import { DescribeSubnetsCommand, type Subnet } from "@aws-sdk/client-ec2";
import { invalidValue, KilnError, notFound } from "../../engine/errors";
import type { EbsTypedStep } from "./state";
import { toFilters } from "./tags";

/**
 * Finds the subnet (and so the VPC and availability zone) from `subnet_id` or `subnet_filter`. With
 * neither, nothing is looked up: EC2 puts the instance and the security group in the default VPC.
 */
export const networkStep: EbsTypedStep = {
  name: "amazon-ebs: network",
  needs: [],
  provides: [],
  async run({ ctx, config, state }, signal) {
    state.availabilityZone = config.availability_zone;
    if (!config.subnet_id && !config.subnet_filter) return;
    const ec2 = state.ec2.get();
    let subnet: Subnet | undefined;
    if (config.subnet_id) {
      const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [config.subnet_id] }), {
        abortSignal: signal,
      });
      subnet = out.Subnets?.[0];
      if (!subnet)
        throw notFound(`subnet_id ${config.subnet_id} was not found in ${config.region}`, { property: "subnet_id" });
    } else if (config.subnet_filter) {
      const filters = toFilters(config.subnet_filter.filters);
      if (config.vpc_id) filters.push({ Name: "vpc-id", Values: [config.vpc_id] });
      if (config.availability_zone) filters.push({ Name: "availability-zone", Values: [config.availability_zone] });
      const out = await ec2.send(new DescribeSubnetsCommand({ Filters: filters }), { abortSignal: signal });
      subnet = pickSubnet(out.Subnets ?? [], config.subnet_filter);
      if (!subnet) {
        throw notFound(`no subnet matches subnet_filter ${JSON.stringify(config.subnet_filter.filters)}`, {
          property: "subnet_filter",
        });
      }
    }
    if (config.vpc_id && subnet?.VpcId !== config.vpc_id) {
      throw invalidValue("vpc_id", `subnet ${subnet?.SubnetId} is in ${subnet?.VpcId}, not in vpc_id ${config.vpc_id}`);
    }
    state.subnetId = subnet?.SubnetId;
    state.vpcId = subnet?.VpcId;
    state.availabilityZone = subnet?.AvailabilityZone ?? config.availability_zone;
    ctx.reporter.info(`subnet ${state.subnetId} in ${state.vpcId} (${state.availabilityZone})`);
  },
};

/** Packer's rule: exactly one match, unless `most_free` or `random` chooses among several. */
export function pickSubnet(
  subnets: Subnet[],
  how: { readonly most_free?: boolean; readonly random?: boolean },
  random: () => number = Math.random,
): Subnet | undefined {
  if (subnets.length <= 1) return subnets[0];
  if (how.most_free) {
    return [...subnets].sort((a, b) => (b.AvailableIpAddressCount ?? 0) - (a.AvailableIpAddressCount ?? 0))[0];
  }
  if (how.random) return subnets[Math.floor(random() * subnets.length)];
  throw new KilnError(
    "RESOURCE_AMBIGUOUS",
    `${subnets.length} subnets match subnet_filter (${subnets.map((s) => s.SubnetId).join(", ")}); set most_free or random, or narrow the filters`,
    { context: { property: "subnet_filter" } },
  );
}
