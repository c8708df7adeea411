/**
 * Formats a UTC instant with a Go reference-time layout ("2006-01-02T15:04:05Z07:00"), as Packer's
 * `{{isotime "…"}}` does. Chunks are recognised the way Go's time.Format scans them (time/format.go
 * nextStdChunk), so text that is not a layout element passes through unchanged.
 */
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

type Chunk = { length: number; render: (t: Date) => string };

const pad = (n: number, width: number, fill = "0") => String(n).padStart(width, fill);
const hour12 = (t: Date) => t.getUTCHours() % 12 || 12;
const yearDay = (t: Date) => Math.floor((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
const fixed = (text: string, render: (t: Date) => string): Chunk => ({ length: text.length, render });

/** The layout element starting at `i`, or undefined when the character there is literal text. */
function chunkAt(layout: string, i: number): Chunk | undefined {
  const rest = layout.slice(i);
  const startsWith = (s: string) => rest.startsWith(s);
  switch (layout[i]) {
    case "J":
      if (startsWith("January")) return fixed("January", (t) => MONTHS[t.getUTCMonth()] as string);
      if (startsWith("Jan")) return fixed("Jan", (t) => (MONTHS[t.getUTCMonth()] as string).slice(0, 3));
      return undefined;
    case "M":
      if (startsWith("Monday")) return fixed("Monday", (t) => DAYS[t.getUTCDay()] as string);
      if (startsWith("Mon")) return fixed("Mon", (t) => (DAYS[t.getUTCDay()] as string).slice(0, 3));
      if (startsWith("MST")) return fixed("MST", () => "UTC");
      return undefined;
    case "0":
      if (startsWith("002")) return fixed("002", (t) => pad(yearDay(t), 3));
      switch (layout[i + 1]) {
        case "1":
          return fixed("01", (t) => pad(t.getUTCMonth() + 1, 2));
        case "2":
          return fixed("02", (t) => pad(t.getUTCDate(), 2));
        case "3":
          return fixed("03", (t) => pad(hour12(t), 2));
        case "4":
          return fixed("04", (t) => pad(t.getUTCMinutes(), 2));
        case "5":
          return fixed("05", (t) => pad(t.getUTCSeconds(), 2));
        case "6":
          return fixed("06", (t) => pad(t.getUTCFullYear() % 100, 2));
      }
      return undefined;
    case "1":
      if (startsWith("15")) return fixed("15", (t) => pad(t.getUTCHours(), 2));
      return fixed("1", (t) => String(t.getUTCMonth() + 1));
    case "2":
      if (startsWith("2006")) return fixed("2006", (t) => pad(t.getUTCFullYear(), 4));
      return fixed("2", (t) => String(t.getUTCDate()));
    case "_":
      if (startsWith("_2006")) return undefined; // Go: a literal "_" followed by the year
      if (startsWith("__2")) return fixed("__2", (t) => pad(yearDay(t), 3, " "));
      if (startsWith("_2")) return fixed("_2", (t) => pad(t.getUTCDate(), 2, " "));
      return undefined;
    case "3":
      return fixed("3", (t) => String(hour12(t)));
    case "4":
      return fixed("4", (t) => String(t.getUTCMinutes()));
    case "5":
      return fixed("5", (t) => String(t.getUTCSeconds()));
    case "P":
      return startsWith("PM") ? fixed("PM", (t) => (t.getUTCHours() >= 12 ? "PM" : "AM")) : undefined;
    case "p":
      return startsWith("pm") ? fixed("pm", (t) => (t.getUTCHours() >= 12 ? "pm" : "am")) : undefined;
    case "-":
      // UTC: every numeric zone prints as an offset of zero in the layout's own shape.
      for (const zone of ["-07:00:00", "-070000", "-07:00", "-0700", "-07"]) {
        if (startsWith(zone)) return fixed(zone, () => zone.replace("-", "+").replace(/7/g, "0"));
      }
      return undefined;
    case "Z":
      for (const zone of ["Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07"]) {
        if (startsWith(zone)) return fixed(zone, () => "Z");
      }
      return undefined;
    case ".":
    case ",": {
      // Fractional seconds: ".000" (fixed width) or ".999" (trailing zeros trimmed), not followed by a digit.
      const match = /^[.,](0+|9+)/.exec(rest);
      if (!match || /\d/.test(layout[i + match[0].length] ?? "")) return undefined;
      const [text, digits] = [match[0], match[1] as string];
      return fixed(text, (t) => {
        const frac = pad(t.getUTCMilliseconds(), 3).padEnd(digits.length, "0").slice(0, digits.length);
        if (digits[0] === "0") return `${text[0]}${frac}`;
        const trimmed = frac.replace(/0+$/, "");
        return trimmed ? `${text[0]}${trimmed}` : "";
      });
    }
  }
  return undefined;
}

export function formatGoTime(instant: Date, layout: string): string {
  let out = "";
  for (let i = 0; i < layout.length; ) {
    const chunk = chunkAt(layout, i);
    if (chunk) {
      out += chunk.render(instant);
      i += chunk.length;
    } else {
      out += layout[i];
      i++;
    }
  }
  return out;
}

export const RFC3339 = "2006-01-02T15:04:05Z07:00";

/** A small strftime for Packer's `{{strftime "%Y%m%d"}}` (jehiah/go-strftime's specifiers). */
export function formatStrftime(instant: Date, format: string): string {
  const t = instant;
  const table: Record<string, () => string> = {
    a: () => (DAYS[t.getUTCDay()] as string).slice(0, 3),
    A: () => DAYS[t.getUTCDay()] as string,
    b: () => (MONTHS[t.getUTCMonth()] as string).slice(0, 3),
    B: () => MONTHS[t.getUTCMonth()] as string,
    c: () => formatGoTime(t, "Mon Jan  2 15:04:05 2006"),
    d: () => pad(t.getUTCDate(), 2),
    H: () => pad(t.getUTCHours(), 2),
    I: () => pad(hour12(t), 2),
    j: () => pad(yearDay(t), 3),
    L: () => pad(t.getUTCMilliseconds(), 3),
    m: () => pad(t.getUTCMonth() + 1, 2),
    M: () => pad(t.getUTCMinutes(), 2),
    p: () => (t.getUTCHours() >= 12 ? "PM" : "AM"),
    S: () => pad(t.getUTCSeconds(), 2),
    y: () => pad(t.getUTCFullYear() % 100, 2),
    Y: () => String(t.getUTCFullYear()),
    Z: () => "UTC",
    z: () => "+0000",
    "%": () => "%",
  };
  return format.replace(/%(.)/g, (all, c: string) => table[c]?.() ?? all);
}
