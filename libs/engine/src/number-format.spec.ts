// Integer parsing with Redis's rules (floats: long-double.spec.ts).
import { addInt64, parseInt64 } from './number-format';

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
});
