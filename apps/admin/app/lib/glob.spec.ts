// Redis glob matching in the browser, checked against what Redis's stringmatchlen() answers
// (the KEYS replies of redis-server 7.0 for the odd classes).
import { globMatcher } from './glob';

const cases: Array<[string, string, boolean]> = [
  ['*', 'anything', true],
  ['*', '', true],
  ['session:*', 'session:42', true],
  ['session:*', 'user:1', false],
  ['h?llo', 'hello', true],
  ['h?llo', 'heello', false],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'axb', false],
  ['rate.limit:*', 'ratexlimit:1', false],
  ['k[', 'k[', false], // an unclosed class with nothing in it matches nothing
  ['k[a', 'ka', true], // an unclosed class ends with the pattern
  ['k[z-a]', 'kb', true], // a reversed range is swapped (a RegExp threw "Range out of order")
  ['k[z-a]', 'k-', false],
  ['k[\\]]', 'k]', true],
  ['k[-]', 'k-', true],
  ['k[a-]', 'k]', true], // the range a..] swapped: ] through a
  ['k[^a]', 'k[', true],
  ['k\\', 'k\\', true],
  ['caf?', 'café', false], // ? is one byte of the UTF-8 key, as on the server
  ['caf??', 'café', true],
  ['**', '', false],
  ['a*', 'a', true],
];

describe('globMatcher', () => {
  it.each(cases)('%s vs %s → %s', (pattern, key, expected) => {
    expect(globMatcher(pattern)(key)).toBe(expected);
  });

  it('stays linear where a RegExp backtracks exponentially', () => {
    const started = Date.now();
    expect(globMatcher('*a*a*a*a*a*a*a*a*a*a*b')('a'.repeat(5000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
