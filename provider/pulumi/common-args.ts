import type * as pulumi from "@pulumi/pulumi";

/** Fields every provisioner accepts besides its own. */
export interface ProvisionerCommonArgs {
  /** Wait before running (Go duration). */
  readonly pauseBefore?: pulumi.Input<string>;
  /** Retries after a failure. @default 0 */
  readonly maxRetries?: pulumi.Input<number>;
  /** Cancel the provisioner after this long (Go duration). */
  readonly timeout?: pulumi.Input<string>;
  /** Run only for these sources (matters for templates with several). */
  readonly only?: pulumi.Input<pulumi.Input<string>[]>;
  readonly except?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Fields every post-processor accepts besides its own. */
export interface PostProcessorCommonArgs {
  readonly only?: pulumi.Input<pulumi.Input<string>[]>;
  readonly except?: pulumi.Input<pulumi.Input<string>[]>;
  /** @default true */
  readonly keepInputArtifact?: pulumi.Input<boolean>;
}
