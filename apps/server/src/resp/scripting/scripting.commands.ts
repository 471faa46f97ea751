// Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD / EXISTS / FLUSH / KILL / HELP.
// Rate-limit libraries (rate-limiter-flexible, rate-limit-redis, @fastify/rate-limit) and ioredis's
// defineCommand run small scripts of INCR, SET NX PX, PTTL and PEXPIRE through these; what a
// script may do, and where it differs from Redis, is in lua-scripts.ts's design note.

import { Logger } from '@nestjs/common';
import { MnemoError, notAnInteger, OOM_MESSAGE, parseInt64, StatusReply, type Reply } from '@mnemo/engine';
import { arityOk, defineCommand } from '../command-table';
import type { Dispatcher } from '../dispatcher';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';
import type { ReplyWriter } from '@mnemo/protocol';
import { writeHelp, writeReply } from '../reply-render';
import { serverTime } from '../commands/server.commands';
import { LuaScripts, type ScriptHost } from './lua-scripts';
import { ScriptErrorReply, type ScriptReply } from './lua-values';

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script (none can be: a script runs to its end or to its time limit).',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Print this help.',
];

const luaLog = new Logger('Lua');

/**
 * Commands served by the connection layer (not the engine) that scripts may call too, as in
 * Redis: TIME above all, which sliding-window rate-limit scripts read.
 */
const SCRIPT_CALLABLE: Record<string, (ctx: RespContext, argv: string[]) => Reply> = {
  time: () => serverTime(),
  ping: (_ctx, argv) => (argv.length > 1 ? argv[1] : new StatusReply('PONG')),
  echo: (_ctx, argv) => argv[1],
  publish: (ctx, argv) => ctx.pubsub.publish(argv[1], argv[2]),
  select: (_ctx, argv) => {
    const index = parseInt64(argv[1]);
    if (index === null) throw notAnInteger();
    if (Number(index) !== 0) throw new MnemoError('ERR', 'DB index is out of range');
    return new StatusReply('OK');
  },
};

/** Runs a script's redis.call on the engine, with the checks a client's command gets (see lua-scripts.ts). */
class EngineScriptHost implements ScriptHost {
  constructor(
    private readonly ctx: RespContext,
    private readonly dispatcher: () => Dispatcher,
  ) {}

  call(argv: string[], readOnly: boolean): Reply {
    const entry = this.dispatcher().table.lookup(argv[0]);
    if (entry === undefined) throw new MnemoError('ERR', 'Unknown Redis command called from script');
    const connectionLevel = entry.handler !== undefined ? SCRIPT_CALLABLE[entry.name] : undefined;
    if ((entry.handler !== undefined && connectionLevel === undefined) || entry.flags.includes('noscript')) {
      throw new MnemoError('ERR', 'This Redis command is not allowed from script');
    }
    if (!arityOk(entry, argv.length)) throw new MnemoError('ERR', 'Wrong number of args calling Redis command from script');
    if (connectionLevel !== undefined) return connectionLevel(this.ctx, argv);
    if (entry.write) {
      if (readOnly) throw new MnemoError('ERR', 'Write commands are not allowed from read-only scripts.');
      const writeError = this.ctx.keyspace.durability.writeError();
      if (writeError) throw writeError;
    }
    if (entry.denyoom && !this.ctx.engine.evictBeforeCommand()) throw new MnemoError('OOM', OOM_MESSAGE);
    return this.ctx.engine.execute(argv);
  }

  log(level: number, message: string): void {
    if (level >= 3) luaLog.warn(message);
    else if (level === 2) luaLog.log(message);
    else luaLog.debug(message);
  }
}

function writeScriptReply(writer: ReplyWriter, reply: ScriptReply): void {
  if (reply instanceof ScriptErrorReply) {
    writer.error(reply.text);
  } else if (Array.isArray(reply)) {
    writer.arrayHeader(reply.length);
    for (const item of reply) writeScriptReply(writer, item);
  } else {
    writeReply(writer, reply);
  }
}

/** The script cache of one listener; a new Lua state after SCRIPT FLUSH, as in Redis. */
class ScriptCache {
  private scripts: LuaScripts | null = null;

  constructor(private readonly host: ScriptHost) {}

  get lua(): LuaScripts {
    if (this.scripts === null) this.scripts = new LuaScripts(this.host);
    else if (this.scripts.broken) this.scripts = this.scripts.rebuilt();
    return this.scripts;
  }

