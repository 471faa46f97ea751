// INCRBYFLOAT and HINCRBYFLOAT arithmetic as Redis does it on x86-64: 80-bit x87 long doubles
// (64-bit mantissa), parsed by glibc's strtold, printed by printf("%.17Lf").
//
// Design note. A JS double has a 53-bit mantissa, so computing in doubles gives other digits than
// Redis as soon as a result needs more than ~16 significant digits, and refuses inputs Redis takes
// (1e400, hex floats): measured against redis-server 7.0 by the differential test, e.g.
//   SET k -9223372036854775808; INCRBYFLOAT k 0.5   Redis "-9223372036854775807.5", doubles "-9223372036854776000"
//   INCRBYFLOAT k 1e400                             Redis stores the 401-digit value, doubles refused it
// So a value here is exact: sign, integer mantissa (BigInt, < 2^64) and binary exponent. Parsing
// and addition round to nearest, ties to even, at 64 bits, within the long double's range
// (normal exponents up to 2^16383, subnormals down to 2^-16445), as the FPU and glibc do; printing
// is exact, as glibc's is. These commands are not on a hot path, so BigInt's cost does not matter.
//
//   parse("0.1")         -> 14757395258967641293 * 2^-67  (0.1000000000000000000013552527...)
//   add(that, parse("0.2")) then format -> "0.3"  ("%.17Lf" gives 0.30000000000000000, zeros trimmed)

/** A finite long double: (-1)^negative * mantissa * 2^exponent, mantissa < 2^64. */
export interface LongDouble {
  readonly negative: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

/** What strtold gives for "inf" / "infinity": accepted by Redis as a value, never as a result. */
export type ParsedLongDouble = LongDouble | 'inf' | '-inf';

/** Bits of the mantissa (the x87 format stores its integer bit explicitly). */
const MANTISSA_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal: 2^-16445. */
const MIN_QUANTUM_EXPONENT = -16445;
/** Largest exponent of a mantissa's top bit: values from 2^16384 on are infinite. */
const MAX_TOP_EXPONENT = 16383;
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses strings of this length or more. */
const MAX_CHARS = 5 * 1024;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** An exponent written in the input, clamped far beyond any that can give a finite non-zero value. */
function clampedExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  return Math.max(-1e7, Math.min(1e7, n));
}

/**
 * The long double nearest to (-1)^negative * n * 2^exponent (n >= 0), ties to even; `inexactBelow`
 * says that the exact value is a little above n * 2^exponent (a remainder was dropped), so a tie
 * is not one. Returns null on overflow (the result would be infinite).
 */
function round(negative: boolean, n: bigint, exponent: number, inexactBelow = false): LongDouble | null {
  if (n === 0n) return { negative, mantissa: 0n, exponent: 0 };
  const top = exponent + bitLength(n) - 1;
  const quantum = Math.max(top - (MANTISSA_BITS - 1), MIN_QUANTUM_EXPONENT);
  let mantissa = n;
  let exp = exponent;
  if (exponent < quantum) {
    const shift = BigInt(quantum - exponent);
    mantissa = n >> shift;
    const rest = n - (mantissa << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (inexactBelow || (mantissa & 1n) === 1n))) mantissa += 1n;
    exp = quantum;
    if (mantissa === 1n << BigInt(MANTISSA_BITS)) {
      mantissa >>= 1n;
      exp += 1;
    }
  }
  if (mantissa !== 0n && exp + bitLength(mantissa) - 1 > MAX_TOP_EXPONENT) return null;
  return { negative, mantissa, exponent: exp };
}

/** digits * 10^power10 as a long double; null when it overflows or a non-zero value rounds to 0. */
function fromDecimal(negative: boolean, digits: bigint, power10: number, digitCount: number): LongDouble | null {
  if (digits === 0n) return { negative, mantissa: 0n, exponent: 0 };
  // The value lies in [10^(digitCount+power10-1), 10^(digitCount+power10)): far outside the range
  // (max ~1.19e4932, min subnormal ~3.6e-4951) there is nothing to compute.
  const magnitude = digitCount + power10;
  if (magnitude > 4934) return null;
  if (magnitude < -4952) return null;
  let result: LongDouble | null;
  if (power10 >= 0) {
    result = round(negative, digits * 10n ** BigInt(power10), 0);
  } else {
    const denominator = 10n ** BigInt(-power10);
    // Enough quotient bits for the 64-bit mantissa, a rounding bit and some to spare.
    const shift = Math.max(0, MANTISSA_BITS + 3 - (bitLength(digits) - bitLength(denominator)));
    const scaled = digits << BigInt(shift);
    const quotient = scaled / denominator;
    result = round(negative, quotient, -shift, quotient * denominator !== scaled);
  }
  return result !== null && result.mantissa === 0n ? null : result;
}

