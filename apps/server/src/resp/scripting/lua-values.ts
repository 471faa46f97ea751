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
import { lauxlib, lua, to_luastring, type LuaState, type LuaString } from 'fengari';
import { MNEMO_MAX_STRING, luaS_work } from 'fengari/src/lstring.js';

/**
 * Reports work to the script's limits guard (Mnemo's patch of fengari, lstring.js); raises the
 * stop as a Lua error once a limit is passed. LuaScripts refuses to start without the patch.
 */
export const reportWork = luaS_work as (L: LuaState, units: number) => void;

const ERR_FIELD = to_luastring('err');
const OK_FIELD = to_luastring('ok');
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Nesting Redis refuses in a script's reply (a table that holds itself would never end). */
const MAX_REPLY_DEPTH = 1000;
/**
 * Bytes one reply, or one redis.call's arguments, may convert into: V8's longest string. A Lua
 * table holds one string many times for nothing, but each element becomes a string of its own
 * here (2,000 references to a 1 MB string ran the process out of heap).
 */
export const MAX_CONVERTED_BYTES = 0x1fffffe8;
/** What each converted element counts besides its bytes (a JS value and its slot: ~100 bytes). */
const ELEMENT_BYTES = 64;
/** Elements, or bytes, converted between two checks of the script's limits. */
const CHECK_EVERY_ELEMENTS = 4096;
const CHECK_EVERY_BYTES = 16 * 1024 * 1024;

/**
 * A byte allowance that conversions draw on; throws `error` once it is spent. It also asks
 * `stopped` (the script's time and memory limits) every few thousand elements or megabytes:
 * a reply of tables that share tables (`t = {t, t}` 22 times) is 4M elements from 70 bytes of
 * source, and converting it ran 46 s and 1.5 GB with no limit on.
 */
export class ByteBudget {
  private sinceCheck = 0;
  private bytesSinceCheck = 0;

  constructor(
    private left: number,
    private readonly error: string,
    private readonly stopped: () => string | null = () => null,
  ) {}

  spend(bytes: number): void {
    if ((this.left -= bytes + ELEMENT_BYTES) < 0) throw new MnemoError('ERR', this.error);
    this.bytesSinceCheck += bytes;
    if (++this.sinceCheck < CHECK_EVERY_ELEMENTS && this.bytesSinceCheck < CHECK_EVERY_BYTES) return;
    this.sinceCheck = 0;
    this.bytesSinceCheck = 0;
    const stopped = this.stopped();
    if (stopped !== null) throw new MnemoError('ERR', stopped);
  }
}

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
  if (bytes.length > SHORT_STRING) {
    const buffer = Buffer.from(bytes, 'latin1'); // native: the loop below took 1.3 s per 200 MB
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
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
    // One byte under V8's longest string: a longer one breaks the VM as a table key (see patch-fengari.mjs)
    if (reply.length > MNEMO_MAX_STRING) lauxlib.luaL_error(L, to_luastring(`the reply holds a string of ${reply.length} bytes, over Lua's ${MNEMO_MAX_STRING}`));
    if (reply.length >= 4096) reportWork(L, reply.length >> 8);
    lua.lua_pushstring(L, toLuaString(reply));
  } else if (typeof reply === 'number') {
    pushNumber(L, reply);
  } else if (typeof reply === 'bigint') {
    lua.lua_pushnumber(L, Number(reply));
  } else if (Array.isArray(reply) || reply instanceof MapReply) {
    const items = Array.isArray(reply) ? reply : reply.flat;
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      if ((i & 1023) === 1023) reportWork(L, 256); // a reply of a million values (MGET) is checked against the limits as it is pushed
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
 * Bytes of an error's text kept: a longer one is cut (a text of 512 MB could not get its "ERR "
 * in a JS string, and no client reads that far).
 */
export const ERROR_TEXT_BYTES = 64 * 1024;

/** The `err` field of the table at the top of the stack, read raw (no metamethod runs), or null. */
export function errField(L: LuaState): string | null {
  return stringField(L, ERR_FIELD, ERROR_TEXT_BYTES);
}

/**
 * The string field `name` of the table at the top, or null; raw, as Redis reads it (a metatable's
 * __index would run Lua code after the script ended). Leaves the stack as it was.
 */
