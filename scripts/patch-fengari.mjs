// Patches fengari 0.1.5 (Lua 5.3 in JavaScript, the VM behind EVAL) in node_modules; run by
// `npm install`'s postinstall, again and again without harm.
//
// Design note: why patch, and what. A script is untrusted input: it must not be able to take the
// server down or hang it. Lua's count hook (lua-scripts.ts) stops scripts that run too long or
// grow the heap too much, but it only runs between Lua instructions, and fengari had three holes
// a single instruction or library call could go through:
//   1. String keys were hashed to "|" + each byte in unpadded hex, built by concatenation: about
//      56 bytes of heap per byte, so one 30 MB literal or table key ran the process out of heap;
//      and not one-to-one, so "\1#" and "\18\3" were the same table key, and string comparison
//      (which uses the hash) ordered strings wrongly. Now "|" + the bytes as Latin-1: one char
//      per byte, one-to-one, and ordered as the bytes are.
//   2. No size limit on strings: a loop of `s = s .. s` passes 1 GB before the next hook. Now a
//      string or buffer over 512 MB (Redis's proto-max-bulk-len) is a Lua error, with C Lua's
//      texts, and every big string reports its size to the host's guard.
//   3. Work inside one library call (pattern matching that backtracks, table.move/insert/concat
//      over a huge range, plain string.find, string.rep of a short string) ran to its end
//      unchecked. Now pattern steps and the table reads and writes of the C API report to the
//      same guard, the plain search is linear, and string.rep copies by doubling. Later, more of
//      the same kind: scans inside patterns (%b, a long literal or class, a replacement string
//      full of captures) report the bytes they look at; string comparison is native and reports
//      long strings; a long needle is searched with Knuth-Morris-Pratt (Node's Buffer.indexOf is
//      quadratic on crafted needles).
//   4. Whole-string decoding: tonumber, arithmetic and string.format('%.1s') turned a string into
//      a JS string and ran a regex over it, which on a 100 MB string ran a minute and then out of
//      heap. Numerals are now at most 200 bytes (C Lua's L_MAXLENNUM) and %s works on bytes.
//   5. Two argument checks that threw JS errors (string.char(256), %s of a non-UTF-8 string):
//      now the Lua errors C Lua raises.
//   6. Steps that are cheap in C Lua and were not in fengari's hands: the parser's quadratic
//      loops (a long chain of `or`, thousands of labels and gotos) report to the guard, which
//      the host arms while compiling, and so does the lookup of a name through many levels of
//      many locals; so do `{...}` and `...` over many values, any call that takes or returns
//      many values, each conversion of string.format, `#t` on a table built to defeat its
//      search, next() from a deleted key (which now skips the dead keys once, not at every
//      call), a pack format of millions of options, and every output buffer built a byte at a
//      time (%q, which now copies plain runs at once).
// The guard is l_G.mnemo_guard: the host installs it, and it answers the error to raise when the
// script is over its limits. Each patch names the exact text it replaces: a new fengari version fails
// here loudly instead of running unpatched, and lua-scripts.ts refuses to start without it (or
// with an install patched by another version of this file: MNEMO_PATCH_VERSION).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** FENGARI_SRC: another copy to patch (the tests patch a pristine one). */
const source = process.env.FENGARI_SRC ?? path.join(root, 'node_modules', 'fengari', 'src');
/** V8's longest string less one: luaS_hash makes a string key "|" + its bytes (Redis allows 512 MB). */
const MAX_STRING = 0x1fffffe8 - 1;
/** Which patches an install has: bump it with any change below, and lua-scripts.ts's FENGARI_PATCH_VERSION with it. */
const PATCH_VERSION = 12;

const WORK = `
/* Mnemo patch (scripts/patch-fengari.mjs): library work the count hook cannot see reports here */
const luaS_work = function(L, units) {
    const g = L.l_G;
    if (g.mnemo_guard !== undefined && (g.mnemo_work += units) >= 65536) {
        g.mnemo_work = 0;
        const error = g.mnemo_guard(L);  /* a message when the script must stop */
        if (error) {  /* raised as the count hook raises it: the message alone */
            require('./lobject.js').pushsvalue2s(L, luaS_new(L, to_luastring(error)));
            require('./ldebug.js').luaG_errormsg(L);
        }
    }
};
const MNEMO_MAX_STRING = ${MAX_STRING};
`;

/** string.format's C number formatting, kept as a file of its own (it is code, not a small edit). */
const C_FORMAT = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fengari-c-format.js'), 'utf8');

const NOT_FINITE = `/* Mnemo patch: C's "%.14g" names what is not finite nan, -nan, inf and -inf (JS: NaN, Infinity) */
const mnemo_nan_bits = new Float64Array(1);
const mnemo_not_finite = function(n) {
    if (n === Infinity) return "inf";
    if (n === -Infinity) return "-inf";
    mnemo_nan_bits[0] = n;
    return (new Uint8Array(mnemo_nan_bits.buffer)[7] & 0x80) ? "-nan" : "nan";
};
`;

