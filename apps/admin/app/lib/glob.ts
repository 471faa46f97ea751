// Redis glob patterns (as in KEYS/SCAN MATCH) matched in the browser, to decide whether a live
// keyspace change belongs in the table the operator is looking at.
//
// Design note. The server matches with the engine's port of Redis's stringmatchlen, over the
// UTF-8 bytes of keys; the dashboard must agree with it on every pattern the server accepts, so
// this is the same algorithm (not a RegExp: `[z-a]` is a SyntaxError there, and a RegExp's
// backtracking on `*a*a*a*a*b` is exponential), compiled once into tokens:
//   "user:[0-9]?"  ->  'u' 's' 'e' 'r' ':' class{0-9} any
//   "k[z-a]"       ->  'k' class{a-z}        (a reversed range is swapped, as Redis does)
//   "k[a"          ->  'k' class{a}          (an unclosed class ends with the pattern)
//   "k["           ->  'k' class{}           (matches nothing)
// A star that fails to match a suffix stops longer tries (skipLongerMatches), and more than 1000
// nested stars do not match, as in Redis.

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; code: number } | { kind: 'class'; negated: boolean; ranges: number[] };

const MAX_NESTING = 1000;

const encoder = new TextEncoder();

/** A key's UTF-8 bytes as a string of char codes 0-255 (what the server matches). */
function utf8Bytes(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) out += String.fromCharCode(byte);
  return out;
}

/** Parses the class whose `[` is at `open`; returns it and the index after it. */
function parseClass(pat: string, open: number): { token: Token; next: number } {
  let p = open + 1;
  const negated = pat[p] === '^';
  if (negated) p++;
  const ranges: number[] = []; // pairs: low, high
  for (;;) {
    if (pat[p] === '\\' && pat.length - p >= 2) {
      p++;
      ranges.push(pat.charCodeAt(p), pat.charCodeAt(p));
    } else if (pat[p] === ']') {
      break;
    } else if (p >= pat.length) {
      break; // unclosed: the class ends with the pattern
    } else if (pat.length - p >= 3 && pat[p + 1] === '-') {
      const a = pat.charCodeAt(p);
      const b = pat.charCodeAt(p + 2);
      ranges.push(Math.min(a, b), Math.max(a, b));
      p += 2;
    } else {
      ranges.push(pat.charCodeAt(p), pat.charCodeAt(p));
    }
    p++;
  }
  return { token: { kind: 'class', negated, ranges }, next: p + 1 };
}

function compile(pattern: string): Token[] {
  const pat = utf8Bytes(pattern);
  const tokens: Token[] = [];
  for (let p = 0; p < pat.length; ) {
    const c = pat[p];
    if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      p++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      p++;
    } else if (c === '[') {
      const { token, next } = parseClass(pat, p);
      tokens.push(token);
      p = next;
    } else {
      if (c === '\\' && pat.length - p >= 2) p++;
      tokens.push({ kind: 'char', code: pat.charCodeAt(p) });
      p++;
    }
  }
  return tokens;
}

function matchesOne(token: Token, code: number): boolean {
  if (token.kind === 'any') return true;
  if (token.kind === 'char') return token.code === code;
  if (token.kind !== 'class') return false;
  let inside = false;
  for (let i = 0; i < token.ranges.length && !inside; i += 2) inside = code >= token.ranges[i] && code <= token.ranges[i + 1];
  return inside !== token.negated;
}

function matchFrom(tokens: Token[], t: number, str: string, s: number, state: { skipLonger: boolean }, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  while (t < tokens.length && s < str.length) {
    const token = tokens[t];
    if (token.kind === 'star') {
      if (t + 1 === tokens.length) return true;
      for (; s < str.length; s++) {
        if (matchFrom(tokens, t + 1, str, s, state, nesting + 1)) return true;
        if (state.skipLonger) return false;
      }
      state.skipLonger = true;
      return false;
    }
    if (!matchesOne(token, str.charCodeAt(s))) return false;
    s++;
    t++;
    if (s === str.length) {
      while (t < tokens.length && tokens[t].kind === 'star') t++;
      break;
    }
  }
  return t >= tokens.length && s === str.length;
}

/** A matcher for a Redis glob, e.g. globMatcher("session:*")("session:42") is true. */
export function globMatcher(pattern: string): (key: string) => boolean {
  if (pattern === '*') return () => true;
  const tokens = compile(pattern);
  return (key) => matchFrom(tokens, 0, utf8Bytes(key), 0, { skipLonger: false }, 0);
}
