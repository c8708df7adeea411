// Go's fmt number formatting as cty's format() reaches it (big.Float / big.Int through fmt.Sprintf), and
// Go's JSON string quoting (cty's %q, %#v and jsonencode escape <, > and & like encoding/json).

/** Shortest decimal digits of |x| and the position of the decimal point (value = 0.d1d2… × 10^dp). */
function shortestDigits(x: number): { digits: string; dp: number } {
  if (x === 0) return { digits: "0", dp: 1 };
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential())!;
  const digits = `${m[1]}${m[2] ?? ""}`.replace(/0+$/, "") || "0";
  return { digits, dp: Number(m[3]) + 1 };
}

/** Rounds a digit string to n digits, half to even (Go's decimal rounding of the exact value). */
function roundDigits(d: { digits: string; dp: number }, n: number): { digits: string; dp: number } {
  if (n < 0) return { digits: "0", dp: d.dp };
  if (d.digits.length <= n) return d;
  const keep = d.digits.slice(0, n);
  const next = d.digits.charCodeAt(n) - 48;
  const restNonZero = /[1-9]/.test(d.digits.slice(n + 1));
  const lastOdd = n > 0 && (keep.charCodeAt(n - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (restNonZero || lastOdd));
  if (!up) return { digits: keep.replace(/0+$/, "") || "0", dp: keep === "" ? d.dp : d.dp };
  // Increment the kept digits.
  const arr = keep.split("").map(Number);
  let i = arr.length - 1;
  while (i >= 0) {
    if (arr[i]! < 9) {
      arr[i]!++;
      break;
    }
    arr[i] = 0;
    i--;
  }
  if (i < 0) return { digits: `1${arr.join("")}`.replace(/0+$/, "") || "1", dp: d.dp + 1 };
  return { digits: arr.join("").replace(/0+$/, "") || "0", dp: d.dp };
}

function fmtF(d: { digits: string; dp: number }, prec: number): string {
  const digit = (i: number): string => (i >= 0 && i < d.digits.length ? d.digits[i]! : "0");
  let int = "";
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) int += digit(i);
  else int = "0";
  if (d.digits === "0") int = "0";
  if (prec <= 0) return int;
  let frac = "";
  for (let i = 0; i < prec; i++) frac += d.digits === "0" ? "0" : digit(d.dp + i);
  return `${int}.${frac}`;
}

function fmtE(d: { digits: string; dp: number }, prec: number, upper: boolean): string {
  const first = d.digits[0] ?? "0";
  let frac = d.digits.slice(1);
  if (prec >= 0) frac = frac.padEnd(prec, "0").slice(0, prec);
  const exp = d.digits === "0" ? 0 : d.dp - 1;
  const e = `${upper ? "E" : "e"}${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return `${first}${frac ? `.${frac}` : ""}${e}`;
}

/** Go's %e %E %f %g %G of a big.Float, without sign or padding. prec < 0 means "not given". */
export function goFloat(x: number, verb: string, prec: number): string {
  const d0 = shortestDigits(x);
  switch (verb) {
    case "e":
    case "E": {
      const p = prec < 0 ? 6 : prec;
      return fmtE(roundDigits(d0, p + 1), p, verb === "E");
    }
    case "f":
    case "F": {
      const p = prec < 0 ? 6 : prec;
      return fmtF(roundDigits(d0, d0.dp + p), p);
    }
    default: {
      const shortest = prec < 0;
      let p = prec === 0 ? 1 : prec;
      const d = shortest ? d0 : roundDigits(d0, p);
      if (shortest) p = d.digits.length;
      let eprec = p;
      if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (d.digits !== "0" && (exp < -4 || exp >= eprec)) {
        return fmtE(d, Math.min(p, d.digits.length) - 1, verb === "G");
      }
      if (p > d.dp) p = d.digits.length;
      return fmtF(d, Math.max(p - d.dp, 0));
    }
  }
}

export interface GoFlags {
  readonly plus?: boolean;
  readonly space?: boolean;
  readonly zero?: boolean;
  readonly minus?: boolean;
  readonly sharp?: boolean;
  readonly width?: number;
}

/** Applies sign flags and width padding the way Go's fmt does for numbers (zero padding after the sign). */
export function padNumber(negative: boolean, body: string, f: GoFlags): string {
  const sign = negative ? "-" : f.plus ? "+" : f.space ? " " : "";
  const width = f.width ?? -1;
  const len = [...sign, ...body].length;
  if (width <= len) return sign + body;
  if (f.minus) return sign + body + " ".repeat(width - len);
  if (f.zero) return sign + "0".repeat(width - len) + body;
  return " ".repeat(width - len) + sign + body;
}

/** Go's %b %d %o %x %X of a big.Int (precision = minimum digits). */
export function goInteger(n: bigint, verb: string, prec: number, f: GoFlags): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const base = verb === "b" ? 2 : verb === "o" ? 8 : verb === "x" || verb === "X" ? 16 : 10;
  let body = abs.toString(base);
  if (verb === "X") body = body.toUpperCase();
  if (prec >= 0) {
    if (prec === 0 && abs === 0n) body = "";
    body = body.padStart(prec, "0");
  }
  if (f.sharp) {
    if (verb === "x") body = `0x${body}`;
    else if (verb === "X") body = `0X${body}`;
    else if (verb === "o" && !body.startsWith("0")) body = `0${body}`;
    else if (verb === "b") body = `0b${body}`;
  }
  // Go ignores the 0 flag when a precision is given for integers.
  return padNumber(neg, body, prec >= 0 ? { ...f, zero: false } : f);
}

/** Go's encoding/json string quoting (HTML-safe escapes included, as cty's JSON marshalling uses). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}
