// Redis-style glob patterns (KEYS / SCAN MATCH / PSUBSCRIBE syntax) as matchers over byte
// strings, for the live keyspace feed, PSUBSCRIBE, CONFIG GET and COMMAND LIST FILTERBY.
//
// Design note. They run the engine's port of Redis's stringmatchlen (globMatch), which stops
// trying longer matches once a star failed and gives up past 1000 nested stars. They used to
// compile to a RegExp, whose backtracking is exponential: `PSUBSCRIBE *a*a*a*a*a*a*a*a*b` and
// one PUBLISH to a channel of 40 `a`s stalled every client for 4.5 s.
//
//   "session:*"   matches "session:42", not "sess:1"
//   "user:[0-9]?" matches "user:7a" (`?` is one byte of the latin1 byte string, as in Redis)
//   "a\*b"        matches only the three bytes "a*b"
//   "[abc"        an unclosed class matches as Redis does

import { globMatch } from '@mnemo/engine';
import type { Bytes } from '@mnemo/engine';

export type KeyMatcher = (key: Bytes) => boolean;

const MATCH_ALL: KeyMatcher = () => true;

/** A matcher for a glob given as a byte string (bytesFromText(pattern) for text from a client). */
export function compileGlob(pattern: Bytes): KeyMatcher {
  if (pattern === '*') return MATCH_ALL;
  return (key) => globMatch(pattern, key);
}

/** One matcher for several patterns: true if any matches. */
export function compileGlobs(patterns: readonly Bytes[]): KeyMatcher {
  if (patterns.includes('*')) return MATCH_ALL;
  const matchers = patterns.map(compileGlob);
  if (matchers.length === 1) return matchers[0];
  return (key) => matchers.some((matcher) => matcher(key));
}
