import { childSignal } from "../../engine/abort";
import { formatMs, KilnError, operationFailed } from "../../engine/errors";
import type { AzureClients } from "./clients";
import { DEFAULT_POLLING_TIMEOUT_MS } from "./config";

/** ARM's error code (`ResourceNotFound`, `NicInUse`) and HTTP status of an SDK error. */
export function armError(error: unknown): { code?: string; status?: number } {
  if (typeof error !== "object" || error === null) return {};
  const e = error as { code?: string; statusCode?: number; details?: { error?: { code?: string } } };
  return { code: e.details?.error?.code ?? e.code, status: e.statusCode };
}

/** The resource (or its group) does not exist. */
export function isNotFound(error: unknown): boolean {
  const { code, status } = armError(error);
  return status === 404 || code === "ResourceNotFound" || code === "ResourceGroupNotFound" || code === "NotFound";
}

/**
 * Runs one long-running ARM operation (the SDK polls `Azure-AsyncOperation`/`Location` for it) under the
 * build's signal and Packer's `polling_duration_timeout`, and says what timed out.
 */
export async function longRunning<T>(
  clients: AzureClients,
  what: string,
  timeoutMs: number | undefined,
  signal: AbortSignal,
  start: (options: { abortSignal: AbortSignal; updateIntervalInMs?: number }) => PromiseLike<T>,
): Promise<T> {
  const limit = timeoutMs ?? DEFAULT_POLLING_TIMEOUT_MS;
  const child = childSignal(signal, limit, `${what} (polling_duration_timeout ${formatMs(limit)})`);
  try {
    return await start({ abortSignal: child.signal, updateIntervalInMs: clients.pollIntervalMs });
  } catch (error) {
    // The SDK rejects with its own AbortError; the signal's reason says whether it was a cancel or a timeout.
    if (child.signal.aborted) throw child.signal.reason;
    throw error;
  } finally {
    child.dispose();
  }
}

/** Cleanups run after cancellation, so they get their own bound instead of the build's signal. */
export function cleanupSignal(ms = 30 * 60_000): AbortSignal {
  return AbortSignal.timeout(ms);
}

/** Deletes with a long-running DELETE; a resource already gone counts as deleted (ARM answers 204). */
export async function deleteIfPresent(
  clients: AzureClients,
  what: string,
  start: (options: { abortSignal: AbortSignal; updateIntervalInMs?: number }) => PromiseLike<unknown>,
  signal: AbortSignal = cleanupSignal(),
): Promise<void> {
  try {
    await longRunning(clients, `deleting ${what}`, undefined, signal, start);
  } catch (error) {
    if (isNotFound(error)) return;
    throw operationFailed("AZURE_DELETE_FAILED", `deleting ${what}`, error, { resource: what });
  }
}

/** `/subscriptions/{s}/resourceGroups/{g}/providers/{path}`. */
/** The ID of a resource ARM just created; a reply without one is an error, not an undefined later. */
export function createdId(reply: { id?: string }, what: string): string {
  if (!reply.id) throw new KilnError("AZURE_REPLY_INCOMPLETE", `${what}: ARM's reply has no resource ID`);
  return reply.id;
}

export function armId(subscriptionId: string, group: string, path: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/${path}`;
}

/** The parts of an ARM resource ID: subscription, group, and the name/type pairs after the provider. */
export function parseArmId(id: string): {
  subscriptionId: string;
  resourceGroup: string;
  names: string[];
  type: string;
} {
  const s = id.split("/").filter(Boolean);
  const rest = s.slice(6);
  return {
    subscriptionId: s[1] ?? "",
    resourceGroup: s[3] ?? "",
    names: rest.filter((_, i) => i % 2 === 1),
    type: [s[5], ...rest.filter((_, i) => i % 2 === 0)].join("/"),
  };
}

/** ARM's canonical location name: `East US` → `eastus`. */
export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}
