import { isIPv6 } from "node:net";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { notFound, operationFailed } from "../../engine/errors";
import { securityGroupsOf } from "./config";
import { awsCode, cleanupSignal, retryWhile } from "./polling";
import { replyField } from "./reply";
import type { EbsTypedStep } from "./state";
import { buildIdFilter, buildIdTag, tagSpec, toFilters, toTags } from "./tags";

/**
 * The groups the instance joins: the user's (`security_group_id(s)`, `security_group_filter`), or a
 * temporary one open only on the communicator port and only to `state.sourceCidrs`, deleted in cleanup.
 */
export const securityGroupStep: EbsTypedStep<"sourceCidrs", "securityGroupIds"> = {
  name: "amazon-ebs: security group",
  needs: ["sourceCidrs"],
  provides: ["securityGroupIds"],
  async run({ ctx, config, state }, signal) {
    const ec2 = state.ec2.get();
    const groups = securityGroupsOf(config);
    if (groups.kind !== "temporary") {
      if (groups.kind === "filter") {
        const filters = toFilters(groups.filters);
        if (state.vpcId) filters.push({ Name: "vpc-id", Values: [state.vpcId] });
        const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }), { abortSignal: signal });
        state.securityGroupIds = (out.SecurityGroups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : []));
        if (!state.securityGroupIds.length)
          throw notFound("no security group matches security_group_filter", { property: "security_group_filter" });
      } else {
        state.securityGroupIds = [...groups.ids];
      }
      return;
    }

    const name = `kiln_${ctx.buildId}`;
    state.tempSecurityGroup = { name };
    const created = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: name,
        Description: `Temporary group for Kiln build ${ctx.buildName} (${ctx.buildId})`,
        VpcId: state.vpcId,
        TagSpecifications: [tagSpec("security-group", toTags(buildIdTag(ctx.buildId)))],
      }),
      { abortSignal: signal },
    );
    const groupId = replyField(created, "GroupId", "CreateSecurityGroup");
    state.tempSecurityGroup.id = groupId;
    state.securityGroupIds = [groupId];

    const cidrs = state.sourceCidrs;
    if (config.communicator === "none" || cidrs.length === 0) return;
    const port = config.ssh_port ?? 22;
    // A new group can take a moment to be visible to other calls.
    await retryWhile(
      ["InvalidGroup.NotFound"],
      () =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [
              {
                IpProtocol: "tcp",
                FromPort: port,
                ToPort: port,
                IpRanges: cidrs.filter((c) => !isIPv6(c.split("/")[0] ?? "")).map((CidrIp) => ({ CidrIp })),
                Ipv6Ranges: cidrs.filter((c) => isIPv6(c.split("/")[0] ?? "")).map((CidrIpv6) => ({ CidrIpv6 })),
              },
            ],
          }),
          { abortSignal: signal },
        ),
      { signal, maxMs: 60_000 },
    );
    ctx.reporter.info(`temporary security group ${groupId}: tcp/${port} from ${cidrs.join(", ")}`);
  },

  async cleanup({ ctx, state }) {
    const group = state.tempSecurityGroup;
    if (!group) return;
    const ec2 = state.ec2.get();
    const signal = cleanupSignal();
    let id = group.id;
    if (!id) {
      // The create reply was lost: find the group by its build tag.
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [buildIdFilter(ctx.buildId)] }), {
        abortSignal: signal,
      });
      id = out.SecurityGroups?.find((g) => g.GroupName === group.name)?.GroupId;
      if (!id) return;
    }
    try {
      // The instance may still hold the group for a while after it terminated.
      await retryWhile(
        ["DependencyViolation"],
        () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }), { abortSignal: signal }),
        { signal, maxMs: 5 * 60_000 },
      );
    } catch (error) {
      if (awsCode(error) !== "InvalidGroup.NotFound") {
        throw operationFailed("AWS_DELETE_FAILED", `deleting security group ${id}`, error, { resource: id });
      }
    }
    state.tempSecurityGroup = undefined;
    ctx.reporter.info(`deleted security group ${id}`);
  },
};
