// RFC 3339 timestamps that keep the UTC offset they were written with (as Go's time.Time does), and
// formatdate's mnemonics over them.
import { FunctionCallError } from "../errors";
import { argError } from "./types";

/** A parsed RFC 3339 time: instant (ms since epoch), sub-millisecond nanos, and its UTC offset in minutes. */
export interface ZonedTime {
  readonly ms: number;
  readonly nanos: number; // full nanoseconds within the second
  readonly offset: number;
}

export const MONTHS = [
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
export const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

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
export function wall(t: ZonedTime) {
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

export const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function offsetText(offset: number, colon: boolean, zForUtc: boolean): string {
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
