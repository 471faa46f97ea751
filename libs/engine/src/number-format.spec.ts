// Number parsing and formatting with Redis's rules.
import { addInt64, formatLongDouble, parseInt64, parseLongDouble } from './number-format';

describe('number-format', () => {
  test('parseInt64 - canonical 64-bit integers only', () => {
    expect(parseInt64('0')).toBe(0);
    expect(parseInt64('-12')).toBe(-12);
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseInt64('9007199254740991')).toBe(9007199254740991);
    for (const bad of ['', '-', '+1', '01', '-0', ' 1', '1 ', '1.0', '9223372036854775808', '1e3', 'abc']) expect(parseInt64(bad)).toBeNull();
  });

  test('addInt64 - exact at the edges, null on overflow', () => {
    expect(addInt64(9007199254740991, 1)).toBe(9007199254740992n);
    expect(addInt64(9223372036854775806n, 1)).toBe(9223372036854775807n);
    expect(addInt64(9223372036854775807n, 1)).toBeNull();
    expect(addInt64(-9223372036854775808n, -1)).toBeNull();
    expect(addInt64(9007199254740992n, -1)).toBe(9007199254740991);
  });

  test('parseLongDouble - Redis string2ld rules', () => {
    expect(parseLongDouble('1.5')).toBe(1.5);
    expect(parseLongDouble('-.5e1')).toBe(-5);
    expect(parseLongDouble('inf')).toBe(Infinity);
    expect(parseLongDouble('-Infinity')).toBe(-Infinity);
    for (const bad of ['', ' 1', '1 ', 'nan', '1e400', '1e-400', '0x10', 'abc', '1.2.3']) expect(parseLongDouble(bad)).toBeNull();
  });

  test('formatLongDouble - %.17Lf without trailing zeros', () => {
    expect(formatLongDouble(10.6)).toBe('10.6');
    expect(formatLongDouble(5200)).toBe('5200');
    expect(formatLongDouble(-0)).toBe('0');
    expect(formatLongDouble(1e-7)).toBe('0.0000001');
    expect(formatLongDouble(1e-18)).toBe('0');
    expect(formatLongDouble(-2.5)).toBe('-2.5');
    expect(formatLongDouble(1e21)).toBe('1000000000000000000000');
  });
});
