import { z } from "zod";
import { fleetSettings } from "../../provider/fleet/settings";
import type { ComponentSpec } from "./pulumi-schema";
import { fieldsOf } from "./walk";

/**
 * `kiln:index:ImmutableFleet` in the package schema: the fleet settings the Pulumi component takes
 * (provider/fleet/settings.ts, those with a `pulumi` kind), less `image` (another language passes the
 * BakedImage's `imageId`), which is not a setting.
 */
const fleetOutputs = z.object({
  image_id: z.string().describe("The AMI the serving generation boots from."),
  group_name: z.string().describe("The autoscaling group serving now."),
});

export const immutableFleetComponent: ComponentSpec = {
  name: "ImmutableFleet",
  description:
    "An autoscaling group launched from an image, replaced blue/green when the image changes: the new group must be healthy before traffic moves to it, and a failed rollout moves it back.",
  inputs: fieldsOf(fleetSettings)
    .filter((f) => f.meta.pulumi !== undefined)
    .map((f) => ({ ...f, required: f.meta.pulumiRequired === true })),
  outputs: fieldsOf(fleetOutputs),
};
