/**
 * `kiln/cdktf`: the constructs for apps on HashiCorp's `cdktf` with `@cdktf/provider-aws`. The same
 * implementation as `kiln/cdktn` (flavour.ts), given this library's classes.
 */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { DataResource, Fn, type TerraformProvider, Token } from "cdktf";
import { defineBakedImage, type BakedImageProps as Props } from "./baked-image";
import { defineImmutableFleet, type ImmutableFleetProps as FleetProps } from "./immutable-fleet";

const cdktf = {
  Token,
  Fn,
  DataResource,
  DataAwsAmi,
  DataAwsRegion,
  LaunchTemplate,
  LbTargetGroup,
  AutoscalingGroup,
  LbListener,
};

export const BakedImage = defineBakedImage<TerraformProvider, typeof cdktf>(cdktf);
export type BakedImage = InstanceType<typeof BakedImage>;
export type BakedImageProps = Props<TerraformProvider>;
export const ImmutableFleet = defineImmutableFleet<TerraformProvider, typeof cdktf>(cdktf);
export type ImmutableFleet = InstanceType<typeof ImmutableFleet>;
export type ImmutableFleetProps = FleetProps<TerraformProvider>;
