// The libraries Redis gives scripts besides Lua's own, as Redis 7 has them: bit (LuaBitOp) and
// cjson (lua-cjson 2.1 with Redis's defaults). Texts of errors are lua-cjson's and LuaBitOp's.
//
// Design note: cjson works on bytes, as lua-cjson does: a string's bytes go into JSON as they
// are (escaping only '"', '\', '/', controls and DEL), and JSON's \u escapes come out as UTF-8.
// JSON.parse would not do: it works on UTF-16 text, and it cannot be stopped, while this parser
// reports its work to the script's limits (luaS_work) like the patched library calls do.
// What is left out: cmsgpack and struct; cjson's configuration functions (encode_max_depth
// and the rest) and cjson.new; object keys come out in Lua's table order, which is not Redis's.

import { lauxlib, lua, to_luastring, type LuaState, type LuaString } from 'fengari';
import { MNEMO_MAX_STRING } from 'fengari/src/lstring.js';
import { fromLuaString, reportWork as work } from './lua-values';

type JsFunction = (L: LuaState) => number;

/** Pushes a table of functions (and what `extra` adds to it) and sets it as global `name`. */
export function defineLibrary(L: LuaState, name: string, functions: Record<string, JsFunction>, extra?: (L: LuaState) => void): void {
  lua.lua_createtable(L, 0, Object.keys(functions).length + 1);
  for (const [field, fn] of Object.entries(functions)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, to_luastring(field));
  }
  extra?.(L);
  lua.lua_setglobal(L, to_luastring(name));
}

// ---- bit ------------------------------------------------------------------------------------

const bitView = new DataView(new ArrayBuffer(8));

/**
 * LuaBitOp's conversion, bit for bit: the number plus 2^52 + 2^51 (which rounds it to an integer,
 * half to even), then the low 32 bits of that double (1e300 gives -2013235812, as in Redis).
 */
function toBit(L: LuaState, arg: number): number {
  bitView.setFloat64(0, lauxlib.luaL_checknumber(L, arg) + 6755399441055744, true);
  return bitView.getInt32(0, true);
}

function pushBit(L: LuaState, value: number): number {
  lua.lua_pushinteger(L, value | 0);
  return 1;
}

/** band, bor, bxor: every argument folded in. */
function foldBits(op: (a: number, b: number) => number): JsFunction {
  return (L) => {
    let value = toBit(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) value = op(value, toBit(L, i));
    return pushBit(L, value);
  };
}

function shiftBits(op: (value: number, count: number) => number): JsFunction {
  return (L) => pushBit(L, op(toBit(L, 1), toBit(L, 2) & 31));
}

export const BIT_LIBRARY: Record<string, JsFunction> = {
  tobit: (L) => pushBit(L, toBit(L, 1)),
  bnot: (L) => pushBit(L, ~toBit(L, 1)),
  band: foldBits((a, b) => a & b),
  bor: foldBits((a, b) => a | b),
  bxor: foldBits((a, b) => a ^ b),
  lshift: shiftBits((v, n) => v << n),
  rshift: shiftBits((v, n) => v >>> n),
  arshift: shiftBits((v, n) => v >> n),
  rol: shiftBits((v, n) => (v << n) | (v >>> (32 - n))),
  ror: shiftBits((v, n) => (v >>> n) | (v << (32 - n))),
  bswap: (L) => {
    const v = toBit(L, 1);
    return pushBit(L, ((v >>> 24) & 0xff) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24));
  },
  tohex: (L) => {
    const value = toBit(L, 1);
    let digits = lua.lua_isnoneornil(L, 2) ? 8 : toBit(L, 2);
    const upper = digits < 0;
    if (upper) digits = -digits;
    if (digits > 8) digits = 8;
    const hex = (value >>> 0).toString(16).padStart(8, '0').slice(8 - digits);
    lua.lua_pushstring(L, to_luastring(upper ? hex.toUpperCase() : hex));
    return 1;
  },
};

// ---- cjson ----------------------------------------------------------------------------------

