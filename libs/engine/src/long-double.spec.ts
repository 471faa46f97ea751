// INCRBYFLOAT arithmetic: 80-bit long doubles as Redis computes them on x86-64. The long expected
// strings are what redis-server 7.0.15 replied to the same commands (differential test runs).
import { addLongDouble, formatLongDoubleExact, LONG_DOUBLE_ZERO, parseLongDoubleExact, type ParsedLongDouble } from './long-double';

function parse(text: string): ParsedLongDouble {
  const value = parseLongDoubleExact(text);
  if (value === null) throw new Error(`${text} does not parse`);
  return value;
}

/** What INCRBYFLOAT replies for a key holding `stored` incremented by `incr`; null: the NaN/Infinity error. */
function incrbyfloat(stored: string, incr: string): string | null {
  const sum = addLongDouble(parse(stored), parse(incr));
  return sum === null ? null : formatLongDoubleExact(sum);
}

describe('long double arithmetic (INCRBYFLOAT, HINCRBYFLOAT)', () => {
  test('parseLongDoubleExact - strtold syntax, whole string, Redis string2ld refusals', () => {
    for (const good of ['1.5', '-.5e1', '5.', '+5', '00012', '1E-2', '0x10', '0X1.8p1', '-0x.8', 'inf', '-Infinity', 'INF', '1e400', '0e99999', '-0']) {
      expect(parseLongDoubleExact(good)).not.toBeNull();
    }
    for (const bad of ['', ' 1', '1 ', '.', 'e5', '1e', '1e+', '0x', '0x1p', 'nan', '-nan', 'nan(1)', 'infin', 'abc', '1.2.3', '1,5', '1\x00', '1e5000', '-1e5000', '1e-5000', '0x1p20000', '9'.repeat(5120)]) {
      expect(parseLongDoubleExact(bad)).toBeNull();
    }
    expect(parseLongDoubleExact('inf')).toBe('inf');
    expect(parseLongDoubleExact('-inf')).toBe('-inf');
    // 0.1 rounded to 64 bits: 0xCCCCCCCCCCCCCCCD * 2^-67.
    expect(parseLongDoubleExact('0.1')).toEqual({ negative: false, mantissa: 0xcccccccccccccccdn, exponent: -67 });
    // The largest finite value parses; a subnormal is accepted (ERANGE with a non-zero value).
    expect(parseLongDoubleExact('1.18973149535723176502e4932')).not.toBeNull();
    expect(parseLongDoubleExact('1.18973149535723176509e4932')).toBeNull();
    expect(parseLongDoubleExact('4e-4951')).toEqual({ negative: false, mantissa: 1n, exponent: -16445 });
  });

  test('the examples of the Redis documentation', () => {
    expect(incrbyfloat('10.50', '0.1')).toBe('10.6');
    expect(incrbyfloat('-5', '-5')).toBe('-10');
    expect(incrbyfloat('5.0e3', '2.0e2')).toBe('5200');
    expect(incrbyfloat('3.0e3', '0')).toBe('3000');
  });

  test('results a double cannot hold, as Redis gives them', () => {
    expect(incrbyfloat('-9223372036854775808', '.5')).toBe('-9223372036854775807.5');
    expect(incrbyfloat('3', '9223372036854775808')).toBe('9223372036854775811');
    // 2^63 - 1 + 10.5 = ...817.5, a tie at the 64-bit mantissa: rounded to even.
    expect(incrbyfloat('9223372036854775807', '10.50')).toBe('9223372036854775818');
    expect(incrbyfloat('0.1', '0.2')).toBe('0.3');
    expect(incrbyfloat('0', '1e400')).toBe(
      '10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880',
    );
    expect(incrbyfloat('9223372036854775807', '1.7976931348623157e308')).toBe(
      '179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384',
    );
    expect(incrbyfloat('0', '0x10')).toBe('16');
    expect(incrbyfloat('+5', '16')).toBe('21');
  });

  test('printing: 17 decimals rounded half to even, trailing zeros trimmed, -0 as 0', () => {
    expect(formatLongDoubleExact(LONG_DOUBLE_ZERO)).toBe('0');
    expect(incrbyfloat('-0', '-0')).toBe('0');
    expect(incrbyfloat('-1e-20', '0')).toBe('0');
    expect(incrbyfloat('1e-17', '0')).toBe('0.00000000000000001');
    expect(incrbyfloat('1e-7', '0')).toBe('0.0000001');
    expect(incrbyfloat('-2.5', '0')).toBe('-2.5');
    expect(incrbyfloat('1', '-1')).toBe('0');
    // 2^-18 * 5 = 0.0000190734863281250: 18 decimals ending in 5 (a tie) -> even.
    expect(incrbyfloat('0.000019073486328125', '0')).toBe('0.00001907348632812');
    expect(incrbyfloat('0.000057220458984375', '0')).toBe('0.00005722045898438');
  });

  test('infinite or overflowing sums are refused (null): Redis answers with an error', () => {
    expect(incrbyfloat('inf', '1')).toBeNull();
    expect(incrbyfloat('1', '-inf')).toBeNull();
    expect(incrbyfloat('inf', '-inf')).toBeNull();
    expect(incrbyfloat('1.1e4932', '1.1e4932')).toBeNull();
    expect(incrbyfloat('1.1e4932', '-1.1e4932')).toBe('0');
  });
});
