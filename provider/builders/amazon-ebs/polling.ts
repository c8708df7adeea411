import type { EC2Client } from "@aws-sdk/client-ec2";
import { abortReason, sleep } from "../../engine/abort";
import { errorMessage, formatMs, KilnError } from "../../engine/errors";
import type { BuildReporter } from "../../engine/events";
import type { AwsAccessConfig } from "./config";
import { AwsReplyError } from "./reply";

/** Packer's `aws_polling` / `AWS_POLL_DELAY_SECONDS` / `AWS_MAX_ATTEMPTS`: a fixed delay and a cap on polls. */
export interface PollSettings {
  readonly delaySeconds?: number;
  readonly maxAttempts?: number;
}

/** The config block wins over the environment, as in Packer. */
export function pollSettings(
  block: AwsAccessConfig["aws_polling"],
  env: NodeJS.ProcessEnv = process.env,
): PollSettings {
  const fromEnv = (name: string) => {
    const n = Number(env[name]);
    return env[name] && Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    delaySeconds: block?.delay_seconds ?? fromEnv("AWS_POLL_DELAY_SECONDS"),
    maxAttempts: block?.max_attempts ?? fromEnv("AWS_MAX_ATTEMPTS"),
  };
}

/** How long a kind of wait may take by default, and how far apart polls may drift when backing off. */
export interface WaitKind {
  readonly timeoutSeconds: number;
  readonly maxDelaySeconds: number;
}

// Packer's timeouts: instance state 10 min, AMI available 30 min. Copies of large AMIs take longer.
export const INSTANCE_WAIT: WaitKind = { timeoutSeconds: 600, maxDelaySeconds: 15 };
export const IMAGE_WAIT: WaitKind = { timeoutSeconds: 1800, maxDelaySeconds: 30 };
export const COPY_WAIT: WaitKind = { timeoutSeconds: 3600, maxDelaySeconds: 30 };

/** First poll after 1 s: most waits on a warm region end within seconds, and moto ends them at once. */
const MIN_DELAY_SECONDS = 1;

/**
 * Waiter timing: with no settings, back off from 1 s to the kind's cap within its timeout. A delay
 * (config or env) is fixed, as Packer means it. `limitSeconds` is when the wait ends without
 * `max_attempts`, and how long that many polls take when replies are instant (waitUntil counts them).
 */
export function waiterTiming(settings: PollSettings, kind: WaitKind) {
  const { delaySeconds, maxAttempts } = settings;
  if (delaySeconds) {
    const attempts = maxAttempts ?? Math.max(1, Math.floor(kind.timeoutSeconds / delaySeconds));
    return { minDelay: delaySeconds, maxDelay: delaySeconds, limitSeconds: (attempts - 0.5) * delaySeconds };
  }
  const minDelay = MIN_DELAY_SECONDS;
  const maxDelay = Math.max(minDelay, kind.maxDelaySeconds);
  if (!maxAttempts) return { minDelay, maxDelay, limitSeconds: kind.timeoutSeconds };
  // The backoff schedule's longest time to reach that many polls (jitter only shortens delays).
  let total = 0;
  for (let i = 1; i < maxAttempts; i++) total += Math.min(minDelay * 2 ** (i - 1), maxDelay);
  return { minDelay, maxDelay, limitSeconds: total + minDelay / 2 };
}

/** The shape of the SDK's `waitUntil…` functions. */
type Waiter<I, O> = (
  config: { client: EC2Client; maxWaitTime: number; minDelay: number; maxDelay: number; abortSignal: AbortSignal },
  input: I,
) => Promise<{ state: string; final?: O }>;

export interface WaitOptions {
  readonly client: EC2Client;
  readonly settings: PollSettings;
  readonly kind: WaitKind;
  readonly signal: AbortSignal;
  readonly reporter?: BuildReporter;
  /** For messages: "instance i-0abc to be running". */
  readonly what: string;
}

/**
 * Runs one of the SDK's `waitUntil…` waiters and returns its last response. Kiln enforces the time
 * limit itself through the waiter's abort signal (the SDK's own `maxWaitTime` polls without pause in
 * its last half second), and the client the waiter sees refuses to poll once the wait is over (the SDK
 * would otherwise poll once more after an abort). Reports how long it waited and how often it polled.
 */
export async function waitUntil<I, O>(waiter: Waiter<I, O>, input: I, options: WaitOptions): Promise<O> {
  const { client, settings, kind, signal, reporter, what } = options;
  const timing = waiterTiming(settings, kind);
  // With max_attempts the count of polls ends the wait (a slow reply must not cost a poll); the clock
  // then only guards against a reply that never comes.
  const limitMs = Math.ceil((settings.maxAttempts ? timing.limitSeconds + 60 : timing.limitSeconds) * 1000);
  const limit = AbortSignal.timeout(limitMs);
  const exhausted = new AbortController();
  const over = AbortSignal.any([signal, limit, exhausted.signal]);
  let polls = 0;
  const polling = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return (...args: Parameters<EC2Client["send"]>) => {
        if (settings.maxAttempts && polls >= settings.maxAttempts) exhausted.abort();
        if (over.aborted) return Promise.reject(abortReason(over));
        polls++;
        return target.send(...args);
      };
    },
  });
  const t0 = Date.now();
  try {
    const result = await waiter(
      {
        client: polling,
        abortSignal: over,
        minDelay: timing.minDelay,
        maxDelay: timing.maxDelay,
        // Never reached: `limit` or the count of polls ends the wait first.
        maxWaitTime: limitMs / 1000 + 2 * timing.maxDelay + 60,
      },
      input,
    );
    if (result.final === undefined) throw new AwsReplyError(`waiter for ${what}`, "a response");
    return result.final;
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    if (limit.aborted || exhausted.signal.aborted) {
      throw new KilnError(
        "AWS_WAIT_TIMEOUT",
        `timed out after ${formatMs(Date.now() - t0)} (${polls} polls) waiting for ${what}; raise aws_polling.max_attempts (or AWS_MAX_ATTEMPTS)`,
        { cause: error },
      );
    }
    throw new KilnError("AWS_WAIT_FAILED", `waiting for ${what} failed: ${shorten(errorMessage(error))}`, {
      cause: error,
    });
  } finally {
    reporter?.info(`waited ${formatMs(Date.now() - t0)} for ${what} (${polls} poll${polls === 1 ? "" : "s"})`);
  }
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The AWS error code of an SDK error (`InvalidAMIID.NotFound`), or undefined. */
export function awsCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { name?: string; Code?: string; code?: string };
  return e.Code ?? e.code ?? e.name;
}

/**
 * Repeats `fn` while it fails with one of `codes` (AWS's eventual consistency: a group not yet visible,
 * an instance not yet stopped, a group still in use), backing off from 0.5 s to 8 s, for at most
 * `maxMs`. Other errors and cancellation end it at once.
 */
export async function retryWhile<T>(
  codes: readonly string[],
  fn: () => Promise<T>,
  options: { signal?: AbortSignal; maxMs: number },
): Promise<T> {
  const deadline = Date.now() + options.maxMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 8000)) {
    try {
      return await fn();
    } catch (error) {
      const code = awsCode(error);
      if (!code || !codes.includes(code) || Date.now() + delay > deadline) throw error;
      await sleep(delay, options.signal);
    }
  }
}

/** Cleanups run after cancellation, so they get their own bound instead of the build's signal. */
export function cleanupSignal(ms = 15 * 60_000): AbortSignal {
  return AbortSignal.timeout(ms);
}