/** lua-cjson's limits, as Redis builds it. */
const MAX_DEPTH = 1000;
const SPARSE_RATIO = 2;
const SPARSE_SAFE = 10;
/** cjson.null: a light userdata that is not a table, nor nil (so a table can hold it). */
const NULL_SENTINEL = { cjsonNull: true };

export function pushCjsonNull(L: LuaState): void {
  lua.lua_pushlightuserdata(L, NULL_SENTINEL);
  lua.lua_setfield(L, -2, to_luastring('null'));
}

function checkOneArgument(L: LuaState): void {
  if (lua.lua_gettop(L) !== 1) lauxlib.luaL_argerror(L, 1, to_luastring('expected 1 argument'));
}

function encodeError(L: LuaState, index: number, reason: string): never {
  return lauxlib.luaL_error(L, to_luastring(`Cannot serialise ${fromLuaString(lua.lua_typename(L, lua.lua_type(L, index)))}: ${reason}`));
}

/** What lua-cjson's char2escape writes for a byte, or null for a byte that goes as it is. */
const ESCAPES: (string | null)[] = Array.from({ length: 256 }, (_, c) => {
  const short: Record<number, string> = { 34: '\\"', 92: '\\\\', 47: '\\/', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t' };
  if (short[c] !== undefined) return short[c];
  return c < 0x20 || c === 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : null;
});

/**
 * The JSON text being written, as bytes: grown by doubling up to the longest Lua string, and
 * reporting its work (a string of 1e8 control bytes escapes to 600 MB: it ran the process out of
 * heap as a JS string).
 */
class JsonOutput {
  private bytes = new Uint8Array(256);
  private length = 0;

  constructor(private readonly L: LuaState) {}

  push(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  /** A Lua string as a JSON string: runs of plain bytes copied, the others escaped. */
  pushString(value: Uint8Array): void {
    this.push('"');
    let run = 0;
    for (let i = 0; i < value.length; i++) {
      if ((i & 0xffff) === 0xffff) work(this.L, 1024);
      const escape = ESCAPES[value[i]];
      if (escape === null) continue;
      if (i > run) this.pushBytes(value.subarray(run, i));
      this.push(escape);
      run = i + 1;
    }
    if (value.length > run) this.pushBytes(value.subarray(run));
    this.push('"');
  }

  /** The text, copied to its length. */
  text(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private pushBytes(part: Uint8Array): void {
    this.reserve(part.length);
    this.bytes.set(part, this.length);
    this.length += part.length;
  }

  private reserve(count: number): void {
    const needed = this.length + count;
    if (needed <= this.bytes.length) return;
    if (needed > MNEMO_MAX_STRING) lauxlib.luaL_error(this.L, to_luastring(`Cannot serialise: the JSON text is over ${MNEMO_MAX_STRING} bytes`));
    const grown = new Uint8Array(Math.min(Math.max(needed, this.bytes.length * 2), MNEMO_MAX_STRING));
    grown.set(this.bytes.subarray(0, this.length));
    work(this.L, grown.length >> 8);
    this.bytes = grown;
  }
}

function encodeNumber(L: LuaState, index: number): string {
  const n = lua.lua_tonumber(L, index);
  if (!Number.isFinite(n)) encodeError(L, index, 'must not be NaN or Inf');
  lua.lua_pushvalue(L, index);
  const text = fromLuaString(lua.lua_tolstring(L, -1) as LuaString); // Lua's "%.14g", as lua-cjson's precision
  lua.lua_pop(L, 1);
  return text;
}

/** The table at `index` as an array's length, or -1 for an object (lua-cjson's lua_array_length). */
function arrayLength(L: LuaState, index: number): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, index) !== 0) {
    work(L, 1);
    const key = lua.lua_type(L, -2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : NaN;
    lua.lua_pop(L, 1);
    if (!(Math.floor(key) === key && key >= 1)) {
      lua.lua_pop(L, 1);
      return -1;
    }
    if (key > max) max = key;
    items++;
  }
  if (max > items * SPARSE_RATIO && max > SPARSE_SAFE) encodeError(L, index, 'excessively sparse array');
  return max;
}

function encodeValue(L: LuaState, index: number, depth: number, out: JsonOutput): void {
  work(L, 1);
  switch (lua.lua_type(L, index)) {
    case lua.LUA_TSTRING:
      out.pushString(lua.lua_tolstring(L, index) as LuaString);
      return;
    case lua.LUA_TNUMBER:
      out.push(encodeNumber(L, index));
      return;
    case lua.LUA_TBOOLEAN:
      out.push(lua.lua_toboolean(L, index) ? 'true' : 'false');
      return;
    case lua.LUA_TNIL:
      out.push('null');
      return;
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, index) === NULL_SENTINEL) {
        out.push('null');
        return;
      }
      break;
    case lua.LUA_TTABLE:
      encodeTable(L, index, depth + 1, out);
      return;
  }
  encodeError(L, index, 'type not supported');
}

