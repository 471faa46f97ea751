// The Lua side of EVAL: one sandboxed Lua state (fengari, Lua 5.3 in JavaScript), the scripts
// compiled in it by SHA1, and running one of them with KEYS and ARGV.
//
// Design note: what a script may do. Like Redis 7, a script runs atomically (nothing else runs
// until it returns), sees only the base, table, string and math libraries, cannot create globals
// nor change the globals and library tables the next script sees (PRELUDE), and reaches the
// keyspace through redis.call / redis.pcall, which run engine commands with the same checks a
// client's command gets (write refused with MISCONF while the log cannot commit, OOM for denyoom
// commands over maxmemory, writes refused in EVAL_RO). Its writes are ordinary
// mutation records, so the log, keyspace notifications, WATCH and the dashboard see them, and
// under appendfsync always its reply waits for their commit like any write's.
// Where Mnemo differs from Redis, because one thread serves every client here too:
//   - a script that runs past SCRIPT_TIME_LIMIT_MS, or grows the heap by SCRIPT_MEMORY_LIMIT, is
//     stopped with an error (Redis would answer BUSY to everyone until SCRIPT KILL, or until
//     SHUTDOWN NOSAVE if it wrote); writes it made before that stay. The limits are checked by a
//     count hook between instructions and, through Mnemo's patch of fengari
//     (scripts/patch-fengari.mjs), inside library calls, at every big string, after a slow
//     redis.call and while compiling; once a limit is passed every instruction raises the error
//     again, so pcall cannot catch its way on;
//   - a reply, and one redis.call's arguments, convert into at most MAX_CONVERTED_BYTES (a Lua
//     table holds one string many times for free; each element becomes a string of its own),
//     and the time and memory limits go on while the reply is converted (tables that share
//     tables make a reply of 2^n elements from n tables);
//   - redis.log reads its arguments only up to the 1 KB line it logs; an error's text is cut
//     at 64 KB;
//   - a string is at most 512 MB less 25 bytes (V8's longest string, where Redis allows 512 MB); scripts are source text only
//     (no bytecode: load's mode is "t" and string.dump is gone), of at most MAX_SCRIPT_BYTES,
//     and the cache keeps SCRIPT_CACHE_BYTES of source at most;
//   - a numeral is at most 200 bytes besides the spaces around it (tonumber of a longer string
//     is nil), as C Lua's L_MAXLENNUM bounds it;
//   - the language is Lua 5.3 (fengari), not Redis's 5.1, but numbers compute and print as in
//     5.1, where every number is a double: fengari's integers are 32-bit, and an integer +, -, *
//     that leaves that range gives the exact double (1764000000 * 1000 wrapped to a negative
//     number before), a % b is a - floor(a/b)*b (n % 0 is nan), tostring prints C's "%.14g"
//     (3.0 is "3", 2^60 is "1.1529215046068e+18"), string.format prints numbers as C's printf
//     (scripts/fengari-c-format.js), an argument that must be an integer takes any number, cast
//     as C casts it (string.sub(s, 1, 2.5) is "ab"), and tonumber reads "inf", "nan" and hex past
//     32 bits as strtod does. math.type still tells integers from floats, and // and the bitwise
//     operators exist;
//   - bit and cjson are there (lua-libraries.ts), cmsgpack, struct and coroutine are not, nor
//     redis.setresp(3).
// As in Redis 7, math.random's state (and math.randomseed's) carries from one script to the next.

import { createHash } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { MnemoError, type Reply } from '@mnemo/engine';
import { lauxlib, lua, lualib, to_luastring, type LuaState, type LuaString } from 'fengari';
import { luaS_work, MNEMO_PATCH_VERSION } from 'fengari/src/lstring.js';
import { EXTRA_STACK, luaE_freeCI } from 'fengari/src/lstate.js';
import { BIT_LIBRARY, CJSON_LIBRARY, defineLibrary, pushCjsonNull } from './lua-libraries';
import { ByteBudget, errField, ERROR_TEXT_BYTES, fromLuaString, MAX_CONVERTED_BYTES, pushErrorTable, pushReply, readArguments, readReply, reportWork, ScriptErrorReply, toLuaString, type ScriptReply } from './lua-values';

