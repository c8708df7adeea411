/** `BakedImage`: a machine image baked by Kiln as a Pulumi resource. See README.md. */
export type * from "./args";
export { BakedImage } from "./baked-image";
export type { BakedImageInputs, BakedImageOutputs } from "./inputs";
export { providerInputs } from "./program";
export { bakedImageProvider } from "./provider";