function encodeTable(L: LuaState, index: number, depth: number, out: JsonOutput): void {
  if (depth > MAX_DEPTH || !lua.lua_checkstack(L, 4)) lauxlib.luaL_error(L, to_luastring(`Cannot serialise, excessive nesting (${depth})`));
  const length = arrayLength(L, index);
  if (length > 0) {
    out.push('[');
    for (let i = 1; i <= length; i++) {
      if (i > 1) out.push(',');
      lua.lua_rawgeti(L, index, i);
      encodeValue(L, lua.lua_gettop(L), depth, out);
      lua.lua_pop(L, 1);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, index) !== 0) {
    const keyType = lua.lua_type(L, -2);
    if (keyType !== lua.LUA_TSTRING && keyType !== lua.LUA_TNUMBER) encodeError(L, -2, 'table key must be a number or string');
    if (!first) out.push(',');
    first = false;
    if (keyType === lua.LUA_TSTRING) out.pushString(lua.lua_tolstring(L, -2) as LuaString);
    else out.push(`"${encodeNumber(L, lua.lua_gettop(L) - 1)}"`);
    out.push(':');
    encodeValue(L, lua.lua_gettop(L), depth, out);
    lua.lua_pop(L, 1);
  }
  out.push('}');
}

const encode: JsFunction = (L) => {
  checkOneArgument(L);
  const out = new JsonOutput(L);
  encodeValue(L, 1, 0, out);
  lua.lua_pushstring(L, out.text());
  return 1;
};

type TokenType = 'T_OBJ_BEGIN' | 'T_OBJ_END' | 'T_ARR_BEGIN' | 'T_ARR_END' | 'T_STRING' | 'T_NUMBER' | 'T_BOOLEAN' | 'T_NULL' | 'T_COLON' | 'T_COMMA' | 'T_END' | 'T_ERROR';

interface Token {
  type: TokenType;
  /** 0-based offset of the token, or of the byte that made it an error. */
  at: number;
  /** T_STRING: its bytes; T_NUMBER and T_BOOLEAN: the value; T_ERROR: what was wrong. */
  value?: Uint8Array | number | boolean | string;
}