/** The version of scripts/patch-fengari.mjs's patches this code relies on (its PATCH_VERSION). */
const FENGARI_PATCH_VERSION = 12;
export const SCRIPT_TIME_LIMIT_MS = 5000;
export const SCRIPT_MEMORY_LIMIT = 512 * 1024 * 1024;
/** Scripts EVAL compiled (not SCRIPT LOAD) kept at most; the oldest go first, as in Redis 7.4. */
export const EVAL_SCRIPTS_KEPT = 500;
/**
 * The largest script compiled. Compiling is one step the limits cannot stop, and costs up to
 * ~0.4 s and ~60 bytes of heap per byte of source (a table constructor of 4 MB: 1.6 s, 251 MB).
 */
export const MAX_SCRIPT_BYTES = 1024 * 1024;
/** Source bytes of the scripts kept compiled at most: EVAL's oldest go first, then compiling is refused. */
export const SCRIPT_CACHE_BYTES = 16 * 1024 * 1024;
/** Lua instructions between two checks of the time and memory limits. */
const HOOK_EVERY = 1000;
/** Guard units that make the next report check the limits at once (lstring.js's luaS_work). */
const CHECK_NOW = 65536;
/** A redis.call slower than this has the limits checked when it returns. */
const SLOW_CALL_MS = 1;
/** Stack slots a state keeps after a run; a deeper stack is repacked (see shrinkStack). */
const STACK_KEPT = 4096;
/** redis.log lines are cut here, as Redis's LOG_MAX_LEN cuts them. */
const LOG_MAX_BYTES = 1024;
const CHUNK_NAME = '@user_script';
/** Scripts are source text: precompiled bytecode could break the VM's invariants. */
const TEXT_ONLY = to_luastring('t');

/** When a running script is stopped (see the design note), and how much source is compiled. */
export interface ScriptLimits {
  timeMs: number;
  /** Growth of the heap (V8's and external memory) since the script started. */
  memoryBytes: number;
  /** MAX_SCRIPT_BYTES unless set. */
  scriptBytes?: number;
  /** SCRIPT_CACHE_BYTES unless set. */
  cacheBytes?: number;
  /** Bytes a reply, or one redis.call's arguments, may convert into: MAX_CONVERTED_BYTES unless set. */
  convertedBytes?: number;
}

/** What redis.call needs from the server: run one command for the script. */
export interface ScriptHost {
  /** Runs `argv`; returns its reply or throws MnemoError (the text the script sees). */
  call(argv: string[], readOnly: boolean): Reply;
  log(level: number, message: string): void;
}

