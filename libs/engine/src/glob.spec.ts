// Glob matching: Redis's stringmatchlen cases.
import { globMatch } from './glob';

describe('globMatch', () => {
  test.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'hllo', true],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hello', false],
    ['h[^e]llo', 'hallo', true],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['a*', 'a', true],
    ['**', '', false],
    ['user:[0-9]*', 'user:42', true],
    ['[abc', 'a', true],
    ['\u00ff*', '\u00ff\u0000x', true],
  ])('%j matches %j: %s', (pattern, str, expected) => {
    expect(globMatch(pattern, str)).toBe(expected);
  });

  test('pathological patterns stay fast', () => {
    const start = Date.now();
    expect(globMatch('a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
    expect(Date.now() - start).toBeLessThan(500);
  });

  test('nocase', () => {
    expect(globMatch('HeLLo', 'hello', true)).toBe(true);
    expect(globMatch('[A-C]x', 'bx', true)).toBe(true);
  });
});