  /** SCRIPT EXISTS: known, without making a Lua state to ask. */
  has(sha: string): boolean {
    return this.scripts?.has(sha) ?? false;
  }

  flush(): void {
    this.scripts = null;
  }
}

/** EVAL's `numkeys keys... args...` (argv from index 2), with Redis's refusals. */
function keysAndArgs(argv: string[]): { keys: string[]; args: string[] } {
  const numkeys = parseInt64(argv[2]);
  if (numkeys === null || typeof numkeys === 'bigint') throw notAnInteger();
  if (numkeys < 0) throw new MnemoError('ERR', "Number of keys can't be negative");
  if (numkeys > argv.length - 3) throw new MnemoError('ERR', "Number of keys can't be greater than number of args");
  return { keys: argv.slice(3, 3 + numkeys), args: argv.slice(3 + numkeys) };
}

type CacheOf = (ctx: RespContext) => ScriptCache;

function evalCommand(cacheOf: CacheOf, bySha: boolean, readOnly: boolean) {
  return (ctx: RespContext, _client: RespClient, argv: string[]): void => {
    const { keys, args } = keysAndArgs(argv);
    const scripts = cacheOf(ctx).lua;
    const sha = bySha ? argv[1].toLowerCase() : scripts.load(argv[1], true);
    // One write for maxmemory, as Redis's scriptVerifyOOM: only a step before the script's first
    // change may be refused with OOM (compound-write.ts).
    writeScriptReply(ctx.writer, ctx.engine.compound(() => scripts.run(sha, keys, args, readOnly)));
  };
}

function scriptCommand(cacheOf: CacheOf) {
  return (ctx: RespContext, _client: RespClient, argv: string[]): void => {
    const cache = cacheOf(ctx);
    const writer = ctx.writer;
    switch (argv[1].toLowerCase()) {
      case 'load':
        writer.bulk(cache.lua.load(argv[2], false));
        return;
      case 'exists':
        writer.arrayHeader(argv.length - 2);
        for (let i = 2; i < argv.length; i++) writer.integer(cache.has(argv[i].toLowerCase()) ? 1 : 0);
        return;
      case 'flush': {
        const mode = argv[2]?.toLowerCase();
        if (argv.length > 3 || (mode !== undefined && mode !== 'async' && mode !== 'sync')) {
          throw new MnemoError('ERR', 'SCRIPT FLUSH only support SYNC|ASYNC option');
        }
        cache.flush();
        writer.status('OK');
        return;
      }
      case 'kill': // a script never runs while a command is read
        throw new MnemoError('NOTBUSY', 'No scripts in execution right now.');
      case 'help':
        writeHelp(writer, SCRIPT_HELP);
        return;
      default: // DEBUG
        throw new MnemoError('ERR', 'SCRIPT DEBUG is not supported by Mnemo');
    }
  };
}

/** The scripting commands of one listener; `dispatcher` gives redis.call the command table. */
export function scriptingCommands(dispatcher: () => Dispatcher): CommandEntry[] {
  let cache: ScriptCache | null = null;
  const cacheOf: CacheOf = (ctx) => (cache ??= new ScriptCache(new EngineScriptHost(ctx, dispatcher)));
  const evalFlags = ['noscript', 'stale', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'movablekeys'];
  const readonlyFlags = [...evalFlags, 'readonly'];
  return [
    defineCommand('eval', -3, evalFlags, 'scripting', 'Executes a server-side Lua script.', evalCommand(cacheOf, false, false), { since: '2.6.0' }),
    defineCommand('evalsha', -3, evalFlags, 'scripting', 'Executes a server-side Lua script by SHA1 digest.', evalCommand(cacheOf, true, false), { since: '2.6.0' }),
    defineCommand('eval_ro', -3, readonlyFlags, 'scripting', 'Executes a read-only server-side Lua script.', evalCommand(cacheOf, false, true), { since: '7.0.0' }),
    defineCommand('evalsha_ro', -3, readonlyFlags, 'scripting', 'Executes a read-only server-side Lua script by SHA1 digest.', evalCommand(cacheOf, true, true), { since: '7.0.0' }),
    defineCommand('script', -2, ['noscript'], 'scripting', 'A container for Lua scripts management commands.', scriptCommand(cacheOf), { since: '2.6.0' }),
  ];
}
