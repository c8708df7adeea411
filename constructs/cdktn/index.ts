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
import {
  type BakedImageClass,
  type BakedImageOf,
  defineBakedImage,
  type BakedImageProps as Props,
} from "../cdktf/baked-image";
import {
  defineImmutableFleet,
  type ImmutableFleetProps as FleetProps,
  type ImmutableFleetClass,
  type ImmutableFleetOf,
} from "../cdktf/immutable-fleet";

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

export const BakedImage: BakedImageClass<TerraformProvider, DataResource, DataAwsAmi> = defineBakedImage<
  TerraformProvider,
  typeof cdktn
>(cdktn);
export type BakedImage = BakedImageOf<DataResource, DataAwsAmi>;
export type BakedImageProps = Props<TerraformProvider>;
/** The classes of a generation's pieces under this flavour. */
interface FleetParts {
  launchTemplate: LaunchTemplate;
  targetGroup: LbTargetGroup;
  group: AutoscalingGroup;
  listener: LbListener;
  rollout: DataResource;
}
export const ImmutableFleet: ImmutableFleetClass<TerraformProvider, FleetParts> = defineImmutableFleet<
  TerraformProvider,
  typeof cdktn
>(cdktn);
export type ImmutableFleet = ImmutableFleetOf<FleetParts>;
export type ImmutableFleetProps = FleetProps<TerraformProvider>;
