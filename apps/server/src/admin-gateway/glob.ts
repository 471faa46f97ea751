// Redis-style glob patterns (KEYS / SCAN MATCH / PSUBSCRIBE syntax) compiled to a matcher over
// byte strings, for filtering the live keyspace feed.
//
// Design note. Redis matches bytes: `*` any run, `?` one byte, `[abc]` / `[^a-c]` a class,
// `\x` a literal x. We turn the pattern into an anchored RegExp over the latin1 "byte string"
// form of keys (see @mnemo/engine bytes.ts), so `?` is one byte, as in Redis:
//
//   "session:*"   -> /^session:[\s\S]*$/       matches "session:42", not "sess:1"
//   "user:[0-9]?" -> /^user:[0-9][\s\S]$/      matches "user:7a"
//   "a\*b"        -> /^a\*b$/                  matches only the three bytes "a*b"
//   "[abc"        -> /^\[abc$/                 an unclosed class is a literal "[" (Redis too)
// "*" alone compiles to a matcher that never runs a RegExp.

import type { Bytes } from '@mnemo/engine';

export type KeyMatcher = (key: Bytes) => boolean;

const MATCH_ALL: KeyMatcher = () => true;

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

/** Compiles the class starting at pattern[start] === '['; returns null if it is not closed. */
function compileClass(pattern: Bytes, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let source = '[';
  if (pattern[i] === '^') {
    source += '^';
    i++;
  }
  let members = 0;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[i + 1]);
      i += 2;
    } else if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      // Redis accepts reversed ranges ([z-a]); a RegExp does not, so order the ends.
      const [low, high] = [pattern[i], pattern[i + 2]].sort();
      source += `${escapeRegExp(low)}-${escapeRegExp(high)}`;
      i += 3;
    } else {
      source += escapeRegExp(pattern[i]);
      i++;
    }
    members++;
  }
  if (i >= pattern.length) return null;
  // "[]" and "[^]" match nothing / any byte in Redis; express them without an empty class.
  if (members === 0) source = source.endsWith('^') ? '[\\s\\S' : '[^\\s\\S';
  return { source: `${source}]`, end: i + 1 };
}

/**
 * Compiles a glob given as a byte string (bytesFromText(pattern) for text from a client).
 * Never throws: every byte string is a valid pattern.
 */
export function compileGlob(pattern: Bytes): KeyMatcher {
  if (pattern === '*') return MATCH_ALL;
  let source = '^';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i];
    if (char === '*') {
      while (pattern[i] === '*') i++;
      source += '[\\s\\S]*';
      continue;
    }
    if (char === '?') {
      source += '[\\s\\S]';
    } else if (char === '\\' && i + 1 < pattern.length) {
      i++;
      source += escapeRegExp(pattern[i]);
    } else if (char === '[') {
      const compiled = compileClass(pattern, i);
      if (compiled) {
        source += compiled.source;
        i = compiled.end;
        continue;
      }
      source += '\\[';
    } else {
      source += escapeRegExp(char);
    }
    i++;
  }
  const regExp = new RegExp(`${source}$`);
  return (key) => regExp.test(key);
}

/** One matcher for several patterns: true if any matches. */
export function compileGlobs(patterns: readonly Bytes[]): KeyMatcher {
  if (patterns.includes('*')) return MATCH_ALL;
  const matchers = patterns.map(compileGlob);
  if (matchers.length === 1) return matchers[0];
  return (key) => matchers.some((matcher) => matcher(key));
}
