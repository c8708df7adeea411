import { z } from "zod";
import { lazy } from "../../util/lazy";
import { ebsSchemas } from "./config";

/** `data "amazon-ami"`: Packer's fields (filters, owners, most_recent, include_deprecated + access). No SDK. Built on first use. */
export const amazonAmiDataSchema = lazy(() => {
  const { awsAccessShape, amiFilterShape } = ebsSchemas();
  return z.strictObject({ ...awsAccessShape, ...amiFilterShape });
});
export type AmazonAmiDataConfig = z.infer<ReturnType<typeof amazonAmiDataSchema>>;
