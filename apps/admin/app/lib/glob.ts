// Redis glob patterns (as in KEYS/SCAN MATCH) matched in the browser, to decide whether a live
// keyspace change belongs in the table the operator is looking at.

/**
 * Compiles a Redis glob to an anchored RegExp: `*` any run, `?` one character, `[abc]`/`[a-z]`/
 * `[^a]` classes, `\x` a literal x. Example: "session:*" matches "session:42", not "user:1".
 * An unterminated `[` is taken literally, like Redis.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
