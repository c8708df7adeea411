import { KilnError } from "../../engine/errors";

/** An AWS reply lacked a field Kiln needs: the call and the field are named, never a silent `undefined`. */
export class AwsReplyError extends KilnError {
  constructor(
    readonly call: string,
    readonly field: string,
  ) {
    super("AWS_REPLY_INCOMPLETE", `${call} replied without ${field}`);
    this.name = "AwsReplyError";
  }
}

/** `reply[field]`, checked: throws `AwsReplyError` naming `call` and `field` when it is missing or empty. */
export function replyField<R extends object, K extends keyof R & string>(
  reply: R | undefined,
  field: K,
  call: string,
): NonNullable<R[K]> {
  const value = reply?.[field];
  if (value === undefined || value === null || value === "") throw new AwsReplyError(call, field);
  return value;
}