/** The sandbox, run once per Lua state before any script (see the design note). */
const PRELUDE = `
-- What Redis's Lua 5.1 has and 5.3 dropped
unpack = table.unpack
table.getn = function(t) return #t end
table.maxn = function(t)
  local n = 0
  for k in pairs(t) do if type(k) == 'number' and k > n then n = k end end
  return n
end
table.foreach = function(t, f)
  for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end
end
table.foreachi = function(t, f)
  for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end
end
table.setn = function() error("'setn' is obsolete", 2) end
string.gfind = string.gmatch
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.atan2 = function(y, x) return math.atan(y, x) end
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x)
  if x > 20 then return 1.0 elseif x < -20 then return -1.0 end
  local a, b = math.exp(x), math.exp(-x)
  return (a - b) / (a + b)
end
string.dump = nil
-- A message handler runs with the hook off when the error came from the hook (as in C Lua), so
-- once the script is being stopped, xpcall's handler is skipped: it could otherwise loop forever.
local xpcall_, stopping = xpcall, __mnemo_stopping
xpcall = function(f, handler, ...)
  if type(handler) ~= 'function' then error("bad argument #2 to 'xpcall' (function expected, got " .. type(handler) .. ')', 2) end
  return xpcall_(f, function(e) if stopping() then return e end return handler(e) end, ...)
end
-- Redis's pcall hands an error table's text ({err = ...}, as redis.call raises) to the script
-- as a string; xpcall's handler still sees the table.
local protected_call = pcall
local function error_text(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then e = rawget(e, 'err') end
  return false, e
end
pcall = function(f, ...) return error_text(protected_call(f, ...)) end
local call, pcall_, error_reply = __mnemo_call, __mnemo_pcall, __mnemo_error_reply
redis = {
  call = call,
  pcall = pcall_,
  sha1hex = __mnemo_sha1hex,
  log = __mnemo_log,
  error_reply = error_reply,
  status_reply = function(text) return { ok = text } end,
  -- The debugger's calls do nothing outside a debugging session, as in Redis
  breakpoint = function() return false end,
  debug = function() end,
  -- Effects are what the log records anyway (every write is its own record), as in Redis 7
  replicate_commands = function() return true end,
  set_repl = function(flags)
    if type(flags) ~= 'number' or flags < 0 or flags > 3 then error('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.', 0) end
  end,
  setresp = function(version)
    if version == 2 then return end
    if version == 3 then error('RESP3 replies in scripts are not supported by Mnemo', 0) end
    error('RESP version must be 2 or 3.', 0)
  end,
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = '7.0.15', REDIS_VERSION_NUM = 0x07000f,
}
-- What one script must not change for the next (Redis 7 makes these read-only too): scripts get
-- a globals table of their own, empty, that refuses writes and reads through to 'base', the
-- allowed globals, whose library tables are read-only proxies with hidden metatables; rawset
-- refuses those tables, and the loaders are not there. The prelude's own functions keep the original globals. (The new
-- table is also faster: fengari's lookups slow down in a table entries were deleted from.)
local removed = {}
for _, name in ipairs({'__mnemo_call', '__mnemo_pcall', '__mnemo_sha1hex', '__mnemo_log', '__mnemo_error_reply', '__mnemo_stopping', '__mnemo_protect', '__mnemo_rawset',
                       'dofile', 'loadfile', 'load', 'print', 'collectgarbage', 'rawset', '_G'}) do removed[name] = true end
local protect = __mnemo_protect
local function readonly(t)
  return protect(setmetatable({}, {
    __index = t,
    __newindex = function() error('Attempt to modify a readonly table', 2) end,
    __metatable = false,
  }))
end
local base = {}
for name, value in pairs(_G) do
  if not removed[name] then base[name] = value end
end
for _, name in ipairs({'redis', 'string', 'table', 'math', 'bit', 'cjson'}) do base[name] = readonly(base[name]) end
getmetatable('').__index = base.string
getmetatable('').__metatable = false
setmetatable(base, {
  __index = function(_, name) error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2) end,
})
local env = setmetatable({}, {
  __index = base,
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
  __metatable = false,
})
base._G = protect(env)
base.rawset = __mnemo_rawset
return env
`;

interface Running {
  /** Compiling, not running: what the messages say. */
  compiling: boolean;
  readOnly: boolean;
  deadline: number;
  /** Heap size (V8's and external memory) that stops the script. */
  heapLimit: number;
  /** False once the script returned: the reply is read without limits. */
  inLua: boolean;
  /** Why the script is being stopped, once a limit is passed (see checkLimits). */
  stopped: string | null;
  /** Line of the script where an error was raised, found by the message handler. */
  errorLine: number;
}

/** A script of the cache: its source, and its compiled function once compiled in this state. */
interface CachedScript {
  body: string;
  /** Compiled by EVAL (dropped oldest first), not SCRIPT LOAD (kept until SCRIPT FLUSH). */
  byEval: boolean;
  /** Registry reference of the compiled function; null until compiled in this state. */
  ref: number | null;
}

export class LuaScripts {
  private readonly L: LuaState;
  /** SHA1 -> script; insertion order is age. */
  private readonly compiled = new Map<string, CachedScript>();
  private evalCompiled = 0;
  /** Source bytes of the scripts in `compiled` (SCRIPT_CACHE_BYTES bounds it). */
  private cachedBytes = 0;
  private running: Running | null = null;
  /** Registry reference of lua_pcall's message handler (onError). */
  private readonly onErrorRef: number;
  /** Registry references of the strings KEYS and ARGV: one Lua string each, its hash computed once. */
  private readonly keysNameRef: number;
  private readonly argvNameRef: number;
  /** Set when a JavaScript error went through the VM: the state must be replaced (rebuilt). */
  broken = false;
  private readonly hook = (L: LuaState): void => this.checkLimits(L);

