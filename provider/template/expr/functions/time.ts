// Date and time functions. Timestamps keep the UTC offset they were written with, as Go's time.Time does,
// so formatdate/timeadd print wall-clock fields in that offset.
import { FunctionCallError } from "../errors";
import { argError, type CallContext, type HclFunction } from "./types";

/** A parsed RFC 3339 time: instant (ms since epoch), sub-millisecond nanos, and its UTC offset in minutes. */
export interface ZonedTime {
  readonly ms: number;
  readonly nanos: number; // full nanoseconds within the second
  readonly offset: number;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Process start, like Packer's initTime used by legacy_isotime/legacy_strftime. */
const INIT_TIME = new Date();

export function parseRfc3339(s: string): ZonedTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) {
    if (!/T/.test(s) && /^\d{4}-\d{2}-\d{2}/.test(s)) {
      throw new FunctionCallError("not a valid RFC3339 timestamp: missing required time introducer 'T'");
    }
    throw new FunctionCallError(`not a valid RFC3339 timestamp: cannot use ${JSON.stringify(s)} as a timestamp`);
  }
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const fields: [string, number, number][] = [
    ["month", Number(mo), 12],
    ["day of month", Number(d), 31],
    ["hour", Number(h), 23],
    ["minute", Number(mi), 59],
    ["second", Number(sec), 59],
  ];
  for (const [what, v, max] of fields) {
    if (v > max || ((what === "month" || what === "day of month") && v < 1)) {
      throw new FunctionCallError(`not a valid RFC3339 timestamp: ${what} out of range`);
    }
  }
  const offset =
    zone === "Z" ? 0 : (zone!.startsWith("-") ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (new Date(local).getUTCDate() !== Number(d))
    throw new FunctionCallError("not a valid RFC3339 timestamp: day out of range");
  const nanos = frac ? Number(frac.slice(1, 10).padEnd(9, "0")) : 0;
  return { ms: local - offset * 60_000 + Math.floor(nanos / 1e6), nanos, offset };
}

