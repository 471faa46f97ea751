// Glob matching of the keyspace feed, checked against Redis's documented KEYS examples.

import { bytesFromText } from '@mnemo/engine';
import { compileGlob, compileGlobs } from './glob';

const matches = (pattern: string, key: string): boolean => compileGlob(bytesFromText(pattern))(bytesFromText(key));

describe('compileGlob', () => {
  it('follows the KEYS examples: h?llo, h*llo, h[ae]llo, h[^e]llo, h[a-b]llo', () => {
    expect(['hello', 'hallo', 'hxllo'].every((key) => matches('h?llo', key))).toBe(true);
    expect(['hllo', 'heeeello'].every((key) => matches('h*llo', key))).toBe(true);
    expect(matches('h[ae]llo', 'hello') && matches('h[ae]llo', 'hallo') && !matches('h[ae]llo', 'hillo')).toBe(true);
    expect(matches('h[^e]llo', 'hallo') && !matches('h[^e]llo', 'hello')).toBe(true);
    expect(matches('h[a-b]llo', 'hbllo') && !matches('h[a-b]llo', 'hcllo')).toBe(true);
  });

  it('anchors both ends and treats regexp characters literally', () => {
    expect(matches('session:*', 'session:42')).toBe(true);
    expect(matches('session:*', 'xsession:42')).toBe(false);
    expect(matches('a.b', 'a.b')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('(x)+', '(x)+')).toBe(true);
  });

  it('honours escapes, unclosed classes and reversed ranges', () => {
    expect(matches('a\\*b', 'a*b')).toBe(true);
    expect(matches('a\\*b', 'axxb')).toBe(false);
    // An unclosed class is a class to the end, as in redis-server 7.0.15 (`KEYS [abc` -> a, b).
    expect(matches('[abc', 'a')).toBe(true);
    expect(matches('[abc', '[abc')).toBe(false);
    expect(matches('[z-a]', 'm')).toBe(true);
  });

  it('stays linear on patterns that make a backtracking RegExp exponential', () => {
    const started = performance.now();
    expect(matches('*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(40))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000); // a RegExp took seconds at 8 stars, hours at 12
  });

  it('matches bytes, so ? is one byte of a multi-byte character', () => {
    expect(matches('caf??', 'café')).toBe(true);
    expect(matches('caf?', 'café')).toBe(false);
    expect(matches('*', '\u0000\n')).toBe(true);
    expect(matches('?', '\n')).toBe(true);
  });

  it('compileGlobs matches if any pattern does', () => {
    const matcher = compileGlobs(['a:*', 'b:?'].map(bytesFromText));
    expect(matcher('a:long')).toBe(true);
    expect(matcher('b:1')).toBe(true);
    expect(matcher('b:12')).toBe(false);
  });

  it('compiles any byte string without throwing (random patterns of special characters)', () => {
    const alphabet = ['*', '?', '[', ']', '^', '-', '\\', 'a', 'z', '.', '(', ')', '{', '}', '|', '$', '+', '/', '\u00ff', '\n'];
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2000; i++) {
      let pattern = '';
      const length = Math.floor(random() * 10);
      for (let j = 0; j < length; j++) pattern += alphabet[Math.floor(random() * alphabet.length)];
      const matcher = compileGlob(pattern);
      expect(typeof matcher('a-z')).toBe('boolean');
    }
  });
});
