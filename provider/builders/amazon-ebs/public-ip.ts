import { isIP } from "node:net";
import { raceAbort } from "../../engine/abort";
import { errorMessage, KilnError } from "../../engine/errors";

/** Where the build's public address is looked up; `KILN_PUBLIC_IP_URL` overrides it (proxies, tests). */
export const DEFAULT_PUBLIC_IP_URL = "https://checkip.amazonaws.com";
const LOOKUP_TIMEOUT_MS = 5000;

export function publicIpUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.KILN_PUBLIC_IP_URL || DEFAULT_PUBLIC_IP_URL;
}

/**
 * The address this machine reaches the internet from, as a /32 (or /128) CIDR. Fails with a message
 * naming the field to set instead: opening the port to 0.0.0.0/0 behind the user's back is not an option.
 */
export async function publicSourceCidr(port: number, signal: AbortSignal, url = publicIpUrl()): Promise<string> {
  const timeout = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
  let text: string;
  try {
    const res = await raceAbort(fetch(url, { signal: AbortSignal.any([signal, timeout]) }), signal);
    if (!res.ok) throw new KilnError("HTTP_STATUS", `HTTP ${res.status}`, { context: { resource: url } });
    text = (await res.text()).trim();
  } catch (error) {
    if (signal.aborted) throw error;
    throw new KilnError(
      "PUBLIC_IP_UNKNOWN",
      `could not look up this machine's public IP address at ${url} (${timeout.aborted ? "timed out" : errorMessage(error)}); ` +
        `set temporary_security_group_source_cidrs to the CIDR blocks that may reach port ${port}`,
      { cause: error, context: { property: "temporary_security_group_source_cidrs", resource: url } },
    );
  }
  const family = isIP(text);
  if (!family) {
    throw new KilnError(
      "PUBLIC_IP_UNKNOWN",
      `${url} answered ${JSON.stringify(text.slice(0, 60))}, not an IP address; set temporary_security_group_source_cidrs`,
      { context: { property: "temporary_security_group_source_cidrs", resource: url } },
    );
  }
  return `${text}/${family === 4 ? 32 : 128}`;
}
