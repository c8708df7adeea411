export { BakedImage, type BakedImageProps } from "./baked-image";
