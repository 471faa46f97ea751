// Splitting an inline command line (telnet, `redis-cli` piped text) into arguments, as Redis's
// sdssplitargs does.

/**
 * Splits `line` (a latin1 byte string) into arguments; returns null on unbalanced quotes.
 *
 * Rules, copied from Redis so that the same line means the same command here:
 *   set k "a b"        -> ['set', 'k', 'a b']          double quotes: \n \r \t \b \a \\ \" \xHH
 *   set k 'it\'s'      -> ['set', 'k', "it's"]          single quotes: only \' is an escape
 *   set k "a"b         -> null                          a closing quote must end the argument
 *   set k "abc         -> null                          unterminated quotes
 *   a"b c"d            -> null  ('"' opens a quote mid-word; the closing one is followed by 'd')
 * A NUL byte ends the line, as in C.
 */
export function splitInlineArgs(line: string): string[] | null {
  const args: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n || line.charCodeAt(p) === 0) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = p < n ? line.charCodeAt(p) : 0;
      if (inDouble) {
        const next = p + 1 < n ? line.charCodeAt(p + 1) : 0;
        if (c === 0x5c && next === 0x78 && p + 3 < n && isHex(line.charCodeAt(p + 2)) && isHex(line.charCodeAt(p + 3))) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === 0x5c && next !== 0) {
          p++;
          current += unescape(next);
        } else if (c === 0x22) {
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          current += line[p];
        }
      } else if (inSingle) {
        const next = p + 1 < n ? line.charCodeAt(p + 1) : 0;
        if (c === 0x5c && next === 0x27) {
          p++;
          current += "'";
        } else if (c === 0x27) {
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          current += line[p];
        }
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        done = true;
      } else if (c === 0x22) {
        inDouble = true;
      } else if (c === 0x27) {
        inSingle = true;
      } else {
        current += line[p];
      }
      if (p < n && c !== 0) p++;
    }
    args.push(current);
  }
}

function unescape(c: number): string {
  switch (c) {
    case 0x6e:
      return '\n';
    case 0x72:
      return '\r';
    case 0x74:
      return '\t';
    case 0x62:
      return '\b';
    case 0x61:
      return '\x07';
    default:
      return String.fromCharCode(c);
  }
}

/** C isspace: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
