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
import {
  type BakedImageClass,
  type BakedImageOf,
  defineBakedImage,
  type BakedImageProps as Props,
} from "./baked-image";
import {
  defineImmutableFleet,
  type ImmutableFleetProps as FleetProps,
  type ImmutableFleetClass,
  type ImmutableFleetOf,
} from "./immutable-fleet";

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

export const BakedImage: BakedImageClass<TerraformProvider, DataResource, DataAwsAmi> = defineBakedImage<
  TerraformProvider,
  typeof cdktf
>(cdktf);
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
  typeof cdktf
>(cdktf);
export type ImmutableFleet = ImmutableFleetOf<FleetParts>;
export type ImmutableFleetProps = FleetProps<TerraformProvider>;
