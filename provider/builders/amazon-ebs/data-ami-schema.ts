import { z } from "zod";
import { amiFilterShape, awsAccessShape } from "./config";

/** `data "amazon-ami"`: Packer's fields (filters, owners, most_recent, include_deprecated + access). No SDK. */
export const amazonAmiDataSchema = z.strictObject({ ...awsAccessShape, ...amiFilterShape });
export type AmazonAmiDataConfig = z.infer<typeof amazonAmiDataSchema>;
