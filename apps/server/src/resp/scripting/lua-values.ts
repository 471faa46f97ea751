// Values crossing between Lua and Redis, with Redis 7's conversion rules:
//   reply -> Lua   integer -> number, bulk -> string, nil -> false, array -> table,
//                  status -> {ok = text}, error -> {err = "CODE message"}
//   Lua -> reply   number -> integer (truncated), string -> bulk, nil and false -> nil, true -> 1,
//                  {err = ...} -> error (an error element inside an array), {ok = ...} -> status,
//                  other tables -> array up to the first nil
//   Lua -> command argument   string as is, number as C's "%.17g" (3.0 -> "3", 0.1 -> "0.10000000000000001")
// Lua strings are bytes (Uint8Array), Mnemo's are one char per byte (bytes.ts), so keys and values
// cross unchanged, binary ones included.

import { DoubleReply, MapReply, MnemoError, StatusReply, type Reply } from '@mnemo/engine';
import { lua, to_luastring, type LuaState, type LuaString } from 'fengari';

const ERR_FIELD = to_luastring('err');
const OK_FIELD = to_luastring('ok');
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Nesting Redis refuses in a script's reply (a table that holds itself would never end). */
const MAX_REPLY_DEPTH = 1000;

/**
 * An error reply whose whole text the script decided (`{err = "My Error"}` is sent as `-My Error`,
 * with no code added).
 */
export class ScriptErrorReply extends MnemoError {
  constructor(readonly text: string) {
    super('ERR', text);
  }

  override toRedisText(): string {
    return this.text;
  }
}

export function toLuaString(bytes: string): LuaString {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

/** Short strings (keys, counters) by char codes: several times faster than a Buffer's latin1 decode. */
const SHORT_STRING = 64;

export function fromLuaString(value: LuaString): string {
  if (value.length > SHORT_STRING) return Buffer.from(value.buffer, value.byteOffset, value.length).toString('latin1');
  return String.fromCharCode.apply(null, value as unknown as number[]);
}

/**
 * A number as Lua sees it. fengari's integers are 32-bit, so a larger one arrives as a float
 * (exact up to 2^53) rather than wrapping.
 */
export function pushNumber(L: LuaState, value: number): void {
  if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) lua.lua_pushinteger(L, value);
  else lua.lua_pushnumber(L, value);
}

export function pushErrorTable(L: LuaState, text: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, toLuaString(text));
  lua.lua_setfield(L, -2, ERR_FIELD);
}

/** Pushes a command's reply as Lua sees it (RESP2 shapes: a map is a flat array). */
export function pushReply(L: LuaState, reply: Reply): void {
  if (reply === null) {
    lua.lua_pushboolean(L, false);
  } else if (typeof reply === 'string') {
    lua.lua_pushstring(L, toLuaString(reply));
  } else if (typeof reply === 'number') {
    pushNumber(L, reply);
  } else if (typeof reply === 'bigint') {
    lua.lua_pushnumber(L, Number(reply));
  } else if (Array.isArray(reply) || reply instanceof MapReply) {
    const items = Array.isArray(reply) ? reply : reply.flat;
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      pushReply(L, items[i]);
      lua.lua_rawseti(L, -2, i + 1);
    }
  } else if (reply instanceof StatusReply) {
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushstring(L, toLuaString(reply.status));
    lua.lua_setfield(L, -2, OK_FIELD);
  } else if (reply instanceof DoubleReply) {
    lua.lua_pushstring(L, toLuaString(reply.text));
  }
}

/** C's (long long) cast of a double, as Redis converts a Lua number reply: truncated, clamped. */
function toInteger(value: number): number | bigint {
  if (Number.isNaN(value) || value >= 2 ** 63 || value < -(2 ** 63)) return -(2n ** 63n);
  const truncated = Math.trunc(value);
  return Number.isSafeInteger(truncated) ? truncated + 0 : BigInt(truncated); // + 0: no -0
}

/**
 * The string field `name` of the table at the top, or null; raw, as Redis reads it (a metatable's
 * __index would run Lua code after the script ended). Leaves the stack as it was.
 */
/** The `err` field of the table at the top of the stack, read raw (no metamethod runs), or null. */
export function errField(L: LuaState): string | null {
  return stringField(L, ERR_FIELD);
}

function stringField(L: LuaState, name: LuaString): string | null {
  lua.lua_pushstring(L, name);
  const type = lua.lua_rawget(L, -2);
  const value = type === lua.LUA_TSTRING ? fromLuaString(lua.lua_tolstring(L, -1) as LuaString) : null;
  lua.lua_pop(L, 1);
  return value;
}

/** A script's reply: arrays may hold error elements, which no command's reply has. */
export type ScriptReply = Reply | ScriptErrorReply | ScriptReply[];

/**
 * The value at the top of the stack as a reply; an `{err = ...}` table throws ScriptErrorReply,
 * or inside an array is an error element.
 */
export function readReply(L: LuaState, depth = 0): ScriptReply {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, -1) ? 1 : null;
    case lua.LUA_TNUMBER:
      return lua.lua_isinteger(L, -1) ? lua.lua_tointeger(L, -1) : toInteger(lua.lua_tonumber(L, -1));
    case lua.LUA_TSTRING:
      return fromLuaString(lua.lua_tolstring(L, -1) as LuaString);
    case lua.LUA_TTABLE:
      return readTable(L, depth);
    default:
      return null; // nil, and what has no reply form (functions, coroutines)
  }
}

function readTable(L: LuaState, depth: number): ScriptReply {
  if (depth >= MAX_REPLY_DEPTH) throw new MnemoError('ERR', 'reached lua stack limit');
  const err = stringField(L, ERR_FIELD);
  if (err !== null) {
    const error = new ScriptErrorReply(err.replace(/[\r\n]/g, ' '));
    if (depth === 0) throw error;
    return error;
  }
  const ok = stringField(L, OK_FIELD);
  if (ok !== null) return new StatusReply(ok.replace(/[\r\n]/g, ' '));
  const items: ScriptReply[] = [];
  for (let i = 1; lua.lua_rawgeti(L, -1, i) !== lua.LUA_TNIL; i++) {
    items.push(readReply(L, depth + 1));
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1); // the nil that ended the array
  return items;
}

/** C's printf("%.17g"): how Redis turns a Lua number into a command argument. */
export function formatG17(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(16).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    return `${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(16 - exponent));
}

function stripZeros(digits: string): string {
  return digits.includes('.') ? digits.replace(/0+$/, '').replace(/\.$/, '') : digits;
}

/** redis.call's arguments (stack slots 1..n) as command arguments; null if one is neither string nor number. */
export function readArguments(L: LuaState): string[] | null {
  const count = lua.lua_gettop(L);
  const argv: string[] = new Array(count);
  for (let i = 1; i <= count; i++) {
    const type = lua.lua_type(L, i);
    if (type === lua.LUA_TSTRING) argv[i - 1] = fromLuaString(lua.lua_tolstring(L, i) as LuaString);
    else if (type === lua.LUA_TNUMBER) argv[i - 1] = lua.lua_isinteger(L, i) ? String(lua.lua_tointeger(L, i)) : formatG17(lua.lua_tonumber(L, i));
    else return null;
  }
  return argv;
}
