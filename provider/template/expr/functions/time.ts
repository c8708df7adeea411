// The date and time functions (timestamp, formatdate, timeadd, legacy_isotime, legacy_strftime) over
// time-zoned.ts and time-go.ts.
import { FunctionCallError } from "../errors";
import { goTimeFormat, parseGoDuration, strftime } from "./time-go";
import { formatDate, formatRfc3339, parseRfc3339, type ZonedTime } from "./time-zoned";
import { argError, type CallContext, type HclFunction } from "./types";

/** Process start, like Packer's initTime used by legacy_isotime/legacy_strftime. */
const INIT_TIME = new Date();

function clock(ctx: CallContext): Date {
  return ctx.policy.now?.() ?? new Date();
}

export const timeFunctions: Record<string, HclFunction> = {
  timestamp: {
    params: [],
    impl: (_args, ctx) => {
      const now = clock(ctx);
      return formatRfc3339({ ms: now.getTime(), nanos: 0, offset: 0 });
    },
  },
  formatdate: {
    params: [
      { name: "format", type: "string" },
      { name: "time", type: "string" },
    ],
    impl: ([spec, ts]) => {
      let t: ZonedTime;
      try {
        t = parseRfc3339(ts as string);
      } catch (e) {
        throw argError(1, (e as Error).message);
      }
      return formatDate(spec as string, t);
    },
  },
  timeadd: {
    params: [
      { name: "timestamp", type: "string" },
      { name: "duration", type: "string" },
    ],
    impl: ([ts, dur]) => {
      const t = parseRfc3339(ts as string);
      const ns = parseGoDuration(dur as string);
      // Whole-second instant plus carried nanoseconds; RFC 3339 output drops the fraction like Go's.
      const secMs = t.ms - Math.floor(t.nanos / 1e6);
      const total = t.nanos + ns;
      const carry = Math.floor(total / 1e9);
      return formatRfc3339({ ms: secMs + carry * 1000, nanos: total - carry * 1e9, offset: t.offset });
    },
  },
  legacy_isotime: legacyClock(goTimeFormat),
  legacy_strftime: legacyClock(strftime),
};

/**
 * Packer's legacy clock functions: one optional format, applied to the time the run started (or the
 * policy's clock in tests); without one, RFC 3339 in UTC.
 */
function legacyClock(format: (layout: string, at: Date) => string): HclFunction {
  return {
    params: [],
    variadic: { name: "format", type: "string" },
    impl: (args, ctx) => {
      if (args.length > 1) throw new FunctionCallError("too many values, 1 needed");
      const at = ctx.policy.now?.() ?? INIT_TIME;
      if (args.length === 0) return formatRfc3339({ ms: at.getTime(), nanos: 0, offset: 0 });
      return format(args[0] as string, at);
    },
  };
}
