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
//      same guard, the plain search uses Buffer.indexOf (linear) instead of a quadratic loop, and
//      string.rep copies by doubling.
// The guard is l_G.mnemo_guard: the host installs it, and it answers the error to raise when the
// script is over its limits. Each patch names the exact text it replaces: a new fengari version fails
// here loudly instead of running unpatched, and lua-scripts.ts refuses to start without it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'node_modules', 'fengari', 'src');
const MAX_STRING = 512 * 1024 * 1024;

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
      to: `    /* Mnemo patch: Node's search is linear, the loop it replaces was quadratic */
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
};

let changed = 0;
for (const [name, edits] of Object.entries(patches)) {
  const file = name.split(' ')[0];
  const where = path.join(source, file);
  let text = readFileSync(where, 'utf8');
  for (const { from, to } of edits) {
    if (text.includes(to)) continue;
    const at = text.indexOf(from);
    if (at === -1 || text.indexOf(from, at + 1) !== -1) {
      throw new Error(`patch-fengari: ${file} is not fengari 0.1.5's (a patched text is missing); Lua scripting needs these patches`);
    }
    text = text.slice(0, at) + to + text.slice(at + from.length);
    changed++;
  }
  writeFileSync(where, text);
}
console.log(changed === 0 ? 'fengari: already patched' : `fengari: ${changed} patches applied (scripts/patch-fengari.mjs)`);