function stringField(L: LuaState, name: LuaString, maxBytes: number): string | null {
  lua.lua_pushstring(L, name);
  const type = lua.lua_rawget(L, -2);
  const value = type === lua.LUA_TSTRING ? fromLuaString((lua.lua_tolstring(L, -1) as LuaString).subarray(0, maxBytes)) : null;
  lua.lua_pop(L, 1);
  return value;
}

/**
 * Whether the table at the top is small and holds only the keys 1..n, so has no `err` or `ok`
 * field: a look at fengari's table (one Map of every key) that saves the two lookups, which
 * made a Lua string each, for a script's usual short reply.
 */
function isPlainArray(L: LuaState): boolean {
  const size = (lua.lua_topointer(L, -1) as { strong?: Map<unknown, unknown> }).strong?.size;
  if (size === undefined || size > PLAIN_ARRAY_CHECKED) return false;
  for (let i = 1; i <= size; i++) {
    const missing = lua.lua_rawgeti(L, -1, i) === lua.LUA_TNIL;
    lua.lua_pop(L, 1);
    if (missing) return false;
  }
  return true;
}

const PLAIN_ARRAY_CHECKED = 8;

/** A script's reply: arrays may hold error elements, which no command's reply has. */
export type ScriptReply = Reply | ScriptErrorReply | ScriptReply[];

/**
 * The value at the top of the stack as a reply; an `{err = ...}` table throws ScriptErrorReply,
 * or inside an array is an error element.
 */
export function readReply(L: LuaState, depth: number, budget: ByteBudget): ScriptReply {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TBOOLEAN:
      budget.spend(0);
      return lua.lua_toboolean(L, -1) ? 1 : null;
    case lua.LUA_TNUMBER:
      budget.spend(0);
      return lua.lua_isinteger(L, -1) ? lua.lua_tointeger(L, -1) : toInteger(lua.lua_tonumber(L, -1));
    case lua.LUA_TSTRING: {
      const value = lua.lua_tolstring(L, -1) as LuaString;
      budget.spend(value.length);
      return fromLuaString(value);
    }
    case lua.LUA_TTABLE:
      return readTable(L, depth, budget);
    default:
      budget.spend(0);
      return null; // nil, and what has no reply form (functions, coroutines)
  }
}

function readTable(L: LuaState, depth: number, budget: ByteBudget): ScriptReply {
  // Each level holds one more stack slot: fengari's stack grows only when asked (a JS error past
  // ~20 levels without this)
  if (depth >= MAX_REPLY_DEPTH || !lua.lua_checkstack(L, 3)) throw new MnemoError('ERR', 'reached lua stack limit');
  budget.spend(0);
  const plainArray = isPlainArray(L);
  const err = plainArray ? null : errField(L);
  if (err !== null) {
    budget.spend(err.length); // 4,000 elements of 64 KB ran the process out of heap uncounted
    const error = new ScriptErrorReply(err.replace(/[\r\n]/g, ' '));
    if (depth === 0) throw error;
    return error;
  }
  const ok = plainArray ? null : stringField(L, OK_FIELD, ERROR_TEXT_BYTES); // a status line, cut as errors are
  if (ok !== null) {
    budget.spend(ok.length);
    return new StatusReply(ok.replace(/[\r\n]/g, ' '));
  }
  const items: ScriptReply[] = [];
  for (let i = 1; lua.lua_rawgeti(L, -1, i) !== lua.LUA_TNIL; i++) {
    items.push(readReply(L, depth + 1, budget));
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
export function readArguments(L: LuaState, budget: ByteBudget): string[] | null {
  const count = lua.lua_gettop(L);
  const argv: string[] = new Array(count);
  for (let i = 1; i <= count; i++) {
    const type = lua.lua_type(L, i);
    if (type === lua.LUA_TSTRING) {
      const value = lua.lua_tolstring(L, i) as LuaString;
      budget.spend(value.length);
      argv[i - 1] = fromLuaString(value);
    } else if (type === lua.LUA_TNUMBER) {
      budget.spend(0);
      argv[i - 1] = lua.lua_isinteger(L, i) ? String(lua.lua_tointeger(L, i)) : formatG17(lua.lua_tonumber(L, i));
    } else {
      return null;
    }
  }
  return argv;
}
