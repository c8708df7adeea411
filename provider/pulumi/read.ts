import type { OperationContext } from "./create";
import { imageStore } from "./images";
import type { BakedImageOutputs } from "./inputs";

/**
 * `pulumi refresh`: an image deregistered outside Pulumi is reported gone, so the stack forgets it and
 * the next `pulumi up` bakes it again. Otherwise the state is kept as it is.
 */
export async function readImage(
  id: string,
  props: BakedImageOutputs | undefined,
  { signal }: Pick<OperationContext, "signal">,
): Promise<{ id?: string; props?: BakedImageOutputs }> {
  if (!props?.artifact || !props.source) return { id, props };
  const target = { artifact: props.artifact, config: props.source.config };
  return (await (await imageStore(props.source.type)).exists(target, signal)) ? { id, props } : {};
}