  constructor(
    private readonly host: ScriptHost,
    private readonly limits: ScriptLimits = { timeMs: SCRIPT_TIME_LIMIT_MS, memoryBytes: SCRIPT_MEMORY_LIMIT },
  ) {
    if (typeof luaS_work !== 'function' || MNEMO_PATCH_VERSION !== FENGARI_PATCH_VERSION) {
      throw new Error(`fengari is not patched for this Mnemo (patches ${MNEMO_PATCH_VERSION ?? 'none'}, needs ${FENGARI_PATCH_VERSION}): run \`npm install\` (its postinstall runs scripts/patch-fengari.mjs)`);
    }
    const L = lauxlib.luaL_newstate();
    this.L = L;
    const guarded = (L as unknown as { l_G: GuardedGlobalState }).l_G;
    guarded.mnemo_work = 0;
    guarded.mnemo_guard = (state) => this.limitPassed(state);
    for (const [name, open] of [
      ['_G', lualib.luaopen_base],
      ['table', lualib.luaopen_table],
      ['string', lualib.luaopen_string],
      ['math', lualib.luaopen_math],
    ] as const) {
      lauxlib.luaL_requiref(L, to_luastring(name), open, 1);
      lua.lua_pop(L, 1);
    }
    defineLibrary(L, 'bit', BIT_LIBRARY);
    defineLibrary(L, 'cjson', CJSON_LIBRARY, pushCjsonNull);
    this.defineGlobal('__mnemo_call', (state) => this.redisCall(state, true));
    this.defineGlobal('__mnemo_pcall', (state) => this.redisCall(state, false));
    this.defineGlobal('__mnemo_sha1hex', (state) => {
      if (lua.lua_gettop(state) !== 1) {
        lua.lua_pushstring(state, to_luastring('wrong number of arguments')); // Redis raises it without a position
        lua.lua_error(state);
      }
      const bytes = lua.lua_type(state, 1) === lua.LUA_TSTRING || lua.lua_type(state, 1) === lua.LUA_TNUMBER ? (lua.lua_tolstring(state, 1) as LuaString) : new Uint8Array();
      lua.lua_pushstring(state, to_luastring(sha1(bytes)));
      reportWork(state, bytes.length >> 8);
      return 1;
    });
    this.defineGlobal('__mnemo_log', (state) => this.redisLog(state));
    this.defineGlobal('__mnemo_error_reply', (state) => {
      const text = lua.lua_type(state, 1) === lua.LUA_TSTRING ? fromLuaString((lua.lua_tolstring(state, 1) as LuaString).subarray(0, ERROR_TEXT_BYTES)) : '';
      pushErrorTable(state, errorTableText(text.startsWith('-') ? text : `-${text}`));
      return 1;
    });
    // The tables a script sees read-only (its globals, the libraries): rawset refuses them, as Redis does
    const readOnly = new WeakSet<object>();
    this.defineGlobal('__mnemo_protect', (state) => {
      readOnly.add(lua.lua_topointer(state, 1) as object);
      return 1;
    });
    this.defineGlobal('__mnemo_rawset', (state) => {
      lauxlib.luaL_checktype(state, 1, lua.LUA_TTABLE);
      lauxlib.luaL_checkany(state, 2);
      lauxlib.luaL_checkany(state, 3);
      if (readOnly.has(lua.lua_topointer(state, 1) as object)) {
        lua.lua_pushstring(state, to_luastring('Attempt to modify a readonly table'));
        return lua.lua_error(state);
      }
      lua.lua_settop(state, 3);
      lua.lua_rawset(state, 1);
      return 1;
    });
    this.defineGlobal('__mnemo_stopping', (state) => {
      lua.lua_pushboolean(state, this.running?.stopped != null);
      return 1;
    });
    lua.lua_atnativeerror(L, (state) => this.onNativeError(state));
    lua.lua_pushjsfunction(L, (state) => this.onError(state));
    this.onErrorRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_pushstring(L, to_luastring('KEYS'));
    this.keysNameRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_pushstring(L, to_luastring('ARGV'));
    this.argvNameRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    // The prelude runs on a thread of its own: fengari's stack is a JS array, and the prelude's
    // deep calls left the main one sparse, which made every later script ~2x slower.
    const setup = lua.lua_newthread(L);
    if (lauxlib.luaL_loadbuffer(setup, to_luastring(PRELUDE), null, to_luastring('=prelude')) !== lua.LUA_OK || lua.lua_pcall(setup, 0, 1, 0) !== lua.LUA_OK) {
      throw new Error(`Lua prelude failed: ${fromLuaString(lua.lua_tolstring(setup, -1) ?? new Uint8Array())}`);
    }
    lua.lua_xmove(setup, L, 1);
    lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS); // scripts compiled from now on see the prelude's env
    lua.lua_pop(L, 1); // the setup thread
  }

  get size(): number {
    return this.compiled.size;
  }

  has(sha: string): boolean {
    return this.compiled.has(sha);
  }

  /**
   * Compiles `body` (SCRIPT LOAD, EVAL) unless known; returns its SHA1. Throws Redis's compile
   * error, or an error for a script over MAX_SCRIPT_BYTES or a cache full of SCRIPT LOAD's scripts.
   */
  load(body: string, byEval: boolean): string {
    const sha = sha1(body);
    const known = this.compiled.get(sha);
    if (known) {
      if (!byEval && known.byEval) {
        known.byEval = false; // SCRIPT LOAD pins a script EVAL had compiled
        this.evalCompiled--;
      }
      return sha;
    }
    const { scriptBytes = MAX_SCRIPT_BYTES, cacheBytes = SCRIPT_CACHE_BYTES } = this.limits;
    if (body.length > scriptBytes) {
      throw new MnemoError('ERR', `Error compiling script (new function): the script is ${body.length} bytes, and Mnemo compiles scripts of at most ${scriptBytes} bytes`);
    }
    while (this.cachedBytes + body.length > cacheBytes && this.evalCompiled > 0) this.forgetOldestEvalScript();
    if (this.cachedBytes + body.length > cacheBytes) {
      throw new MnemoError('ERR', `The script cache is full: scripts loaded by SCRIPT LOAD hold ${this.cachedBytes} of its ${cacheBytes} bytes of source; SCRIPT FLUSH empties it`);
    }
    const script: CachedScript = { body, byEval, ref: null };
    this.compile(script);
    this.compiled.set(sha, script);
    this.cachedBytes += body.length;
    if (byEval && ++this.evalCompiled > EVAL_SCRIPTS_KEPT) this.forgetOldestEvalScript();
    return sha;
  }

  /**
   * A new state holding the same scripts, each compiled again when it next runs: what replaces
   * this state once it is broken, so clients' EVALSHA keep working.
   */
  rebuilt(): LuaScripts {
    const next = new LuaScripts(this.host, this.limits);
    for (const [sha, script] of this.compiled) next.compiled.set(sha, { body: script.body, byEval: script.byEval, ref: null });
    next.evalCompiled = this.evalCompiled;
    next.cachedBytes = this.cachedBytes;
    return next;
  }

  /**
   * Compiles under the same limits as a run: some sources compile in quadratic time (a long
   * chain of `or`, thousands of labels; the patched parser reports those steps to the guard).
   */
  private compile(script: CachedScript): void {
    const L = this.L;
    this.running = this.startLimits(true, true);
    try {
      if (lauxlib.luaL_loadbufferx(L, toLuaString(script.body), null, to_luastring(CHUNK_NAME), TEXT_ONLY) !== lua.LUA_OK) {
        const message = fromLuaString(lua.lua_tolstring(L, -1) ?? new Uint8Array());
        lua.lua_pop(L, 1);
        throw new MnemoError('ERR', `Error compiling script (new function): ${message}`);
      }
    } finally {
      this.running = null;
      lua.lua_sethook(L, null, 0, 0);
    }
    script.ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  private startLimits(compiling: boolean, readOnly: boolean): Running {
    return {
      compiling,
      readOnly,
      deadline: performance.now() + this.limits.timeMs,
      heapLimit: recentHeapUsed() + this.limits.memoryBytes,
      inLua: true,
      stopped: null,
      errorLine: 0,
    };
  }

  /**
   * Runs a compiled script with KEYS and ARGV; returns its reply. Throws ScriptErrorReply for an
   * error it returned or raised (Redis's texts), NOSCRIPT for an unknown SHA1.
   */
  run(sha: string, keys: string[], args: string[], readOnly: boolean): ScriptReply {
    const script = this.compiled.get(sha);
    if (!script) throw new MnemoError('NOSCRIPT', 'No matching script. Please use EVAL.');
    if (script.ref === null) this.compile(script);
    const L = this.L;
    const base = lua.lua_gettop(L);
    this.setGlobalArray(this.keysNameRef, keys);
    this.setGlobalArray(this.argvNameRef, args);
    const running = this.startLimits(false, readOnly);
    this.running = running;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.onErrorRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, script.ref as number);
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, HOOK_EVERY);
    try {
      const status = lua.lua_pcall(L, 0, 1, base + 1);
      running.inLua = false;
      if (status === lua.LUA_OK) return readReply(L, 0, this.budget('reply', L, running));
      // fengari answers -1 for a JavaScript error inside the VM (an allocation that failed, a
      // JS stack overflow): the state may be half unwound, so it is not used again (ScriptCache
      // makes a new one).
      if (status < 0) this.broken = true;
      throw new ScriptErrorReply(this.raisedErrorText(sha, running.errorLine));
    } catch (error) {
      if (error instanceof MnemoError) throw error;
      this.broken = true;
      throw new MnemoError('ERR', `script stopped: ${(error as Error).message} script: ${sha}`);
    } finally {
      lua.lua_sethook(L, null, 0, 0);
      lua.lua_settop(L, base);
      this.running = null;
      this.shrinkStack();
    }
  }

  /**
   * What one conversion may spend: MAX_CONVERTED_BYTES, and the script's limits, which are off
   * once it returned (the reply's conversion checks them itself).
   */
  private budget(of: 'reply' | 'arguments', L: LuaState, running: Running): ByteBudget {
    const bytes = this.limits.convertedBytes ?? MAX_CONVERTED_BYTES;
    if (of === 'reply') return new ByteBudget(bytes, `the script's reply is over ${bytes} bytes`, () => this.overLimits(running, "Converting the script's reply", '; writes the script made stay'));
    return new ByteBudget(bytes, `the command's arguments are over ${bytes} bytes`, () => this.limitPassed(L));
  }

  /** Stack slots of the state (tests: a deep script must not leave a deep stack). */
  get stackSlots(): number {
    return (this.L as unknown as StackInternals).stack.length;
  }

  /**
   * fengari's stack is a JS array that grows with the deepest script and shrinks only on an
   * error; a big one (a 3e5-value unpack) left holes that made every later script ~2x slower.
   * Between runs nothing points into it above the top, so a packed copy of the live part
   * replaces it, and the CallInfo chain is freed.
   */
  private shrinkStack(): void {
    const state = this.L as unknown as StackInternals;
    if (state.stack.length <= STACK_KEPT) return;
    const live = state.stack.slice(0, state.top);
    while (live.length < STACK_KEPT) live.push(undefined);
    state.stack = live;
    state.stack_last = live.length - EXTRA_STACK;
    luaE_freeCI(this.L);
  }

  /** redis.call (raise = true) and redis.pcall: run the command, push its reply or error table. */
  private redisCall(L: LuaState, raise: boolean): number {
    const running = this.running;
    const started = performance.now(); // the arguments' conversion counts: a million of them take long too
    const call = running === null ? 'ERR redis.call is only available while a script runs' : this.readCall(L, running);
    let failure: string;
    if (typeof call === 'string') {
      failure = call;
    } else {
      // Only the command is inside the try: a Lua error raised by the guard while the reply is
      // pushed must go through as it is.
      let reply: Reply | undefined;
      try {
        reply = this.host.call(call, (running as Running).readOnly);
        failure = '';
      } catch (error) {
        failure = error instanceof MnemoError ? error.toRedisText() : `ERR ${(error as Error).message}`;
      }
      // One command can take long (KEYS on a big keyspace): a slow one has the limits checked now
      if (performance.now() - started > SLOW_CALL_MS) reportWork(L, CHECK_NOW);
      if (reply !== undefined) {
        lua.lua_settop(L, 0);
        pushReply(L, reply);
        return 1;
      }
    }
    lua.lua_settop(L, 0);
    pushErrorTable(L, failure);
    if (raise) lua.lua_error(L);
    return 1;
  }

  /**
   * redis.log(level, ...), with Redis's checks and texts. Arguments that are neither string nor
   * number are left out; the line is cut at LOG_MAX_BYTES, so no more than that is read (500,000
   * arguments of 2 KB each grew the heap by 1 GB for a 1 KB line).
   */
  private redisLog(L: LuaState): number {
    const count = lua.lua_gettop(L);
    const level = count >= 2 && lua.lua_isnumber(L, 1) ? Math.trunc(lua.lua_tonumber(L, 1)) : NaN;
    let failure: string | null = null;
    if (count < 2) failure = 'ERR redis.log() requires two arguments or more.';
    else if (Number.isNaN(level)) failure = 'ERR First argument must be a number (log level).';
    else if (level < 0 || level > 3) failure = 'ERR Invalid debug level.';
    if (failure !== null) {
      lua.lua_settop(L, 0);
      pushErrorTable(L, failure);
      return lua.lua_error(L);
    }
    let line = '';
    for (let i = 2; i <= count && line.length < LOG_MAX_BYTES; i++) {
      const type = lua.lua_type(L, i);
      if (type !== lua.LUA_TSTRING && type !== lua.LUA_TNUMBER) continue;
      if (i > 2) line += ' ';
      line += fromLuaString((lua.lua_tolstring(L, i) as LuaString).subarray(0, LOG_MAX_BYTES - line.length));
    }
    this.host.log(level, line.slice(0, LOG_MAX_BYTES));
    return 0;
  }

  /** redis.call's command line, or the error text that refuses it. */
  private readCall(L: LuaState, running: Running): string[] | string {
    let argv: string[] | null;
    try {
      argv = readArguments(L, this.budget('arguments', L, running));
    } catch (error) {
      return (error as MnemoError).toRedisText();
    }
    if (argv === null) return 'ERR Lua redis lib command arguments must be strings or integers';
    if (argv.length === 0) return 'ERR Please specify at least one argument for this redis lib call';
    return argv;
  }

  /** Message handler of lua_pcall: notes the script line the error came from, keeps the error. */
  private onError(L: LuaState): number {
    const ar = new lua.lua_Debug();
    const what = to_luastring('Sl');
    const chunk = to_luastring(CHUNK_NAME);
    for (let level = 1; lua.lua_getstack(L, level, ar) !== 0; level++) {
      lua.lua_getinfo(L, what, ar);
      if (ar.source !== null && Buffer.compare(Buffer.from(ar.source), Buffer.from(chunk)) === 0) {
        if (this.running) this.running.errorLine = ar.currentline;
        break;
      }
    }
    return 1;
  }

  /**
   * fengari's handler for a JavaScript error thrown inside the VM (a bug of fengari's, an
   * allocation that failed): the VM may be half way through an operation, so the script is
   * stopped (a pcall cannot carry on in it) and the state is replaced once it returns
   * (ScriptCache, rebuilt). Returns the error the script raises.
   */
  private onNativeError(L: LuaState): number {
    const error = lua.lua_touserdata(L, 1);
    const text = `Script stopped by an internal error of the Lua VM (${error instanceof Error ? error.message : String(error)}); writes it made stay`;
    this.broken = true;
    const running = this.running;
    if (running !== null && running.stopped === null) {
      running.stopped = text;
      lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1);
    }
    lua.lua_pushstring(L, to_luastring(text));
    return 1;
  }

  /** The count hook: stops a script over its time or memory limit (see the design note). */
  private checkLimits(L: LuaState): void {
    const stopped = this.limitPassed(L);
    if (stopped !== null) lauxlib.luaL_error(L, to_luastring(stopped));
  }

  /**
   * Why the running script must stop, or null; also the guard fengari's patched library calls
   * report their work to (they raise what it answers). Once a limit is passed, the hook fires at
   * every instruction and raises again, so a pcall that caught the error cannot carry on.
   */
  private limitPassed(L: LuaState): string | null {
    const running = this.running;
    if (running === null || !running.inLua) return null;
    if (running.stopped === null) {
      const stopped = running.compiling ? this.overLimits(running, 'Compiling the script', '') : this.overLimits(running, 'Script', '; writes it made stay');
      if (stopped === null) return null;
      running.stopped = stopped;
      lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1);
    }
    return running.stopped;
  }

  /** Why `what` (compiling, running, converting the reply) must stop, or null. */
  private overLimits(running: Running, what: string, after: string): string | null {
    if (performance.now() > running.deadline) return `${what} ran for more than ${this.limits.timeMs} ms and was stopped${after}`;
    if (heapUsed() > running.heapLimit) return `${what} used more than ${this.limits.memoryBytes / 1024 / 1024} MB of memory and was stopped${after}`;
    return null;
  }

  /** Redis 7's text for an error a script raised: `<error> script: <sha>, on @user_script:<line>.` */
  private raisedErrorText(sha: string, line: number): string {
    const L = this.L;
    let text: string;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      text = errField(L) ?? 'ERR unknown error'; // raw: the limits are off, a metamethod could loop forever
    } else {
      const message = lua.lua_type(L, -1) === lua.LUA_TSTRING || lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tolstring(L, -1) : null;
      text = `ERR ${message ? fromLuaString(message.subarray(0, ERROR_TEXT_BYTES)) : 'unknown error'}`;
    }
    return `${text.replace(/[\r\n]/g, ' ')} script: ${sha}, on ${CHUNK_NAME}:${line}.`;
  }

  private defineGlobal(name: string, fn: (L: LuaState) => number): void {
    lua.lua_pushjsfunction(this.L, fn);
    lua.lua_setglobal(this.L, to_luastring(name));
  }

  /** Sets KEYS or ARGV (its name kept in the registry at `nameRef`) past the read-only globals guard (rawset). */
  private setGlobalArray(nameRef: number, items: string[]): void {
    const L = this.L;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, nameRef);
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      lua.lua_pushstring(L, toLuaString(items[i]));
      lua.lua_rawseti(L, -2, i + 1);
    }
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
  }

  private forgetOldestEvalScript(): void {
    for (const [sha, script] of this.compiled) {
      if (!script.byEval) continue;
      if (script.ref !== null) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, script.ref);
      this.compiled.delete(sha);
      this.evalCompiled--;
      this.cachedBytes -= script.body.length;
      return;
    }
  }
}

