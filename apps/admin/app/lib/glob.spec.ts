// Redis glob matching in the browser, checked against what Redis's stringmatchlen() answers.
import { globToRegExp } from './glob';

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
  ['k[', 'k[', true],
];

describe('globToRegExp', () => {
  it.each(cases)('%s vs %s → %s', (pattern, key, expected) => {
    expect(globToRegExp(pattern).test(key)).toBe(expected);
  });
});
