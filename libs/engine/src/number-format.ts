// Number parsing and formatting with Redis's rules (string2ll, string2ld, ld2string LD_STR_HUMAN).

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** A 64-bit integer: a number when it is a safe integer, a bigint only outside that range. */
export type Int64 = number | bigint;

/** bigint -> number when safe, so replies stay numbers in the common case. */
export function normalizeInt(value: bigint): Int64 {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

/**
 * Redis's string2ll: the exact canonical form of a signed 64-bit integer ("0", "-12", no "+",
 * no leading zeros, no spaces, at most 20 chars). Returns null for anything else or out of range.
 * Strings of up to 15 digits are parsed without BigInt (the hot path of INCR).
 */
export function parseInt64(s: string): Int64 | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  let negative = false;
  let c = s.charCodeAt(0);
  if (len === 1 && c === 48) return 0;
  if (c === 45) {
    if (len === 1) return null;
    negative = true;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c < 49 || c > 57) return null;
  if (len - i <= 15) {
    let v = 0;
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      v = v * 10 + (c - 48);
    }
    return negative ? -v : v;
  }
  for (let j = i; j < len; j++) {
    c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return normalizeInt(big);
}

/** a + b in signed 64-bit arithmetic; null when the result would overflow (Redis's check). */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return normalizeInt(r);
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_RE = /^([+-]?)inf(?:inity)?$/i;

/**
 * Redis's string2ld (long double parsing): decimal notation with optional exponent, or inf /
 * infinity. No spaces, no empty string, no NaN; overflow and underflow to zero are rejected
 * (strtold's ERANGE). Returns null when invalid. Hex floats are not accepted (Redis's strtold
 * would take them; nobody sends them).
 */
export function parseLongDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5119) return null;
  if (!FLOAT_RE.test(s)) {
    const inf = INF_RE.exec(s);
    if (inf === null) return null;
    return inf[1] === '-' ? -Infinity : Infinity;
  }
  const v = Number(s);
  if (!Number.isFinite(v)) return null;
  if (v === 0 && /[1-9]/.test(s.split(/[eE]/)[0])) return null;
  return v;
}

/**
 * Redis's ld2string(..., LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare '.') removed,
 * "-0" printed as "0". Redis computes in 80-bit long double; we compute in double and print the
 * shortest decimal that round-trips, so 10.5 + 0.1 prints "10.6" as in Redis, while results
 * needing more than ~16 significant digits may differ in the last digits.
 */
export function formatLongDouble(x: number): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e21) return BigInt(x).toString();
  let s = String(x);
  const dot = s.indexOf('.');
  if (s.includes('e') || (dot >= 0 && s.length - dot - 1 > 17)) {
    s = x.toFixed(17);
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46) end--;
    s = s.slice(0, end);
    if (s === '-0') s = '0';
  }
  return s;
}

/** Integer reply text: what Redis stores after INCR (a number or bigint printed in decimal). */
export function formatInt(value: Int64): string {
  return typeof value === 'number' ? String(value) : value.toString();
}