/** The fields of a fengari state that shrinkStack replaces. */
interface StackInternals {
  stack: unknown[];
  stack_last: number;
  top: number;
}

/** What fengari's global state holds for Mnemo's patch (scripts/patch-fengari.mjs). */
interface GuardedGlobalState {
  mnemo_work: number;
  mnemo_guard: (L: LuaState) => string | null;
}

/** How stale the heap size a script's memory limit starts from may be (see recentHeapUsed). */
const HEAP_BASELINE_MS = 10;
let heapBaseline = { at: -Infinity, bytes: 0 };

/**
 * The heap's size, measured at most HEAP_BASELINE_MS ago: a short script runs in ~30 µs, and
 * reading V8's statistics for each was a few percent of it, while the heap moves little in 10 ms
 * against a limit of hundreds of MB.
 */
function recentHeapUsed(): number {
  const now = performance.now();
  if (now - heapBaseline.at > HEAP_BASELINE_MS) heapBaseline = { at: now, bytes: heapUsed() };
  return heapBaseline.bytes;
}

function heapUsed(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/** SHA1 in hex of bytes: a Mnemo string (one char per byte) or a Lua string. */
export function sha1(bytes: string | Uint8Array): string {
  return createHash('sha1').update(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes).digest('hex');
}

/**
 * redis.error_reply's table text, from Redis's luaPushErrorBuff: "-CODE message" keeps CODE,
 * "-message" (one word) gets ERR.
 */
function errorTableText(withDash: string): string {
  const space = withDash.indexOf(' ');
  const text = space === -1 ? `ERR ${withDash.slice(1)}` : `${withDash.slice(1, space)} ${withDash.slice(space + 1)}`;
  let end = text.length; // trailing CR and LF off, by a loop: /[\r\n]+$/ is quadratic on a run of them
  while (end > 0 && (text.charCodeAt(end - 1) === 13 || text.charCodeAt(end - 1) === 10)) end--;
  return text.slice(0, end);
}