/** Wall-clock fields of a zoned time. */
function wall(t: ZonedTime) {
  const d = new Date(t.ms + t.offset * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    yday:
      Math.floor(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) /
          86_400_000,
      ) + 1,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function offsetText(offset: number, colon: boolean, zForUtc: boolean): string {
  if (zForUtc && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ":" : ""}${pad(a % 60)}`;
}

/** Go's time.RFC3339 output (whole seconds). */
export function formatRfc3339(t: ZonedTime): string {
  const w = wall(t);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offsetText(t.offset, true, true)}`;
}

/** cty's formatdate mnemonics (YYYY, MM, DD, hh, mm, ss, ZZZZZ …) with 'quoted' literals. */
export function formatDate(spec: string, t: ZonedTime): string {
  const w = wall(t);
  let out = "";
  let i = 0;
  while (i < spec.length) {
    const c = spec[i]!;
    if (c === "'") {
      if (spec[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      let lit = "";
      for (;;) {
        if (j >= spec.length) throw argError(0, "unterminated literal '");
        if (spec[j] === "'") {
          if (spec[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += spec[j];
        j++;
      }
      out += lit;
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (spec[j] === c) j++;
    const tok = spec.slice(i, j);
    const n = tok.length;
    i = j;
    const bad = (why: string) => argError(0, `invalid date format verb ${JSON.stringify(tok)}${why ? `: ${why}` : ""}`);
    switch (c) {
      case "Y":
        if (n === 2) out += pad(w.year % 100);
        else if (n === 4) out += pad(w.year, 4);
        else throw bad('year must either be "YY" or "YYYY"');
        break;
      case "M":
        if (n === 1) out += w.month;
        else if (n === 2) out += pad(w.month);
        else if (n === 3) out += MONTHS[w.month - 1]!.slice(0, 3);
        else if (n === 4) out += MONTHS[w.month - 1];
        else throw bad('month must be "M", "MM", "MMM", or "MMMM"');
        break;
      case "D":
        if (n === 1) out += w.day;
        else if (n === 2) out += pad(w.day);
        else throw bad('day of month must either be "D" or "DD"');
        break;
      case "E":
        if (n === 3) out += DAYS[w.weekday]!.slice(0, 3);
        else if (n === 4) out += DAYS[w.weekday];
        else throw bad('day of week must either be "EEE" or "EEEE"');
        break;
      case "h":
        if (n === 1) out += w.hour;
        else if (n === 2) out += pad(w.hour);
        else throw bad('24-hour must either be "h" or "hh"');
        break;
      case "H": {
        const h12 = w.hour % 12 || 12;
        if (n === 1) out += h12;
        else if (n === 2) out += pad(h12);
        else throw bad('12-hour must either be "H" or "HH"');
        break;
      }
      case "A":
      case "a":
        if (n !== 2) throw bad(`must be "${c}${c}"`);
        out += w.hour < 12 ? (c === "A" ? "AM" : "am") : c === "A" ? "PM" : "pm";
        break;
      case "m":
        if (n === 1) out += w.minute;
        else if (n === 2) out += pad(w.minute);
        else throw bad('minute must either be "m" or "mm"');
        break;
      case "s":
        if (n === 1) out += w.second;
        else if (n === 2) out += pad(w.second);
        else throw bad('second must either be "s" or "ss"');
        break;
      case "Z":
        if (n === 1) out += offsetText(t.offset, true, true);
        else if (n === 3) out += t.offset === 0 ? "UTC" : offsetText(t.offset, false, false);
        else if (n === 4) out += offsetText(t.offset, false, false);
        else if (n === 5) out += offsetText(t.offset, true, false);
        else throw bad("timezone must be Z, ZZZZ, or ZZZZZ");
        break;
      default:
        throw bad("");
    }
  }
  return out;
}

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration, in nanoseconds. */
export function parseGoDuration(text: string): number {
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new FunctionCallError(`time: invalid duration "${text}"`);
  let total = 0;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === "" || m[0] === ".") throw new FunctionCallError(`time: invalid duration "${text}"`);
    s = s.slice(m[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (!unit) throw new FunctionCallError(`time: missing unit in duration "${text}"`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new FunctionCallError(`time: unknown unit "${unit}" in duration "${text}"`);
    s = s.slice(unit.length);
    total += Number(`${m[1] || "0"}.${m[2] || "0"}`) * scale;
  }
  return sign * Math.round(total);
}

/** Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), as legacy_isotime and JSON templates' isotime use. */
export function goTimeFormat(layout: string, date: Date, offsetMinutes = 0): string {
  const t: ZonedTime = { ms: date.getTime(), nanos: (date.getTime() % 1000) * 1e6, offset: offsetMinutes };
  const w = wall(t);
  const chunks: [string, () => string][] = [
    ["January", () => MONTHS[w.month - 1]!],
    ["Jan", () => MONTHS[w.month - 1]!.slice(0, 3)],
    ["Monday", () => DAYS[w.weekday]!],
    ["Mon", () => DAYS[w.weekday]!.slice(0, 3)],
    ["MST", () => (t.offset === 0 ? "UTC" : offsetText(t.offset, false, false))],
    ["2006", () => pad(w.year, 4)],
    ["Z07:00:00", () => `${offsetText(t.offset, true, true)}${t.offset === 0 ? "" : ":00"}`],
    ["-07:00:00", () => `${offsetText(t.offset, true, false)}:00`],
    ["Z070000", () => `${offsetText(t.offset, false, true)}${t.offset === 0 ? "" : "00"}`],
    ["-070000", () => `${offsetText(t.offset, false, false)}00`],
    ["Z07:00", () => offsetText(t.offset, true, true)],
    ["-07:00", () => offsetText(t.offset, true, false)],
    ["Z0700", () => offsetText(t.offset, false, true)],
    ["-0700", () => offsetText(t.offset, false, false)],
    ["Z07", () => offsetText(t.offset, false, true).slice(0, 3)],
    ["-07", () => offsetText(t.offset, false, false).slice(0, 3)],
    ["002", () => pad(w.yday, 3)],
    ["__2", () => String(w.yday).padStart(3, " ")],
    ["_2", () => String(w.day).padStart(2, " ")],
    ["01", () => pad(w.month)],
    ["02", () => pad(w.day)],
    ["03", () => pad(w.hour % 12 || 12)],
    ["04", () => pad(w.minute)],
    ["05", () => pad(w.second)],
    ["06", () => pad(w.year % 100)],
    ["15", () => pad(w.hour)],
    ["PM", () => (w.hour < 12 ? "AM" : "PM")],
    ["pm", () => (w.hour < 12 ? "am" : "pm")],
    ["1", () => String(w.month)],
    ["2", () => String(w.day)],
    ["3", () => String(w.hour % 12 || 12)],
    ["4", () => String(w.minute)],
    ["5", () => String(w.second)],
  ];
  let out = "";
  let i = 0;
  outer: while (i < layout.length) {
    const rest = layout.slice(i);
    // Fractional seconds: ".000" (fixed) or ".999" (trailing zeros trimmed) after a seconds field.
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(rest);
    if (frac) {
      const digits = frac[1]!.length;
      const text = pad(t.nanos, 9).slice(0, digits);
      if (frac[1]![0] === "0") out += `${rest[0]}${text}`;
      else {
        const trimmed = text.replace(/0+$/, "");
        if (trimmed) out += `${rest[0]}${trimmed}`;
      }
      i += frac[0].length;
      continue;
    }
    for (const [chunk, render] of chunks) {
      if (!rest.startsWith(chunk)) continue;
      // Go only treats "Jan"/"Mon" as chunks when not followed by a lower-case letter.
      if ((chunk === "Jan" || chunk === "Mon") && /^[a-z]/.test(rest.slice(chunk.length))) continue;
      out += render();
      i += chunk.length;
      continue outer;
    }
    out += layout[i];
    i++;
  }
  return out;
}

/** jehiah/go-strftime, as Packer's legacy_strftime uses it: each %x maps to a Go layout chunk. */
const STRFTIME: Record<string, string> = {
  B: "January",
  b: "Jan",
  m: "01",
  A: "Monday",
  a: "Mon",
  d: "02",
  H: "15",
  I: "03",
  M: "04",
  S: "05",
  Y: "2006",
  y: "06",
  p: "PM",
  Z: "MST",
  z: "-0700",
  L: ".000",
  f: ".000000",
  j: "002",
};

export function strftime(format: string, date: Date): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const spec = format[i + 1];
    if (spec === undefined) {
      out += "%";
      break;
    }
    i++;
    if (spec === "%") out += "%";
    else if (STRFTIME[spec]) {
      const text = goTimeFormat(`05${STRFTIME[spec]}`, date).slice(2);
      out += spec === "L" || spec === "f" ? text.slice(1) : text;
    } else out += `%${spec}`;
  }
  return out;
}

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