const patches = {
  'lstring.js': [
    {
      from: `const luaS_hash = function(str) {
    lua_assert(is_luastring(str));
    let len = str.length;
    let s = "|";
    for (let i=0; i<len; i++)
        s += str[i].toString(16);
    return s;
};`,
      to: `const luaS_hash = function(str) {
    lua_assert(is_luastring(str));
    /* Mnemo patch: one char per byte (Latin-1), so one-to-one and ordered as the bytes */
    if (str.length < 64) return "|" + String.fromCharCode.apply(null, str);
    return "|" + Buffer.from(str.buffer, str.byteOffset, str.length).toString("latin1");
};
${WORK}`,
    },
    {
      from: `const luaS_bless = function(L, str) {
    lua_assert(str instanceof Uint8Array);
    return new TString(L, str);`,
      to: `const luaS_bless = function(L, str) {
    lua_assert(str instanceof Uint8Array);
    if (str.length >= 4096) luaS_work(L, str.length >> 8); /* Mnemo patch: 16 MB is one check */
    return new TString(L, str);`,
    },
    {
      from: `module.exports.luaS_bless       = luaS_bless;`,
      to: `module.exports.luaS_bless       = luaS_bless;
module.exports.luaS_work        = luaS_work;
module.exports.MNEMO_MAX_STRING = MNEMO_MAX_STRING;`,
    },
    {
      from: `module.exports.MNEMO_MAX_STRING = MNEMO_MAX_STRING;`,
      to: `module.exports.MNEMO_MAX_STRING = MNEMO_MAX_STRING;
module.exports.MNEMO_PATCH_VERSION = ${PATCH_VERSION};`,
    },
  ],
  'lapi.js': [
    {
      from: `} = require('./lstring.js');`,
      to: `} = require('./lstring.js');
const { luaS_work } = require('./lstring.js'); /* Mnemo patch */`,
    },
    {
      from: `const lua_seti = function(L, idx, n) {
    fengari_argcheckinteger(n);`,
      to: `const lua_seti = function(L, idx, n) {
    luaS_work(L, 1); /* Mnemo patch */
    fengari_argcheckinteger(n);`,
    },
    {
      from: `const lua_geti = function(L, idx, n) {
    let t = index2addr(L, idx);`,
      to: `const lua_geti = function(L, idx, n) {
    luaS_work(L, 1); /* Mnemo patch */
    let t = index2addr(L, idx);`,
    },
  ],
  'lstrlib.js': [
    {
      from: `const lualib = require('./lualib.js');`,
      to: `const lualib = require('./lualib.js');
const { luaS_work } = require('./lstring.js'); /* Mnemo patch */`,
    },
    {
      from: `    if (ms.matchdepth-- === 0)
        luaL_error(ms.L, to_luastring("pattern too complex"));`,
      to: `    luaS_work(ms.L, 1); /* Mnemo patch */
    if (ms.matchdepth-- === 0)
        luaL_error(ms.L, to_luastring("pattern too complex"));`,
    },
    {
      from: `    for (; (i = arr.indexOf(subarr[0], i)) !== -1; i++) {
        if (luastring_eq(arr.subarray(i, i+sl), subarr))
            return i;
    }

    return -1;`,
      to: `    /* Mnemo patch: Node's search is fast, but its worst case is haystack x needle steps: past
       2^24 of those, the linear search (the loop this replaces was quadratic on any input) */
    if (L !== undefined && sl > 1 && (arr.length - i) * sl > 16777216 && sl <= arr.length - i)
        return mnemo_kmp_search(L, arr, subarr, i);
    return Buffer.from(arr.buffer, arr.byteOffset, arr.length).indexOf(Buffer.from(subarr.buffer, subarr.byteOffset, sl), i);`,
      // what an earlier version of this file wrote here
      was: `    /* Mnemo patch: Node's search is linear, the loop it replaces was quadratic */
    return Buffer.from(arr.buffer, arr.byteOffset, arr.length).indexOf(Buffer.from(subarr.buffer, subarr.byteOffset, sl), i);`,
    },
    {
      from: `    if (n <= 0) lua_pushliteral(L, "");
    else if (l + lsep < l`,
      to: `    if (n <= 0 || l + lsep === 0) lua_pushliteral(L, ""); /* Mnemo patch: no loop for "" */
    else if (l + lsep < l`,
    },
  ],
  'lstrlib.js (rep)': [
    {
      from: `        let pi = 0;
        while (n-- > 1) {  /* first n-1 copies (followed by separator) */
            p.set(s, pi);
            pi += l;
            if (lsep > 0) {  /* empty 'memcpy' is not that cheap */
                p.set(sep, pi);
                pi += lsep;
            }
        }
        p.set(s, pi);  /* last copy (not followed by separator) */`,
      to: `        /* Mnemo patch: the first n-1 copies (each followed by the separator) by doubling what
           is written, not one by one (2^29 one-byte copies took seconds, out of the hook's sight) */
        let pi = (n - 1) * (l + lsep);
        if (pi > 0) {
            p.set(s, 0);
            p.set(sep, l);
            for (let filled = l + lsep; filled < pi; filled *= 2)
                p.copyWithin(filled, 0, Math.min(filled, pi - filled));
        }
        p.set(s, pi);  /* last copy (not followed by separator) */`,
    },
  ],
  'lauxlib.js (names as in Lua 5.1)': [
    {
      from: `        ar.name = pushglobalfuncname(L, ar) ? lua_tostring(L, -1) : to_luastring("?");`,
      to: `        ar.name = to_luastring("?"); /* Mnemo patch: a function called as a value is '?', as in Lua 5.1 (5.3 looked up 'string.char') */`,
    },
  ],
  'llimits.js': [
    {
      from: `const luai_nummod = function(L, a, b) {
    let m = a % b;
    if ((m*b) < 0)
        m += b;
    return m;
};`,
      to: `/* Mnemo patch: a float modulo as Lua 5.1 computes it, a - floor(a/b)*b (5.3's fmod gave
   3 % 0.1 as 0.0999..., Redis's Lua -4.4e-16); n % 0 is nan */
const luai_nummod = function(L, a, b) {
    return a - Math.floor(a / b) * b;
};`,
    },
  ],
  'lmathlib.js': [
    {
      from: `        if (n < 0) n = (-n)|0;
        lua_pushinteger(L, n);`,
      to: `        if (n < 0) n = -n;
        if (n > 2147483647) lua_pushnumber(L, n); else /* Mnemo patch: abs(-2^31) is 2^31, a float */
        lua_pushinteger(L, n);`,
    },
    {
      from: `    if (lua_isinteger(L, 1) && lua_isinteger(L, 2)) {
        let d = lua_tointeger(L, 2);
        /* no special case needed for -1 in javascript */`,
      to: `    if (lua_isinteger(L, 1) && lua_isinteger(L, 2) && lua_tointeger(L, 2) !== 0) { /* Mnemo patch: fmod(n, 0) is nan, as C's */
        let d = lua_tointeger(L, 2);
        /* no special case needed for -1 in javascript */`,
    },
  ],
  'lobject.js (numerals as in Lua 5.1)': [
    {
      from: `            a = (a * 16 + luaO_hexavalue(s[i]))|0;`,
      to: `            a = a * 16 + luaO_hexavalue(s[i]);
            if (a > (neg ? 2147483648 : 2147483647)) return null; /* Mnemo patch: a float, exact, as strtod reads it in Lua 5.1 (0xffffffff was -1) */`,
    },
    {
      from: `    if (mode === 'n')  /* reject 'inf' and 'nan' */
        return null;`,
      to: `    if (mode === 'n')  /* Mnemo patch: 'inf' and 'nan' as strtod reads them, for tonumber in Lua 5.1 */
        return mnemo_not_finite_numeral(s);`,
    },
    {
      from: `const l_str2d = function(s) {`,
      to: `const mnemo_not_finite_numeral = function(s) {
    let start = 0, end = s.length;
    while (start < end && lisspace(s[start])) start++;
    while (end > start && lisspace(s[end - 1])) end--;
    if (end - start > 9) return null;
    let word = String.fromCharCode.apply(null, s.subarray(start, end)).toLowerCase();
    let negative = word[0] === '-';
    if (negative || word[0] === '+') word = word.slice(1);
    let n;
    if (word === 'inf' || word === 'infinity') n = negative ? -Infinity : Infinity;
    else if (word === 'nan') {  /* with its sign, as C prints it (-nan) */
        let bits = new Float64Array([NaN]);
        if (negative) new Uint8Array(bits.buffer)[7] |= 0x80;
        n = bits[0];
    } else return null;
    return { n: n, i: s.length };
};

const l_str2d = function(s) {`,
    },
  ],
  'lauxlib.js (numbers as in Lua 5.1)': [
    {
      from: `const luaL_checkinteger = function(L, arg) {
    let d = lua_tointegerx(L, arg);
    if (d === false)
        interror(L, arg);
    return d;
};`,
      to: `/* Mnemo patch: an argument that must be an integer takes any number, as Redis's Lua 5.1 casts it
   (string.sub(s, 1, n / 2) raised "number has no integer representation" for an odd n): C's
   (long long) cast on x86-64, truncated, and -2^63 for NaN and what is out of range */
const mnemo_c_integer = function(n) {
    return n >= -9223372036854775808 && n < 9223372036854775808 ? Math.trunc(n) + 0 : -9223372036854775808;
};

const luaL_checkinteger = function(L, arg) {
    let d = lua_tointegerx(L, arg);
    if (d === false) {
        /* clamped to fengari's 32-bit integers: its API refuses others (a JS error in the VM) */
        if (lua_isnumber(L, arg)) return Math.max(-2147483648, Math.min(2147483647, mnemo_c_integer(lua_tonumber(L, arg))));
        interror(L, arg);
    }
    return d;
};`,
    },
    {
      from: `module.exports.luaL_checkinteger`,
      to: `module.exports.mnemo_c_integer = mnemo_c_integer;
module.exports.luaL_checkinteger`,
    },
  ],
  'llex.js': [
    {
      from: `        else  /* names, strings, and numerals */
            return s;`,
      to: `        else  /* names, strings, and numerals */
            return token === TK_EOS ? lobject.luaO_pushfstring(ls.L, to_luastring("'%s'", true), s) : s; /* Mnemo patch: near '<eof>', as Lua 5.1 */`,
    },
  ],
  'lauxlib.js': [
    {
      from: `const luaL_prepbuffsize = function(B, sz) {
    let newend = B.n + sz;
    if (B.b.length < newend) {
        let newsize = Math.max(B.b.length * 2, newend);  /* double buffer size */`,
      to: `const luaL_prepbuffsize = function(B, sz) {
    let newend = B.n + sz;
    if (B.b.length < newend) {
        if (newend > ${MAX_STRING}) luaL_error(B.L, to_luastring("buffer too large")); /* Mnemo patch */
        let newsize = Math.min(Math.max(B.b.length * 2, newend), ${MAX_STRING});  /* double buffer size */`,
    },
  ],
  'lvm.js': [
    {
      from: `            let buff = new Uint8Array(tl);
            copy2buff(L, top, n, buff);`,
      to: `            if (tl > ${MAX_STRING}) ldebug.luaG_runerror(L, to_luastring("string length overflow")); /* Mnemo patch */
            let buff = new Uint8Array(tl);
            copy2buff(L, top, n, buff);`,
    },
  ],
  // The patches below came with the second review of scripts (each was a way to hang or crash
  // the server from one library call); they are separate entries so an install patched by an
  // earlier version of this file only gains them.
  'lobject.js': [
    {
      from: `const luaO_str2num = function(s, o) {
    let s2i = l_str2int(s);`,
      to: `/* Mnemo patch: a numeral is at most 200 bytes besides the spaces around it (C Lua's
   L_MAXLENNUM); fengari decoded a whole string and ran a regex over it, so tonumber or
   arithmetic on a 100 MB string ran a minute and then out of heap */
const mnemo_numeral_length_ok = function(s) {
    if (s.length <= 200) return true;
    if (s.length > 4096) return false;
    let start = 0, end = s.length;
    while (start < end && lisspace(s[start])) start++;
    while (end > start && (lisspace(s[end - 1]) || s[end - 1] === 0)) end--;
    return end - start <= 200;
};

const luaO_str2num = function(s, o) {
    if (!mnemo_numeral_length_ok(s)) return 0; /* Mnemo patch */
    let s2i = l_str2int(s);`,
    },
  ],
  'lbaselib.js': [
    {
      from: `const b_str2int = function(s, base) {
    try {
        s = to_jsstring(s);
    } catch (e) {
        return null;
    }
    let r = /^[\\t\\v\\f \\n\\r]*([+-]?)0*([0-9A-Za-z]+)[\\t\\v\\f \\n\\r]*$/.exec(s);
    if (!r) return null;
    let v = parseInt(r[1]+r[2], base);
    if (isNaN(v)) return null;
    return v|0;
};`,
      to: `/* Mnemo patch: C Lua's loop over the bytes, wrapping as a lua_Integer does; fengari decoded the
   whole string and ran a regex over it (a minute and the heap on a huge one). Numerals are at
   most 4 KB, as in luaO_str2num's patch. */
const b_str2int = function(s, base) {
    const space = (c) => c === 32 || (c >= 9 && c <= 13);
    const alnum = (c) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
    if (s.length > 4096) return null;
    let i = 0, n = 0, neg = false;
    while (space(s[i])) i++;
    if (s[i] === 45 /* '-' */) { neg = true; i++; }
    else if (s[i] === 43 /* '+' */) i++;
    if (!alnum(s[i])) return null;
    do {
        const c = s[i];
        const digit = (c >= 48 && c <= 57) ? c - 48 : (c | 32) - 97 + 10;
        if (digit >= base) return null;
        n = (Math.imul(n, base) + digit) | 0;
        i++;
    } while (alnum(s[i]));
    while (space(s[i])) i++;
    if (i !== s.length) return null;
    return neg ? (0 - n) | 0 : n;
};`,
    },
  ],
  'lstrlib.js (review 2)': [
    {
      from: `        luaL_argcheck(L, c >= 0 && c <= 255, "value out of range"); // Strings are 8-bit clean`,
      to: `        luaL_argcheck(L, c >= 0 && c <= 255, i, "value out of range"); /* Mnemo patch: the argument's index was missing, a JS TypeError */`,
    },
    {
      from: `                        luaL_argcheck(L, s.length === strlen(s), arg, "string contains zeros");`,
      to: `                        luaS_work(L, s.length >> 8); /* Mnemo patch: memchr, and the bytes report to the guard */
                        luaL_argcheck(L, Buffer.from(s.buffer, s.byteOffset, s.length).indexOf(0) === -1, arg, "string contains zeros");`,
      was: `                        luaL_argcheck(L, s.indexOf(0) === -1, arg, "string contains zeros"); /* Mnemo patch: native scan */`,
    },
    {
      from: `                            // TODO: will fail if s is not valid UTF-8
                            luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), to_jsstring(s))));`,
      to: `                            /* Mnemo patch: C's %s over the bytes (fengari decoded the whole
                               string: a JS error on non-UTF-8, a minute on a huge one) */
                            luaL_addstring(b, mnemo_format_s(String.fromCharCode(...form), s));`,
    },
    {
      from: `const str_format = function(L) {`,
      to: `/* Mnemo patch: '%[-][width][.precision]s' over bytes: the precision cuts, the width pads */
const mnemo_format_s = function(form, s) {
    const spec = /^%([-+ #0]*)([0-9]*)(?:\\.([0-9]*))?s$/.exec(form);
    const text = spec[3] === undefined ? s : s.subarray(0, Math.min(s.length, Number(spec[3] || 0)));
    const width = Number(spec[2] || 0);
    if (text.length >= width) return text;
    const padded = new Uint8Array(width).fill(32);
    padded.set(text, spec[1].includes('-') ? 0 : width - text.length);
    return padded;
};

const str_format = function(L) {`,
    },
    {
      from: `        let b = ms.p[p];
        let e = ms.p[p + 1];
        let cont = 1;
        while (++s < ms.src_end) {
            if (ms.src[s] === e) {
                if (--cont === 0) return s + 1;
            }
            else if (ms.src[s] === b) cont++;
        }
    }
    return null;  /* string ends out of balance */`,
      to: `        let b = ms.p[p];
        let e = ms.p[p + 1];
        let cont = 1;
        const start = s;  /* Mnemo patch: the bytes scanned report to the guard */
        while (++s < ms.src_end) {
            if (ms.src[s] === e) {
                if (--cont === 0) { luaS_work(ms.L, (s - start) >> 4); return s + 1; }
            }
            else if (ms.src[s] === b) cont++;
        }
        luaS_work(ms.L, (s - start) >> 4);
    }
    return null;  /* string ends out of balance */`,
    },
    {
      from: `    while (singlematch(ms, s + i, p, ep))
        i++;`,
      to: `    while (singlematch(ms, s + i, p, ep))
        i++;
    luaS_work(ms.L, i >> 4); /* Mnemo patch: the bytes scanned report to the guard */`,
    },
    {
      from: `const matchbracketclass = function(ms, c, p, ec) {
    let sig = true;`,
      to: `const matchbracketclass = function(ms, c, p, ec) {
    if (ec - p > 32) luaS_work(ms.L, (ec - p) >> 5); /* Mnemo patch: a long class is long work */
    let sig = true;`,
    },
    {
      from: `    let len = ms.capture[l].len;
    if ((ms.src_end-s) >= len && array_cmp(ms.src, ms.capture[l].init, ms.src, s, len))`,
      to: `    let len = ms.capture[l].len;
    luaS_work(ms.L, len >> 4); /* Mnemo patch: the bytes compared report to the guard */
    if ((ms.src_end-s) >= len && array_cmp(ms.src, ms.capture[l].init, ms.src, s, len))`,
    },
    {
      from: `    while (gotoinit || gotodefault) {
        gotoinit = false;`,
      to: `    while (gotoinit || gotodefault) {
        luaS_work(ms.L, 1); /* Mnemo patch: each pattern item (a long literal pattern loops here) */
        gotoinit = false;`,
    },
    {
      from: `    let news = lua_tostring(L, 3);
    let l = news.length;`,
      to: `    let news = lua_tostring(L, 3);
    let l = news.length;
    luaS_work(L, 1 + (l >> 4)); /* Mnemo patch: each replacement's bytes report to the guard */`,
    },
    {
      from: `                push_onecapture(ms, news[i] - 49 /* '1'.charCodeAt(0) */, s, e);`,
      to: `                luaS_work(L, 64); /* Mnemo patch: a capture in the replacement is ~100 bytes of work */
                push_onecapture(ms, news[i] - 49 /* '1'.charCodeAt(0) */, s, e);`,
    },
    {
      from: `const find_subarray = function(arr, subarr, from_index) {`,
      to: `/* Mnemo patch: Knuth-Morris-Pratt, linear in the bytes whatever they are, reporting to the
   guard as it goes; Node's Buffer.indexOf is quadratic on crafted input (a 1 KB needle in a
   32 MB haystack ran 9 s) */
const mnemo_kmp_search = function(L, text, pattern, from) {
    const m = pattern.length;
    const fallback = new Int32Array(m);
    for (let i = 1, k = 0; i < m; i++) {
        if ((i & 0xffff) === 0) luaS_work(L, 4096);
        while (k > 0 && pattern[i] !== pattern[k]) k = fallback[k - 1];
        if (pattern[i] === pattern[k]) k++;
        fallback[i] = k;
    }
    for (let i = from, k = 0, n = text.length; i < n; i++) {
        if ((i & 0xffff) === 0) luaS_work(L, 4096);
        while (k > 0 && text[i] !== pattern[k]) k = fallback[k - 1];
        if (text[i] === pattern[k] && ++k === m) return i - m + 1;
    }
    return -1;
};

const find_subarray = function(arr, subarr, from_index, L) {`,
    },
    {
      from: `        let f = find_subarray(s.subarray(init - 1), p, 0);`,
      to: `        let f = find_subarray(s.subarray(init - 1), p, 0, L); /* Mnemo patch: L for the guard */`,
    },
  ],
  'lstring.js (review 2)': [
    {
      from: `    return a == b || luastring_eq(a.realstring, b.realstring);`,
      to: `    /* Mnemo patch: a native compare for long strings (the loop took 44 s over 64 MB strings in a Lua loop) */
    if (a == b) return true;
    const x = a.realstring, y = b.realstring;
    if (x.length !== y.length) return false;
    if (x.length < 64) return luastring_eq(x, y);
    return Buffer.from(x.buffer, x.byteOffset, x.length).equals(Buffer.from(y.buffer, y.byteOffset, y.length));`,
    },
  ],
  'lvm.js (review 2)': [
    {
      from: `        case LUA_TSHRSTR:
        case LUA_TLNGSTR: {
            return luaS_eqlngstr(t1.tsvalue(), t2.tsvalue()) ? 1 : 0;`,
      to: `        case LUA_TSHRSTR:
        case LUA_TLNGSTR: {
            mnemo_compare_work(L, t1.tsvalue(), t2.tsvalue()); /* Mnemo patch */
            return luaS_eqlngstr(t1.tsvalue(), t2.tsvalue()) ? 1 : 0;`,
    },
    {
      from: `const l_strcmp = function(ls, rs) {`,
      to: `/* Mnemo patch: comparing long strings reports to the guard (16 MB is one check) */
const mnemo_compare_work = function(L, a, b) {
    const n = Math.min(a.realstring.length, b.realstring.length);
    if (L !== null && n >= 4096) require('./lstring.js').luaS_work(L, n >> 8);
};

const l_strcmp = function(ls, rs) {`,
    },
    {
      from: `        return l_strcmp(l.tsvalue(), r.tsvalue()) < 0 ? 1 : 0;`,
      to: `        return (mnemo_compare_work(L, l.tsvalue(), r.tsvalue()), l_strcmp(l.tsvalue(), r.tsvalue())) < 0 ? 1 : 0; /* Mnemo patch */`,
    },
    {
      from: `        return l_strcmp(l.tsvalue(), r.tsvalue()) <= 0 ? 1 : 0;`,
      to: `        return (mnemo_compare_work(L, l.tsvalue(), r.tsvalue()), l_strcmp(l.tsvalue(), r.tsvalue())) <= 0 ? 1 : 0; /* Mnemo patch */`,
    },
  ],
  // Third round: the parser's quadratic steps, instructions that move many values, and library
  // calls that build their output a byte at a time.
  'lcode.js': [
    {
      from: `        let list = l1;
        let next = getjump(fs, list);
        while (next !== NO_JUMP) {  /* find last element */
            list = next;
            next = getjump(fs, list);
        }
        fixjump(fs, list, l2);`,
      to: `        let list = l1;
        let next = getjump(fs, list);
        let steps = 0;  /* Mnemo patch: a chain of n 'or' walks this list n times (n^2 steps) */
        while (next !== NO_JUMP) {  /* find last element */
            list = next;
            next = getjump(fs, list);
            steps++;
        }
        if (steps > 64) require('./lstring.js').luaS_work(fs.ls.L, steps >> 4);
        fixjump(fs, list, l2);`,
    },
  ],
  'lparser.js': [
    {
      from: `    luaS_eqlngstr,
    luaS_new,
    luaS_newliteral
} = require('./lstring.js');`,
      to: `    luaS_eqlngstr,
    luaS_new,
    luaS_newliteral
} = require('./lstring.js');
const { luaS_work } = require('./lstring.js'); /* Mnemo patch */`,
    },
    {
      from: `    let gt = dyd.gt.arr[g];
    /* check labels in current block for a match */`,
      to: `    let gt = dyd.gt.arr[g];
    /* Mnemo patch: labels and gotos are matched pairwise (n^2 steps for n of them), and each
       pending goto is looked up again at every block it leaves */
    luaS_work(ls.L, 1 + ((dyd.label.n - bl.firstlabel) >> 4));
    /* check labels in current block for a match */`,
      was: `    let gt = dyd.gt.arr[g];
    /* Mnemo patch: labels and gotos are matched pairwise (n^2 steps for n of them) */
    if (dyd.label.n - bl.firstlabel > 64) luaS_work(ls.L, (dyd.label.n - bl.firstlabel) >> 4);
    /* check labels in current block for a match */`,
    },
    {
      from: `    /* remove goto from pending list */
    for (let i = g; i < gl.n - 1; i++)`,
      to: `    /* remove goto from pending list */
    luaS_work(ls.L, (gl.n - g) >> 6); /* Mnemo patch: the shift is a step per pending goto */
    for (let i = g; i < gl.n - 1; i++)`,
    },
    {
      from: `const searchupvalue = function(fs, name) {
    let up = fs.f.upvalues;`,
      to: `const searchupvalue = function(fs, name) {
    let up = fs.f.upvalues;
    /* Mnemo patch: a name that is not local is looked for among the locals and upvalues of every
       enclosing function (190 levels of 200 locals: 38,000 compares per global name) */
    if (fs.nups > 16) luaS_work(fs.ls.L, fs.nups >> 4);`,
    },
    {
      from: `const searchvar = function(fs, n) {`,
      to: `const searchvar = function(fs, n) {
    if (fs.nactvar > 16) luaS_work(fs.ls.L, fs.nactvar >> 4); /* Mnemo patch: as in searchupvalue */`,
    },
    {
      from: `    let gl = ls.dyd.gt;
    let i = ls.fs.bl.firstgoto;`,
      to: `    let gl = ls.dyd.gt;
    let i = ls.fs.bl.firstgoto;
    if (gl.n - i > 64) luaS_work(ls.L, (gl.n - i) >> 4); /* Mnemo patch: as in findlabel */`,
    },
    {
      from: `const checkrepeated = function(fs, ll, label) {`,
      to: `const checkrepeated = function(fs, ll, label) {
    if (ll.n - fs.bl.firstlabel > 64) luaS_work(fs.ls.L, (ll.n - fs.bl.firstlabel) >> 4); /* Mnemo patch: as in findlabel */`,
    },
  ],
  'lvm.js (review 3)': [
    {
      from: `    luaS_bless,
    luaS_eqlngstr,
    luaS_hashlongstr
} = require('./lstring.js');`,
      to: `    luaS_bless,
    luaS_eqlngstr,
    luaS_hashlongstr
} = require('./lstring.js');
const { luaS_work } = require('./lstring.js'); /* Mnemo patch */`,
    },
    {
      from: `                let h = L.stack[ra].value;
                let last = ((c - 1) * LFIELDS_PER_FLUSH) + n;
`,
      to: `                let h = L.stack[ra].value;
                let last = ((c - 1) * LFIELDS_PER_FLUSH) + n;
                if (n > 64) luaS_work(L, n >> 2); /* Mnemo patch: {...} stores every value in one instruction */
`,
    },
    {
      from: `                for (; n > 0; n--) {
                    ltable.luaH_setint(h, last--, L.stack[ra + n]);`,
      to: `                for (; n > 0; n--) {
                    if ((n & 4095) === 0) luaS_work(L, 4096); /* Mnemo patch: and a million of them take 1.6 s */
                    ltable.luaH_setint(h, last--, L.stack[ra + n]);`,
    },
    {
      from: `                for (j = 0; j < b && j < n; j++)
                    lobject.setobjs2s(L, ra + j, base - n + j);`,
      to: `                if (b > 64) luaS_work(L, b >> 2); /* Mnemo patch: '...' copies every value in one instruction */
                for (j = 0; j < b && j < n; j++)
                    lobject.setobjs2s(L, ra + j, base - n + j);`,
    },
    {
      from: `            ra.setivalue(ltable.luaH_getn(h)); /* else primitive len */`,
      to: `            ra.setivalue(ltable.luaH_getn(h, L)); /* else primitive len */ /* Mnemo patch: L for the guard */`,
    },
  ],
  'lapi.js (review 3)': [
    {
      from: `            return ltable.luaH_getn(o.value);`,
      to: `            return ltable.luaH_getn(o.value, L); /* Mnemo patch: L for the guard */`,
    },
  ],
  'ltable.js': [
    {
      from: `const luaH_getn = function(t) {`,
      to: `const luaH_getn = function(t, L) {`,
    },
    {
      from: `            i = 1;
            while (!luaH_getint(t, i).ttisnil()) i++;
            return i - 1;`,
      to: `            i = 1;
            while (!luaH_getint(t, i).ttisnil()) {
                /* Mnemo patch: a table built to defeat the doubling search costs a scan per '#' */
                if (L !== undefined && (i & 4095) === 0) require('./lstring.js').luaS_work(L, 256);
                i++;
            }
            return i - 1;`,
    },
  ],
  'lvm.js (numbers as in Lua 5.1)': [
    {
      from: `                    L.stack[ra].setivalue((op1.value + op2.value)|0);`,
      to: `                    L.stack[ra].setnvalue_mnemo(op1.value + op2.value); /* Mnemo patch: see lobject.js */`,
    },
    {
      from: `                    L.stack[ra].setivalue((op1.value - op2.value)|0);`,
      to: `                    L.stack[ra].setnvalue_mnemo(op1.value - op2.value); /* Mnemo patch */`,
    },
    {
      from: `                    L.stack[ra].setivalue(luaV_imul(op1.value, op2.value));`,
      to: `                    L.stack[ra].setnvalue_mnemo(op1.value * op2.value); /* Mnemo patch */`,
    },
    {
      from: `                    L.stack[ra].setivalue((-op.value)|0);`,
      to: `                    L.stack[ra].setnvalue_mnemo(-op.value); /* Mnemo patch */`,
    },
    {
      from: `                if (op1.ttisinteger() && op2.ttisinteger()) {
                    L.stack[ra].setivalue(luaV_mod(L, op1.value, op2.value));`,
      to: `                if (op1.ttisinteger() && op2.ttisinteger() && op2.value !== 0) { /* Mnemo patch: n % 0 is nan, as in Lua 5.1 (an error in 5.3) */
                    L.stack[ra].setivalue(luaV_mod(L, op1.value, op2.value));`,
    },
    {
      from: `                    L.stack[ra].setfltvalue(Math.pow(numberop1, numberop2));`,
      to: `                    L.stack[ra].setfltvalue(lobject.mnemo_pow(numberop1, numberop2)); /* Mnemo patch: C's pow */`,
    },
    {
      from: `                if (init.ttisinteger() && pstep.ttisinteger() && (forlim = forlimit(plimit, pstep.value))) {`,
      to: `                /* Mnemo patch: a limit past 32 bits makes a float loop, which counts on as 5.1's doubles do
                   (an integer loop stopped at 2^31 - 1) */
                if (init.ttisinteger() && pstep.ttisinteger() && !(plimit.ttisfloat() && !(plimit.value >= -2147483648 && plimit.value <= 2147483647)) && (forlim = forlimit(plimit, pstep.value))) {`,
    },
    {
      from: `                    let idx = (L.stack[ra].value + step)|0;`,
      to: `                    let idx = L.stack[ra].value + step; /* Mnemo patch: past the limit ends the loop, not wraps */`,
    },
    {
      from: `                    init.value = (initv - pstep.value)|0;`,
      to: `                    init.value = initv - pstep.value; /* Mnemo patch: held exactly (see OP_FORLOOP) */`,
    },
  ],
  'lobject.js (numbers as in Lua 5.1)': [
    {
      from: `        case LUA_OPPOW:  return Math.pow(v1, v2);`,
      to: `        case LUA_OPPOW:  return mnemo_pow(v1, v2); /* Mnemo patch */`,
    },
    {
      from: `const numarith = function(L, op, v1, v2) {`,
      to: `/* Mnemo patch: C's pow, where 1^y and (-1)^(+-inf) are 1 (JS: NaN) */
const mnemo_pow = function(x, y) {
    if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
    return Math.pow(x, y);
};
module.exports.mnemo_pow = mnemo_pow;

const numarith = function(L, op, v1, v2) {`,
    },
    {
      from: `            if (p1.ttisinteger() && p2.ttisinteger()) {
                res.setivalue(intarith(L, op, p1.value, p2.value));
                return;
            }`,
      to: `            if (p1.ttisinteger() && p2.ttisinteger()) {
                /* Mnemo patch: see setnvalue_mnemo */
                if (op === LUA_OPADD) res.setnvalue_mnemo(p1.value + p2.value);
                else if (op === LUA_OPSUB) res.setnvalue_mnemo(p1.value - p2.value);
                else if (op === LUA_OPMUL) res.setnvalue_mnemo(p1.value * p2.value);
                else if (op === LUA_OPUNM) res.setnvalue_mnemo(-p1.value);
                else res.setivalue(intarith(L, op, p1.value, p2.value));
                return;
            }`,
    },
    {
      from: `    setivalue(x) {`,
      to: `    /* Mnemo patch: fengari's integers are 32-bit, and wrapped (1764000000 * 1000 was negative);
       Redis's Lua 5.1 has only doubles. An integer +, -, * or unary - whose result leaves the
       32-bit range gives that result as a float, exact up to 2^53, as Lua 5.1 would. */
    setnvalue_mnemo(x) {
        if ((x|0) === x) this.setivalue(x|0);
        else this.setfltvalue(x);
    }

    setivalue(x) {`,
    },
  ],
  'luaconf.js (numbers as in Lua 5.1)': [
    {
      from: `const LUA_COMPAT_FLOATSTRING = conf.LUA_COMPAT_FLOATSTRING || false;`,
      to: `const LUA_COMPAT_FLOATSTRING = true; /* Mnemo patch: 3.0 prints as 3, as in Redis's Lua 5.1 */`,
    },
  ],
  'ltable.js (speed)': [
    {
      from: `        this.dead_strong = new Map();
        this.dead_weak = void 0; /* initialised when needed */`,
      to: `        this.dead_strong = void 0; /* Mnemo patch: made when a key dies (a Map per table cost a short script ~5 %) */
        this.dead_weak = void 0; /* initialised when needed */`,
    },
    {
      from: `    t.dead_strong.clear();
    t.dead_weak = void 0;`,
      to: `    t.dead_strong = void 0; /* Mnemo patch */
    t.dead_weak = void 0;`,
    },
    {
      from: `            t.dead_strong.set(hash, e);`,
      to: `            (t.dead_strong || (t.dead_strong = new Map())).set(hash, e); /* Mnemo patch */`,
    },
    {
      from: `            entry = (table.dead_weak && table.dead_weak.get(hash)) || table.dead_strong.get(hash);`,
      to: `            entry = (table.dead_weak && table.dead_weak.get(hash)) || (table.dead_strong && table.dead_strong.get(hash)); /* Mnemo patch */`,
    },
  ],
  'ltable.js (review 7)': [
    {
      from: `            /* Iterate until either out of keys, or until finding a non-dead key */
            do {
                entry = entry.n;
                if (!entry)
                    return false;
            } while (entry.key.ttisdeadkey());`,
      to: `            /* Iterate until either out of keys, or until finding a non-dead key */
            /* Mnemo patch: the walk reports its steps, and the dead key then points past the dead
               keys it walked (next(t, k) after 5e5 deletions took 8 ms, and again at each call) */
            let dead = entry, steps = 0;
            do {
                entry = entry.n;
                steps++;
            } while (entry && entry.key.ttisdeadkey());
            dead.n = entry;
            if (steps > 64) require('./lstring.js').luaS_work(L, steps >> 4);
            if (!entry)
                return false;`,
    },
  ],
  'lstate.js': [
    {
      from: `const luaE_extendCI = function(L) {
    let ci = new CallInfo();
    L.ci.next = ci;
    ci.previous = L.ci;
    ci.next = null;
    L.ci = ci;
    return ci;
};`,
      to: `/* Mnemo patch: a call reuses the CallInfo the last call at its depth left, as C Lua does (one new
   object per call was a sixth of a short script's time); luaD_precall sets every field a call reads. */
const luaE_extendCI = function(L) {
    let ci = L.ci.next;
    if (ci === null) {
        ci = new CallInfo();
        L.ci.next = ci;
        ci.previous = L.ci;
    }
    L.ci = ci;
    return ci;
};`,
    },
  ],
  'ldo.js': [
    {
      from: `const { luaS_newliteral } = require('./lstring.js');`,
      to: `const { luaS_newliteral, luaS_work } = require('./lstring.js'); /* Mnemo patch */`,
    },
    {
      from: `const luaD_precall = function(L, off, nresults) {
    let func = L.stack[off];`,
      to: `const luaD_precall = function(L, off, nresults) {
    let func = L.stack[off];
    /* Mnemo patch: a call moves or reads each of its arguments, and returns each result: a million
       of them (string.byte(s, 1, -1)) are 100 ms in one instruction */
    let nargs = L.top - off - 1;
    if (nargs > 64) luaS_work(L, nargs >> 2);`,
    },
    {
      from: `const luaD_poscall = function(L, ci, firstResult, nres) {
    let wanted = ci.nresults;`,
      to: `const luaD_poscall = function(L, ci, firstResult, nres) {
    let wanted = ci.nresults;
    if (nres > 64) luaS_work(L, nres >> 2); /* Mnemo patch: as in luaD_precall */`,
    },
    {
      from: `    let res = ci.funcOff;
    L.ci = ci.previous;
    L.ci.next = null;
    return moveresults(L, firstResult, res, nres, wanted);`,
      to: `    let res = ci.funcOff;
    L.ci = ci.previous; /* Mnemo patch: its next stays, for the next call (see luaE_extendCI) */
    return moveresults(L, firstResult, res, nres, wanted);`,
    },
  ],
  'luaconf.js': [
    {
      from: `const lua_number2str = function(n) {
    return String(Number(n.toPrecision(14))); /* should match behaviour of LUA_NUMBER_FMT */
};`,
      to: `${NOT_FINITE}
/* Mnemo patch: C's "%.14g", as Redis's Lua prints numbers (JS printed 2^60 as 1152921504606846976,
   C as 1.1529215046068e+18, and -0 as 0) */
const mnemo_strip_zeros = function(digits) {
    return digits.includes('.') ? digits.replace(/0+$/, '').replace(/\\.$/, '') : digits;
};

/* The double next to n toward zero: what C's round-half-even makes of a tie (JS rounds it away) */
const mnemo_toward_zero = function(n) {
    mnemo_nan_bits[0] = n;
    new BigInt64Array(mnemo_nan_bits.buffer)[0] -= 1n;
    return mnemo_nan_bits[0];
};

const lua_number2str = function(n) {
    if (!Number.isFinite(n)) return mnemo_not_finite(n);
    if (n === 0) return Object.is(n, -0) ? "-0" : "0";
    let digits = n.toPrecision(100).replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
    if (digits[14] === '5' && /^0*$/.test(digits.slice(15)) && (digits.charCodeAt(13) & 1) === 0)
        n = mnemo_toward_zero(n);
    let [mantissa, exponent] = n.toExponential(13).split('e');
    let e = Number(exponent);
    if (e < -4 || e >= 14)
        return mnemo_strip_zeros(mantissa) + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    return mnemo_strip_zeros(n.toFixed(13 - e));
};`,
      was: `${NOT_FINITE}
const lua_number2str = function(n) {
    if (!Number.isFinite(n)) return mnemo_not_finite(n);
    return String(Number(n.toPrecision(14))); /* should match behaviour of LUA_NUMBER_FMT */
};`,
    },
    {
      from: `module.exports.lua_number2str`,
      to: `module.exports.mnemo_not_finite = mnemo_not_finite;
module.exports.lua_number2str`,
    },
  ],
  'lauxlib.js (review 3)': [
    {
      from: `const luaL_addchar = function(B, c) {
    luaL_prepbuffsize(B, 1);
    B.b[B.n++] = c;
};`,
      to: `const luaL_addchar = function(B, c) {
    luaL_prepbuffsize(B, 1);
    B.b[B.n++] = c;
    /* Mnemo patch: output built a byte at a time reports to the guard (a check per 1 MB) */
    if ((B.n & 4095) === 0) require('./lstring.js').luaS_work(B.L, 256);
};`,
    },
  ],
  'lstrlib.js (review 3)': [
    {
      from: `        if (strfrmt[i] !== L_ESC) {
            luaL_addchar(b, strfrmt[i++]);`,
      to: `        if (strfrmt[i] !== L_ESC) {  /* Mnemo patch: the run up to the next '%' at once */
            let e = strfrmt.indexOf(L_ESC, i);
            if (e < 0) e = strfrmt.length;
            luaL_addlstring(b, strfrmt.subarray(i, e), e - i);
            luaS_work(L, (e - i) >> 8);
            i = e;`,
    },
    {
      from: `const addquoted = function(b, s, len) {
    luaL_addchar(b, 34 /* '"'.charCodeAt(0) */);
    let i = 0;
    while (len--) {
        if (s[i] === 34 /* '"'.charCodeAt(0) */ ||
            s[i] === 92 /* '\\\\'.charCodeAt(0) */ ||
            s[i] === 10 /* '\\n'.charCodeAt(0) */) {
            luaL_addchar(b, 92 /* '\\\\'.charCodeAt(0) */);
            luaL_addchar(b, s[i]);
        } else if (iscntrl(s[i])) {
            let buff = "" + s[i]; /* stringify */
            if (isdigit(s[i+1]))
                buff = ("000" + buff).slice(-3); /* pad to 3 digits with leading '0's */
            luaL_addstring(b, to_luastring("\\\\" + buff));
        } else
            luaL_addchar(b, s[i]);
        i++;
    }
    luaL_addchar(b, 34 /* '"'.charCodeAt(0) */);
};`,
      to: `/* Mnemo patch: runs of plain bytes copied at once, escapes written byte by byte (a new string
   per control byte took 70 s for 25 MB of zeros) */
const addquoted = function(b, s, len) {
    luaL_addchar(b, 34 /* '"'.charCodeAt(0) */);
    let run = 0;
    for (let i = 0; i < len; i++) {
        const c = s[i];
        const quoted = c === 34 /* '"' */ || c === 92 /* '\\\\' */ || c === 10 /* '\\n' */;
        if (!quoted && !iscntrl(c)) continue;
        if (i > run) luaL_addlstring(b, s.subarray(run, i), i - run);
        run = i + 1;
        luaL_addchar(b, 92 /* '\\\\' */);
        if (quoted) {
            luaL_addchar(b, c);
        } else {
            const digits = isdigit(s[i+1]) ? ("00" + c).slice(-3) : String(c); /* 3 digits before a digit */
            for (let k = 0; k < digits.length; k++) luaL_addchar(b, digits.charCodeAt(k));
        }
    }
    if (len > run) luaL_addlstring(b, s.subarray(run, len), len - run);
    luaL_addchar(b, 34 /* '"'.charCodeAt(0) */);
};`,
    },
    {
      from: `const str_reverse = function(L) {
    let s = luaL_checkstring(L, 1);
    let l = s.length;
    let r = new Uint8Array(l);
    for (let i=0; i<l; i++)
        r[i] = s[l-1-i];
    lua_pushstring(L, r);
    return 1;
};`,
      to: `/* Mnemo patch: a native copy and reverse (the loop took 2 s on 500 MB) */
const str_reverse = function(L) {
    let s = luaL_checkstring(L, 1);
    lua_pushstring(L, s.slice().reverse());
    return 1;
};

/* Mnemo patch: sprintf-js throws on forms C accepts (a '#' flag): a Lua error, as Lua 5.4 words it */
const mnemo_sprintf = function(L, form, n) {
    if (typeof n === 'number' && !Number.isFinite(n)) {  /* as C prints them, in the form's width */
        const text = require('./luaconf.js').mnemo_not_finite(n);
        const upper = /[EFG]$/.test(form);
        const spec = /^%([-+ #0]*)([0-9]*)/.exec(form);
        return sprintf("%" + (spec[1].includes('-') ? '-' : '') + spec[2] + "s", upper ? text.toUpperCase() : text);
    }
    try {
        return sprintf(form, n);
    } catch (e) {
        return luaL_error(L, to_luastring("invalid conversion '%s' to 'format'"), to_luastring(form));
    }
};`,
      was: `/* Mnemo patch: a native copy and reverse (the loop took 2 s on 500 MB) */
const str_reverse = function(L) {
    let s = luaL_checkstring(L, 1);
    lua_pushstring(L, s.slice().reverse());
    return 1;
};

/* Mnemo patch: sprintf-js throws on forms C accepts (a '#' flag): a Lua error, as Lua 5.4 words it */
const mnemo_sprintf = function(L, form, n) {
    try {
        return sprintf(form, n);
    } catch (e) {
        return luaL_error(L, to_luastring("invalid conversion '%s' to 'format'"), to_luastring(form));
    }
};`, // what 1aabbab wrote
    },
    {
      from: `                case 'o': case 'u': case 'x': case 'X': {
                    let n = luaL_checkinteger(L, arg);
                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));
                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));`,
      to: `                case 'o': case 'u': case 'x': case 'X': {
                    /* Mnemo patch: %d and %i take any number up to 2^53, truncated, as Redis's Lua 5.1 does */
                    let n = lua_isinteger(L, arg) ? lua_tointeger(L, arg) : strfrmt[i - 1] === 100 || strfrmt[i - 1] === 105 ? mnemo_truncated(L, arg) : mnemo_unsigned(luaL_checknumber(L, arg));
                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));
                    luaL_addstring(b, to_luastring(mnemo_sprintf(L, String.fromCharCode(...form), n))); /* Mnemo patch */`,
      was: `                case 'o': case 'u': case 'x': case 'X': {
                    let n = luaL_checkinteger(L, arg);
                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));
                    luaL_addstring(b, to_luastring(mnemo_sprintf(L, String.fromCharCode(...form), n))); /* Mnemo patch */`,
    },
    {
      from: `                case 'g': case 'G': {
                    let n = luaL_checknumber(L, arg);
                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));
                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));`,
      to: `                case 'g': case 'G': {
                    let n = luaL_checknumber(L, arg);
                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));
                    luaL_addstring(b, to_luastring(mnemo_sprintf(L, String.fromCharCode(...form), n))); /* Mnemo patch */`,
    },
    {
      from: `                let e = luastring_indexOf(data, 0, pos);
                if (e === -1) e = data.length - pos;`,
      to: `                let e = luastring_indexOf(data, 0, pos);
                if (e === -1) luaL_argerror(L, 2, "unfinished string for format 'z'"); /* Mnemo patch: C Lua's check */`,
    },
    {
      from: `            let form = [];  /* to store the format ('%...') */`,
      to: `            let form = [];  /* to store the format ('%...') */
            luaS_work(L, 16); /* Mnemo patch: a sprintf each (a format of 4e5 '%d' ran 2.5 s) */`,
    },
    {
      from: `        const quoted = c === 34 /* '"' */ || c === 92 /* '\\\\' */ || c === 10 /* '\\n' */;
        if (!quoted && !iscntrl(c)) continue;`,
      to: `        const quoted = c === 34 /* '"' */ || c === 92 /* '\\\\' */ || c === 10 /* '\\n' */;
        if (!quoted && c !== 13 && c !== 0) continue; /* Mnemo patch: %q as Lua 5.1: other bytes go as they are */`,
    },
    {
      from: `            const digits = isdigit(s[i+1]) ? ("00" + c).slice(-3) : String(c); /* 3 digits before a digit */`,
      to: `            const digits = c === 13 ? "r" : "000"; /* Mnemo patch: \\r and \\000, as Lua 5.1 writes them */`,
    },
    {
      from: `                case 'q': {
                    addliteral(L, b, arg);`,
      to: `                case 'q': {  /* Mnemo patch: as Lua 5.1, a string or a number (as tostring writes it), quoted */
                    let quoted = luaL_checkstring(L, arg);
                    addquoted(b, quoted, quoted.length);`,
    },
    {
      from: `                    let s = luaL_tolstring(L, arg);
                    if (form.length <= 2 || form[2] === 0) {  /* no modifiers? */
                        luaL_addvalue(b);  /* keep entire string */
                    } else {
                        luaS_work(L, s.length >> 8); /* Mnemo patch: memchr, and the bytes report to the guard */
                        luaL_argcheck(L, Buffer.from(s.buffer, s.byteOffset, s.length).indexOf(0) === -1, arg, "string contains zeros");`,
      to: `                    /* Mnemo patch: %s as Lua 5.1 does it: a string or a number only, through C's sprintf
                       (which stops at a zero byte) unless it is 100 bytes or more and the form has no
                       precision; 5.3 took any value through __tostring, and refused zero bytes */
                    let s = luaL_checkstring(L, arg);
                    lua_pushvalue(L, arg);  /* what the code below adds or pops */
                    {
                        luaS_work(L, s.length >> 8);
                        let zero = Buffer.from(s.buffer, s.byteOffset, s.length).indexOf(0);
                        if (zero >= 0 && !(luastring_indexOf(form, 46) < 0 && s.length >= 100)) s = s.subarray(0, zero);`,
    },
    {
      from: `    else if (init > ls + 1) {  /* start after string's end? */
        lua_pushnil(L);  /* cannot find anything */
        return 1;
    }`,
      to: `    else if (init > ls + 1) init = ls + 1; /* Mnemo patch: past the end starts at the end, as in Lua 5.1 */`,
    },
    {
      from: `const str_lower = function(L) {`,
      to: `/* Mnemo patch: a number as %d takes it in Lua 5.1: C's cast (see luaL_checkinteger) */
const mnemo_truncated = function(L, arg) {
    return require('./lauxlib.js').mnemo_c_integer(luaL_checknumber(L, arg));
};

/* %o %u %x %X in Lua 5.1: C's (unsigned long long) cast on x86-64, as a BigInt (2^63 + 1 stays
   itself, past 2^64 and NaN are 0 and 2^63, a negative number wraps) */
const mnemo_unsigned = function(n) {
    if (n >= 9223372036854775808) return n < 18446744073709551616 ? BigInt(Math.trunc(n)) : 0n;
    return BigInt.asUintN(64, BigInt(require('./lauxlib.js').mnemo_c_integer(n)));
};

${C_FORMAT}
const str_lower = function(L) {`,
    },
    {
      from: `const mnemo_sprintf = function(L, form, n) {
    if (typeof n === 'number' && !Number.isFinite(n)) {`,
      to: `const mnemo_sprintf = function(L, form, n) {
    const c_number = mnemo_c_number(form, n); /* Mnemo patch: see scripts/fengari-c-format.js */
    if (c_number !== null) return c_number;
    if (typeof n === 'number' && !Number.isFinite(n)) {`,
    },
    {
      from: `const getoption = function(h, fmt) {`,
      to: `const getoption = function(h, fmt) {
    luaS_work(h.L, 1); /* Mnemo patch: a pack format of millions of options */`,
    },
    {
      from: `                    // sprintf(String.fromCharCode(...form), luaL_checkinteger(L, arg));
                    luaL_addchar(b, luaL_checkinteger(L, arg));`,
      to: `                    /* Mnemo patch: Lua 5.1's sprintf(form, (int)n) then strlen: the width pads
                       with spaces, and a NUL byte (n a multiple of 256) ends the text there */
                    luaL_addstring(b, mnemo_format_c(String.fromCharCode(...form), luaL_checknumber(L, arg)));`,
    },
    {
      from: `const mnemo_format_s = function(form, s) {`,
      to: `const mnemo_format_c = function(form, n) {
    const spec = /^%([-+ #0]*)([0-9]*)(?:\\.[0-9]*)?c$/.exec(form);
    const text = new Uint8Array(Math.max(1, Number(spec[2] || 0))).fill(32);
    const int = n > -2147483649 && n < 2147483648 ? Math.trunc(n) : -2147483648; /* (int) on x86-64: INT_MIN for NaN and what is out of range */
    text[spec[1].includes('-') ? 0 : text.length - 1] = int & 255;
    const nul = text.indexOf(0);
    return nul < 0 ? text : text.subarray(0, nul);
};

const mnemo_format_s = function(form, s) {`,
    },
  ],
  'lbaselib.js (numbers as in Lua 5.1)': [
    {
      from: `        n = (Math.imul(n, base) + digit) | 0;`,
      to: `        n = n * base + digit; /* Mnemo patch: exact, as 5.1's strtoul reads it (it wrapped at 32 bits) */`,
    },
    {
      from: `    return neg ? (0 - n) | 0 : n;`,
      to: `    return neg && n !== 0 ? 18446744073709551616 - n : n; /* Mnemo patch: strtoul negates as an unsigned 64-bit number */`,
    },
    {
      from: `        let base = luaL_checkinteger(L, 2);`,
      to: `        let base = luaL_checkinteger(L, 2);
        if (base === 10 && lua_type(L, 1) === LUA_TNUMBER) {  /* Mnemo patch: 5.1 reads base 10 as a plain tonumber */
            lua_settop(L, 1);
            return 1;
        } else if (base === 10 && lua_type(L, 1) === LUA_TSTRING) {
            let s = lua_tostring(L, 1);
            if (lua_stringtonumber(L, s) === s.length + 1) return 1;
            lua_pushnil(L);
            return 1;
        }`,
    },
    {
      from: `    let i = luaL_checkinteger(L, 2) + 1;
    lua_pushinteger(L, i);`,
      to: `    let i = luaL_checkinteger(L, 2) + 1;
    if (i > 2147483647) return 0; /* Mnemo patch: the end (2^31 is past fengari's integers: a JS error) */
    lua_pushinteger(L, i);`,
    },
    {
      from: `        let n = b_str2int(s, base);
        if (n !== null) {
            lua_pushinteger(L, n);`,
      to: `        let n = b_str2int(s, base);
        if (n !== null) {
            if ((n | 0) === n) lua_pushinteger(L, n); else require('./lapi.js').lua_pushnumber(L, n); /* Mnemo patch: past 32 bits, a float */`,
    },
  ],
};

