export { BakedImage, type BakedImageProps } from "./baked-image";
export { ImmutableFleet, type ImmutableFleetProps } from "./immutable-fleet";
