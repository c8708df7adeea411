/**
 * The rollout's input as callers write it, as a plain interface: the published types of `kiln/pulumi`
 * and `kiln/cdktf` reach it, and must not import zod (its declaration files need esModuleInterop, which
 * the tsconfig of `pulumi new typescript` leaves unset). input.ts checks at compile time that this and
 * the schema agree; the field docs live on the schema there.
 */
export interface GenerationInput {
  readonly group: string;
  readonly targetGroupArn?: string;
}

export interface RolloutInput {
  readonly fleet: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly target: GenerationInput;
  readonly previous?: GenerationInput;
  readonly capacity: { readonly min: number; readonly max: number; readonly desired: number };
  readonly listenerArn?: string;
  readonly listenerRuleArn?: string;
  readonly canarySteps?: number[];
  /** Go duration or seconds. */
  readonly bakeTime?: string | number;
  readonly alarmNames?: string[];
  readonly keepPrevious?: boolean;
  readonly health?: {
    readonly timeout?: string | number;
    readonly minHealthyPercent?: number;
    readonly pollInterval?: string | number;
    readonly maxPollInterval?: string | number;
  };
}
