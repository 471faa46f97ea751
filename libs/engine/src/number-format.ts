// Integer parsing and formatting with Redis's rules (string2ll); floats are in long-double.ts.

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

/** Integer reply text: what Redis stores after INCR (a number or bigint printed in decimal). */
export function formatInt(value: Int64): string {
  return typeof value === 'number' ? String(value) : value.toString();
}