/**
 * Redis's string2ld: strtold's syntax (decimal with optional exponent, hex floats such as 0x1.8p3,
 * inf / infinity in any case), the whole string and nothing else, no leading space, at most 5119
 * chars; NaN, overflow and a non-zero value that underflows to 0 are refused. Returns null when
 * Redis would refuse the string.
 */
export function parseLongDoubleExact(s: string): ParsedLongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const decimal = DECIMAL.exec(s);
  if (decimal !== null) {
    const [, sign, whole, fraction = ''] = decimal;
    if (whole.length + fraction.length === 0) return null;
    const digitText = (whole + fraction).replace(/^0+/, '');
    const digits = digitText === '' ? 0n : BigInt(digitText);
    return fromDecimal(sign === '-', digits, clampedExponent(decimal[4]) - fraction.length, digitText.length);
  }
  const hex = HEX.exec(s);
  if (hex !== null) {
    const [, sign, whole, fraction = ''] = hex;
    if (whole.length + fraction.length === 0) return null;
    const digits = BigInt('0x' + (whole + fraction || '0'));
    const exponent = clampedExponent(hex[4]) - 4 * fraction.length;
    if (digits === 0n) return { negative: sign === '-', mantissa: 0n, exponent: 0 };
    if (exponent + bitLength(digits) > MAX_TOP_EXPONENT + 1) return null;
    if (exponent + bitLength(digits) < MIN_QUANTUM_EXPONENT - 1) return null;
    const result = round(sign === '-', digits, exponent);
    return result !== null && result.mantissa === 0n ? null : result;
  }
  const infinity = INFINITY.exec(s);
  if (infinity !== null) return infinity[1] === '-' ? '-inf' : 'inf';
  return null;
}

/** 0, what a missing key or field counts as. */
export const LONG_DOUBLE_ZERO: LongDouble = { negative: false, mantissa: 0n, exponent: 0 };

/** a + b rounded as the FPU does; null when the sum is infinite or NaN (an infinite operand, or overflow). */
export function addLongDouble(a: ParsedLongDouble, b: ParsedLongDouble): LongDouble | null {
  if (typeof a === 'string' || typeof b === 'string') return null;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = (a.negative ? -a.mantissa : a.mantissa) << BigInt(a.exponent - exponent);
  const y = (b.negative ? -b.mantissa : b.mantissa) << BigInt(b.exponent - exponent);
  const sum = x + y;
  // An exact zero sum is +0 in round-to-nearest, unless both operands were -0.
  if (sum === 0n) return { negative: a.negative && b.negative && a.mantissa === 0n && b.mantissa === 0n, mantissa: 0n, exponent: 0 };
  return round(sum < 0n, sum < 0n ? -sum : sum, exponent);
}

const FRACTION_DIGITS = 17;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);

/**
 * Redis's ld2string(..., LD_STR_HUMAN): printf("%.17Lf") (exact digits, the 17th rounded to
 * nearest, ties to even), then trailing zeros and a bare '.' removed, and "-0" printed as "0".
 */
export function formatLongDoubleExact(x: LongDouble): string {
  let scaled: bigint;
  if (x.exponent >= 0) {
    scaled = (x.mantissa << BigInt(x.exponent)) * FRACTION_SCALE;
  } else {
    const shift = BigInt(-x.exponent);
    const product = x.mantissa * FRACTION_SCALE;
    scaled = product >> shift;
    const rest = product - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const whole = (scaled / FRACTION_SCALE).toString();
  const fraction = (scaled % FRACTION_SCALE).toString().padStart(FRACTION_DIGITS, '0').replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return x.negative && text !== '0' ? `-${text}` : text;
}
