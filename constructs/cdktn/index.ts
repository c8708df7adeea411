/**
 * `kiln/cdktn`: the constructs for apps on CDK Terrain, `cdktn` with `@cdktn/provider-aws`. The same
 * implementation as `kiln/cdktf` (../cdktf/flavour.ts), given this library's classes.
 */
import { AutoscalingGroup } from "@cdktn/provider-aws/lib/autoscaling-group";
import { DataAwsAmi } from "@cdktn/provider-aws/lib/data-aws-ami";
import { DataAwsRegion } from "@cdktn/provider-aws/lib/data-aws-region";
import { LaunchTemplate } from "@cdktn/provider-aws/lib/launch-template";
import { LbListener } from "@cdktn/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktn/provider-aws/lib/lb-target-group";
import { DataResource, Fn, type TerraformProvider, Token } from "cdktn";
import { defineBakedImage, type BakedImageProps as Props } from "../cdktf/baked-image";
import { defineImmutableFleet, type ImmutableFleetProps as FleetProps } from "../cdktf/immutable-fleet";

const cdktn = {
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

export const BakedImage = defineBakedImage<TerraformProvider, typeof cdktn>(cdktn);
export type BakedImage = InstanceType<typeof BakedImage>;
export type BakedImageProps = Props<TerraformProvider>;
export const ImmutableFleet = defineImmutableFleet<TerraformProvider, typeof cdktn>(cdktn);
export type ImmutableFleet = InstanceType<typeof ImmutableFleet>;
export type ImmutableFleetProps = FleetProps<TerraformProvider>;