const PUNCTUATION: Record<number, TokenType> = { 123: 'T_OBJ_BEGIN', 125: 'T_OBJ_END', 91: 'T_ARR_BEGIN', 93: 'T_ARR_END', 58: 'T_COLON', 44: 'T_COMMA' };
const SIMPLE_ESCAPES: Record<number, number> = { 34: 34, 92: 92, 47: 47, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };
/** What C's strtod reads: a sign, then inf[inity], nan, hex with an optional p exponent, or decimal. */
const STRTOD = /^[+-]?(?:inf(?:inity)?|nan|0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i;

/** lua-cjson's decoder over the bytes of one JSON text; raises its errors as Lua errors. */
class JsonDecoder {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly L: LuaState,
    private readonly text: Uint8Array,
  ) {}

  decode(): void {
    const token = this.next();
    this.value(token);
    const end = this.next();
    if (end.type !== 'T_END') this.fail('the end', end);
  }

  private fail(expected: string, token: Token): never {
    const found = token.type === 'T_ERROR' ? (token.value as string) : token.type;
    return lauxlib.luaL_error(this.L, to_luastring(`Expected ${expected} but found ${found} at character ${token.at + 1}`));
  }

  private value(token: Token): void {
    const L = this.L;
    work(L, 1);
    switch (token.type) {
      case 'T_STRING':
        lua.lua_pushstring(L, token.value as Uint8Array);
        return;
      case 'T_NUMBER':
        lua.lua_pushnumber(L, token.value as number);
        return;
      case 'T_BOOLEAN':
        lua.lua_pushboolean(L, token.value as boolean);
        return;
      case 'T_NULL':
        lua.lua_pushlightuserdata(L, NULL_SENTINEL);
        return;
      case 'T_OBJ_BEGIN':
        this.object();
        return;
      case 'T_ARR_BEGIN':
        this.array();
        return;
      default:
        this.fail('value', token);
    }
  }

  private descend(): void {
    if (++this.depth > MAX_DEPTH || !lua.lua_checkstack(this.L, 4)) {
      lauxlib.luaL_error(this.L, to_luastring(`Found too many nested data structures (${this.depth}) at character ${this.at}`));
    }
  }

  private object(): void {
    this.container('T_OBJ_END', 'comma or object end', (token) => {
      if (token.type !== 'T_STRING') this.fail('object key string', token);
      lua.lua_pushstring(this.L, token.value as Uint8Array);
      const colon = this.next();
      if (colon.type !== 'T_COLON') this.fail('colon', colon);
      this.value(this.next());
      lua.lua_rawset(this.L, -3);
    });
  }

  private array(): void {
    this.container('T_ARR_END', 'comma or array end', (token, index) => {
      this.value(token);
      lua.lua_rawseti(this.L, -2, index);
    });
  }

  /** A new table, then `member` for each comma-separated member up to `end` (lua-cjson's loop). */
  private container(end: TokenType, expected: string, member: (token: Token, index: number) => void): void {
    this.descend();
    lua.lua_createtable(this.L, 0, 0);
    let token = this.next();
    if (token.type !== end) {
      for (let index = 1; ; index++) {
        member(token, index);
        token = this.next();
        if (token.type === end) break;
        if (token.type !== 'T_COMMA') this.fail(expected, token);
        token = this.next();
      }
    }
    this.depth--;
  }

  private next(): Token {
    const text = this.text;
    while (this.at < text.length && (text[this.at] === 32 || text[this.at] === 9 || text[this.at] === 10 || text[this.at] === 13)) this.at++;
    const at = this.at;
    const c = at < text.length ? text[at] : 0;
    if (c === 0) return { type: 'T_END', at }; // a NUL ends the text, as in C
    const punctuation = PUNCTUATION[c];
    if (punctuation) {
      this.at++;
      return { type: punctuation, at };
    }
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    for (const [word, type, value] of [['true', 'T_BOOLEAN', true], ['false', 'T_BOOLEAN', false], ['null', 'T_NULL', null]] as const) {
      if (this.startsWith(word)) {
        this.at += word.length;
        return { type, at, value: value ?? undefined };
      }
    }
    // lua-cjson (decode_invalid_numbers on) reads +1, Infinity and NaN with strtod too
    if (c === 43 || c === 105 || c === 73 || c === 110 || c === 78) {
      if (c === 43 || this.startsWith('inf') || this.startsWith('nan')) return this.number();
    }
    return { type: 'T_ERROR', at, value: 'invalid token' };
  }

  private startsWith(word: string): boolean {
    const text = this.text;
    if (this.at + word.length > text.length) return false;
    for (let i = 0; i < word.length; i++) {
      if ((word === 'inf' || word === 'nan' ? text[this.at + i] | 0x20 : text[this.at + i]) !== word.charCodeAt(i)) return false;
    }
    return true;
  }

  private number(): Token {
    const at = this.at;
    const head = fromLuaString(this.text.subarray(at, at + 400)); // a numeral longer than this is not one
    const match = STRTOD.exec(head);
    if (!match) return { type: 'T_ERROR', at, value: 'invalid number' };
    this.at += match[0].length;
    return { type: 'T_NUMBER', at, value: parseStrtod(match[0]) };
  }

  /**
   * A string token. A first pass finds its end, so the decoded bytes go into one buffer of the
   * raw length (never shorter than what it decodes to): 25 million escapes made 25 million
   * small arrays and ran the process out of heap.
   */
  private string(): Token {
    const text = this.text;
    const start = this.at;
    let end = start + 1;
    let escaped = false;
    while (end < text.length && text[end] !== 34 && text[end] !== 0) {
      if (text[end] === 92) {
        escaped = true;
        end++;
      }
      end++;
    }
    work(this.L, (end - start) >> 6);
    if (!escaped) {
      if (end >= text.length || text[end] === 0) return { type: 'T_ERROR', at: Math.min(end, text.length), value: 'unexpected end of string' };
      this.at = end + 1;
      return { type: 'T_STRING', at: start, value: text.subarray(start + 1, end) };
    }
    const out = new Uint8Array(end - start);
    let length = 0;
    this.at = start + 1;
    for (;;) {
      const c = this.at < text.length ? text[this.at] : 0;
      if (c === 0) return { type: 'T_ERROR', at: this.at, value: 'unexpected end of string' };
      if (c === 34) break;
      if (c !== 92) {
        out[length++] = c;
        this.at++;
        continue;
      }
      const escape = text[this.at + 1];
      if (escape === 117) {
        const utf8 = this.unicodeEscape();
        if (utf8 === null) return { type: 'T_ERROR', at: this.at, value: 'invalid unicode escape code' };
        for (const byte of utf8) out[length++] = byte;
      } else if (SIMPLE_ESCAPES[escape] !== undefined) {
        out[length++] = SIMPLE_ESCAPES[escape];
        this.at += 2;
      } else {
        return { type: 'T_ERROR', at: this.at, value: 'invalid escape code' };
      }
    }
    this.at++;
    return { type: 'T_STRING', at: start, value: out.subarray(0, length) };
  }

  /** \uXXXX (a surrogate pair: two of them) at `at` as UTF-8; advances past it, or null. */
  private unicodeEscape(): number[] | null {
    const first = this.hex4(this.at + 2);
    if (first < 0 || (first >= 0xdc00 && first <= 0xdfff)) return null;
    let code = first;
    let length = 6;
    if (first >= 0xd800 && first <= 0xdbff) {
      if (this.text[this.at + 6] !== 92 || this.text[this.at + 7] !== 117) return null;
      const second = this.hex4(this.at + 8);
      if (second < 0xdc00 || second > 0xdfff) return null;
      code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
      length = 12;
    }
    this.at += length;
    return [...Buffer.from(String.fromCodePoint(code), 'utf8')];
  }

  private hex4(at: number): number {
    if (at + 4 > this.text.length) return -1;
    const digits = fromLuaString(this.text.subarray(at, at + 4));
    return /^[0-9a-f]{4}$/i.test(digits) ? parseInt(digits, 16) : -1;
  }
}

/** The value of a numeral as C's strtod reads it (STRTOD matched it). */
function parseStrtod(numeral: string): number {
  const sign = numeral.startsWith('-') ? -1 : 1;
  const body = numeral.replace(/^[+-]/, '').toLowerCase();
  if (body.startsWith('inf')) return sign * Infinity;
  if (body.startsWith('nan')) return NaN;
  if (!body.startsWith('0x')) return sign * Number(body);
  const [mantissa, exponent = '0'] = body.slice(2).split('p');
  const [whole, fraction = ''] = mantissa.split('.');
  const value = parseInt(whole || '0', 16) + (fraction ? parseInt(fraction, 16) / 16 ** fraction.length : 0);
  return sign * value * 2 ** Number(exponent);
}

const decode: JsFunction = (L) => {
  checkOneArgument(L);
  const text = lauxlib.luaL_checklstring(L, 1);
  if (text.length >= 2 && (text[0] === 0 || text[1] === 0)) lauxlib.luaL_error(L, to_luastring('JSON parser does not support UTF-16 or UTF-32'));
  new JsonDecoder(L, text).decode();
  return 1;
};

export const CJSON_LIBRARY: Record<string, JsFunction> = { encode, decode };