// Design note: how an install is brought to this version. Each patched file keeps fengari's own
// text beside it (<file>.mnemo-orig), and every run patches that pristine copy afresh: an install
// patched by an older version of this file is rewritten whole, never half. Installs patched before
// the copies were kept get their pristine text back by taking each patch out again (its `to`, or
// what an earlier version wrote: `was`, and the same text with the earlier string cap). Nothing is
// written until every file patched cleanly.
const EARLIER_MAX_STRINGS = [512 * 1024 * 1024];
const byFile = new Map();
for (const [name, edits] of Object.entries(patches)) {
  const file = name.split(' ')[0];
  byFile.set(file, [...(byFile.get(file) ?? []), ...edits]);
}

/** The texts an edit may have left in an install: its own `to`, and those of earlier versions. */
function writtenBy(edit) {
  const texts = [edit.to, ...[edit.was ?? []].flat()];
  for (const earlier of EARLIER_MAX_STRINGS) texts.push(edit.to.replaceAll(String(MAX_STRING), String(earlier)));
  return [...new Set(texts)];
}

function pristineOf(file, text) {
  let pristine = text;
  for (const edit of [...byFile.get(file)].reverse()) {
    const written = writtenBy(edit).find((candidate) => pristine.includes(candidate));
    if (written !== undefined) pristine = pristine.replace(written, () => edit.from);
  }
  return pristine;
}

const writes = [];
for (const [file, edits] of byFile) {
  const where = path.join(source, file);
  const current = readFileSync(where, 'utf8');
  const keptAt = `${where}.mnemo-orig`;
  const pristine = existsSync(keptAt) ? readFileSync(keptAt, 'utf8') : pristineOf(file, current);
  let text = pristine;
  for (const { from, to } of edits) {
    const at = text.indexOf(from);
    if (at === -1 || text.indexOf(from, at + 1) !== -1) {
      throw new Error(`patch-fengari: ${file} is not fengari 0.1.5's (a patched text is missing: ${JSON.stringify(from.trim().split('\n')[0])}); Lua scripting needs these patches. Reinstall it: rm -rf node_modules/fengari && npm install`);
    }
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  if (!existsSync(keptAt)) writes.push([keptAt, pristine]);
  if (text !== current) writes.push([where, text]);
}
for (const [where, text] of writes) writeFileSync(where, text);
const patched = writes.filter(([where]) => !where.endsWith('.mnemo-orig')).length;
console.log(patched === 0 ? 'fengari: already patched' : `fengari: ${patched} files patched (scripts/patch-fengari.mjs)`);
