// Glob-style pattern matching, a port of Redis's stringmatchlen (KEYS, SCAN/HSCAN MATCH).
//
// Supports `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` and `\x` escapes on byte strings. As in Redis, a
// run of stars collapses, and once a `*` failed to match a suffix no longer suffix is tried
// (skipLongerMatches), which keeps patterns like "a*a*a*a*b" from going exponential; nesting
// deeper than 1000 stars simply does not match.

interface MatchState {
  skipLonger: boolean;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchImpl(pat: string, p: number, str: string, s: number, nocase: boolean, st: MatchState, nesting: number): boolean {
  const plen = pat.length;
  const slen = str.length;
  if (nesting > 1000) return false;
  while (p < plen && s < slen) {
    const pc = pat.charCodeAt(p);
    if (pc === 42 /* * */) {
      while (p + 1 < plen && pat.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === plen) return true;
      while (s < slen) {
        if (matchImpl(pat, p + 1, str, s, nocase, st, nesting + 1)) return true;
        if (st.skipLonger) return false;
        s++;
      }
      st.skipLonger = true;
      return false;
    } else if (pc === 63 /* ? */) {
      s++;
    } else if (pc === 91 /* [ */) {
      p++;
      const not = p < plen && pat.charCodeAt(p) === 94; /* ^ */
      if (not) p++;
      let match = false;
      const sc = str.charCodeAt(s);
      for (;;) {
        if (p < plen && pat.charCodeAt(p) === 92 /* \ */ && plen - p >= 2) {
          p++;
          if (pat.charCodeAt(p) === sc) match = true;
        } else if (p < plen && pat.charCodeAt(p) === 93 /* ] */) {
          break;
        } else if (p >= plen) {
          p--;
          break;
        } else if (plen - p >= 3 && pat.charCodeAt(p + 1) === 45 /* - */) {
          let start = pat.charCodeAt(p);
          let end = pat.charCodeAt(p + 2);
          let c = sc;
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = lower(start);
            end = lower(end);
            c = lower(c);
          }
          p += 2;
          if (c >= start && c <= end) match = true;
        } else if (nocase ? lower(pat.charCodeAt(p)) === lower(sc) : pat.charCodeAt(p) === sc) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
    } else {
      if (pc === 92 /* \ */ && plen - p >= 2) p++;
      const c = pat.charCodeAt(p);
      const sc = str.charCodeAt(s);
      if (nocase ? lower(c) !== lower(sc) : c !== sc) return false;
      s++;
    }
    p++;
    if (s === slen) {
      while (p < plen && pat.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p >= plen && s === slen;
}

/** True if `str` matches the glob `pattern` (Redis semantics, byte-wise). */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  if (pattern === '*') return true;
  return matchImpl(pattern, 0, str, 0, nocase, { skipLonger: false }, 0);
}
