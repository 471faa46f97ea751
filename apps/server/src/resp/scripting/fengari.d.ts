// The part of fengari (a Lua 5.3 VM in JavaScript, https://fengari.io) that the scripting
// commands use, typed. Lua strings are Uint8Arrays of bytes; a lua_State is opaque.

declare module 'fengari' {
  export type LuaState = { readonly __luaState: unique symbol };
  export type LuaString = Uint8Array;
  export type JsFunction = (L: LuaState) => number;
  export interface LuaDebug {
    source: LuaString | null;
    currentline: number;
  }

  export const lua: {
    LUA_REGISTRYINDEX: number;
    LUA_RIDX_GLOBALS: number;
    LUA_OK: number;
    LUA_MASKCOUNT: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_TLIGHTUSERDATA: number;
    lua_Debug: new () => LuaDebug;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, index: number): void;
    lua_pop(L: LuaState, count: number): void;
    lua_type(L: LuaState, index: number): number;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, value: boolean): void;
    lua_pushinteger(L: LuaState, value: number): void;
    lua_pushnumber(L: LuaState, value: number): void;
    lua_pushstring(L: LuaState, value: LuaString): void;
    lua_pushvalue(L: LuaState, index: number): void;
    lua_pushjsfunction(L: LuaState, fn: JsFunction): void;
    lua_createtable(L: LuaState, arraySize: number, hashSize: number): void;
    lua_rawseti(L: LuaState, index: number, n: number): void;
    lua_rawgeti(L: LuaState, index: number, n: number): number;
    lua_rawset(L: LuaState, index: number): void;
    lua_rawget(L: LuaState, index: number): number;
    lua_rawlen(L: LuaState, index: number): number;
    lua_getfield(L: LuaState, index: number, key: LuaString): number;
    lua_setfield(L: LuaState, index: number, key: LuaString): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_toboolean(L: LuaState, index: number): boolean;
    lua_isinteger(L: LuaState, index: number): boolean;
    lua_isnumber(L: LuaState, index: number): boolean;
    lua_tointeger(L: LuaState, index: number): number;
    lua_tonumber(L: LuaState, index: number): number;
    lua_tolstring(L: LuaState, index: number): LuaString | null;
    lua_newthread(L: LuaState): LuaState;
    lua_xmove(from: LuaState, to: LuaState, count: number): void;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
    lua_sethook(L: LuaState, hook: ((L: LuaState) => void) | null, mask: number, count: number): void;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): number;
    lua_getinfo(L: LuaState, what: LuaString, ar: LuaDebug): number;
    /** `handler` turns a JavaScript error thrown inside the VM (index 1, light userdata) into a Lua error value. */
    lua_atnativeerror(L: LuaState, handler: JsFunction): JsFunction | null;
    lua_touserdata(L: LuaState, index: number): unknown;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_isnoneornil(L: LuaState, index: number): boolean;
    lua_typename(L: LuaState, type: number): LuaString;
    lua_next(L: LuaState, index: number): number;
    lua_pushlightuserdata(L: LuaState, pointer: unknown): void;
    lua_topointer(L: LuaState, index: number): unknown;
  };

  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_requiref(L: LuaState, name: LuaString, open: JsFunction, global: number): void;
    luaL_loadbuffer(L: LuaState, buffer: LuaString, size: number | null, chunkname: LuaString): number;
    luaL_loadbufferx(L: LuaState, buffer: LuaString, size: number | null, chunkname: LuaString, mode: LuaString): number;
    luaL_ref(L: LuaState, table: number): number;
    luaL_unref(L: LuaState, table: number, ref: number): void;
    luaL_error(L: LuaState, message: LuaString): never;
    luaL_argerror(L: LuaState, arg: number, message: LuaString): never;
    luaL_checknumber(L: LuaState, arg: number): number;
    luaL_checktype(L: LuaState, arg: number, type: number): void;
    luaL_checkany(L: LuaState, arg: number): void;
    luaL_checklstring(L: LuaState, arg: number): LuaString;
  };

  export const lualib: {
    luaopen_base: JsFunction;
    luaopen_table: JsFunction;
    luaopen_string: JsFunction;
    luaopen_math: JsFunction;
  };

  export function to_luastring(text: string): LuaString;
}

// Added by Mnemo's patch (scripts/patch-fengari.mjs); undefined when the patch is missing.
declare module 'fengari/src/lstring.js' {
  export const luaS_work: ((L: import('fengari').LuaState, units: number) => void) | undefined;
  export const MNEMO_PATCH_VERSION: number | undefined;
  export const MNEMO_MAX_STRING: number;
}

// fengari's state internals, for repacking a script state's stack between runs (lua-scripts.ts).
declare module 'fengari/src/lstate.js' {
  export const EXTRA_STACK: number;
  export function luaE_freeCI(L: import('fengari').LuaState): void;
}
