// Go's time formats: time.ParseDuration, reference-time layouts (isotime) and jehiah/go-strftime.
import { FunctionCallError } from "../errors";
import { DAYS, MONTHS, offsetText, pad, wall, type ZonedTime } from "./time-zoned";

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
