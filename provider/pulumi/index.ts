/** `BakedImage`: a machine image baked by Kiln as a Pulumi resource. See README.md. */

export { FleetSlots, fleetSlotsProvider } from "../../constructs/pulumi/fleet-slots";
// `ImmutableFleet` (blue/green autoscaling groups) needs @pulumi/aws, loaded only when one is built.
export type * from "../../constructs/pulumi/immutable-fleet";
export { ImmutableFleet } from "../../constructs/pulumi/immutable-fleet";
export { FleetRollout, fleetRolloutProvider } from "../../constructs/pulumi/rollout-resource";
export type * from "./args";
export { BakedImage } from "./baked-image";
export type { BakedImageInputs, BakedImageOutputs } from "./inputs";
export { providerInputs } from "./program";
export { bakedImageProvider } from "./provider";
