// CONFIG GET / SET / RESETSTAT / REWRITE / HELP over three owners: the engine (maxmemory,
// maxmemory-policy, ...), persistence (appendonly, appendfsync, save, ...) and the listener
// itself (requirepass, notify-keyspace-events, timeout, maxclients, ...).

import { configSetFailed, MnemoError, parseIntegerConfig, parseMemoryConfig, quoted } from '@mnemo/engine';
import { compileGlob } from '../../admin-gateway/glob';
import { MIN_PROTOCOL_LIMIT } from '../../config/options';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, Render, RespContext } from '../resp-context';
import { emptyStats } from '../resp-context';
import { formatKeyspaceEvents, parseKeyspaceEvents } from '../pubsub/keyspace-events';
import { writeHelp } from '../reply-render';

/** Options persistence owns: shown from the startup config if no persistence service answers. */
const PERSISTENCE_OPTIONS = ['appendonly', 'appendfsync', 'save', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size', 'aof-load-truncated'];

interface ServerOption {
  get(ctx: RespContext): string;
  /** Validates and applies; throws the CONFIG SET error. Absent: read-only. */
  set?(ctx: RespContext, value: string): void;
}

const SERVER_OPTIONS: Record<string, ServerOption> = {
  requirepass: {
    get: (ctx) => ctx.config.requirepass,
    set: (ctx, value) => {
      ctx.config.requirepass = value;
    },
  },
  'notify-keyspace-events': {
    get: (ctx) => formatKeyspaceEvents(parseKeyspaceEvents(ctx.config['notify-keyspace-events'])),
    set: (ctx, value) => {
      try {
        parseKeyspaceEvents(value);
      } catch (error) {
        throw configSetFailed('notify-keyspace-events', (error as Error).message);
      }
      ctx.config['notify-keyspace-events'] = value;
      ctx.notifier.configure(value);
    },
  },
  timeout: {
    get: (ctx) => String(ctx.config.timeout),
    set: (ctx, value) => {
      ctx.config.timeout = parseIntegerConfig('timeout', value, 0, 2_147_483_647);
    },
  },
  maxclients: {
    get: (ctx) => String(ctx.config.maxclients),
    set: (ctx, value) => {
      ctx.config.maxclients = parseIntegerConfig('maxclients', value, 1, 4_294_967_295);
    },
  },
  'client-query-buffer-limit': {
    get: (ctx) => String(ctx.config['client-query-buffer-limit']),
    set: (ctx, value) => {
      ctx.config['client-query-buffer-limit'] = parseMemoryConfig('client-query-buffer-limit', value, MIN_PROTOCOL_LIMIT);
    },
  },
  port: { get: (ctx) => String(ctx.port) },
  bind: { get: (ctx) => ctx.config.host },
  databases: { get: () => '1' },
  // Commands are not timed (commands/diagnostics.commands.ts): the slow log and latency monitor are off.
  'slowlog-log-slower-than': { get: () => '-1' },
  'slowlog-max-len': { get: () => '128' },
  'latency-monitor-threshold': { get: () => '0' },
};

/** Every [name, value] whose name matches one of the patterns, first owner wins, no duplicates. */
function configGet(ctx: RespContext, patterns: string[]): Array<[string, string]> {
  // By parameter, whatever the spelling: CONFIG GET maxmemory MAXMEMORY is one pair, as in Redis.
  const found = new Map<string, [string, string]>();
  const add = (pairs: Array<[string, string]>): void => {
    for (const [name, value] of pairs) if (!found.has(name.toLowerCase())) found.set(name.toLowerCase(), [name, value]);
  };
  for (const raw of patterns) {
    const pattern = raw.toLowerCase();
    const matcher = compileGlob(pattern);
    const pairs: Array<[string, string]> = [...ctx.engine.configGet(pattern), ...ctx.keyspace.persistence.configGet(pattern)];
    for (const name of PERSISTENCE_OPTIONS) if (matcher(name)) pairs.push([name, startupValue(ctx, name)]);
    for (const [name, option] of Object.entries(SERVER_OPTIONS)) if (matcher(name)) pairs.push([name, option.get(ctx)]);
    // A name without glob characters is answered as the client spelled it (CONFIG GET MAXMEMORY
    // -> "MAXMEMORY"), as Redis 7.0 does.
    const exact = !/[*?[]/.test(raw);
    add(exact ? pairs.map(([, value]) => [raw, value]) : pairs);
  }
  return [...found.values()];
}

function startupValue(ctx: RespContext, name: string): string {
  const value = (ctx.config as unknown as Record<string, unknown>)[name];
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map((p: { seconds: number; changes: number }) => `${p.seconds} ${p.changes}`).join(' ');
  return String(value);
}

/** Keeps the listener's copy of an engine option it also enforces (the parser's bulk limit) in step. */
function mirrorEngineOption(ctx: RespContext, name: string): void {
  if (name !== 'proto-max-bulk-len') return;
  const [pair] = ctx.engine.configGet(name);
  if (pair && /^\d+$/.test(pair[1])) ctx.config['proto-max-bulk-len'] = Number(pair[1]);
}

/** The option's current value as CONFIG GET shows it, or null if no owner knows `name`. */
function currentValue(ctx: RespContext, name: string): string | null {
  if (/[*?[\\]/.test(name)) return null;
  const pair = configGet(ctx, [name]).find(([found]) => found === name);
  return pair ? pair[1] : null;
}

/** Applies one option owned by the listener or the engine; false if persistence owns it. */
function applyNow(ctx: RespContext, name: string, value: string): boolean {
  // hasOwn: a name such as 'constructor' must not find Object.prototype's members.
  const own = Object.hasOwn(SERVER_OPTIONS, name) ? SERVER_OPTIONS[name] : undefined;
  if (own?.set) own.set(ctx, value);
  else if (ctx.engine.configSet(name, value)) mirrorEngineOption(ctx, name);
  else return false;
  return true;
}

async function applyPersistence(ctx: RespContext, name: string, value: string): Promise<void> {
  if (await ctx.keyspace.persistence.configSet(name, value)) return;
  throw configSetFailed(name, 'persistence is not configured in this server');
}

/**
 * CONFIG SET with any number of pairs, all or nothing as in Redis 7: every name is checked
 * first (unknown, immutable, duplicate), then the pairs apply in order; if one fails, those
 * already applied get their previous values back and the command answers the failure.
 * Listener- and engine-owned options apply at once; a persistence-owned one makes the whole
 * command asynchronous (its Render is returned).
 *
 *   CONFIG SET maxmemory 10mb maxmemory-policy bogus  ->  -ERR ... 'maxmemory-policy' ..., maxmemory unchanged
 */
function configSet(ctx: RespContext, argv: string[]): void | Promise<Render> {
  if (argv.length < 4) throw new MnemoError('ERR', "wrong number of arguments for 'config|set' command");
  // An incomplete name-value pair is a syntax error in Redis 7.0 (the arity check lets it through).
  if (argv.length % 2 !== 0) throw new MnemoError('ERR', 'syntax error');
  const pairs: Array<{ name: string; value: string; previous: string }> = [];
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i].toLowerCase();
    const previous = currentValue(ctx, name);
    if (previous === null) throw new MnemoError('ERR', `Unknown option or number of arguments for CONFIG SET - '${quoted(argv[i])}'`);
    if (SERVER_OPTIONS[name] && !SERVER_OPTIONS[name].set) throw configSetFailed(name, "can't set immutable config");
    if (pairs.some((pair) => pair.name === name)) throw configSetFailed(name, 'duplicate parameter');
    pairs.push({ name, value: argv[i + 1], previous });
  }
  const applied: typeof pairs = [];
  const deferred: typeof pairs = [];
  const rollBack = async (): Promise<void> => {
    for (const pair of applied.reverse()) {
      try {
        if (!applyNow(ctx, pair.name, pair.previous)) await applyPersistence(ctx, pair.name, pair.previous);
      } catch {
        // The previous value was valid when read; if it no longer applies, the newer one stays.
      }
    }
  };
  for (const pair of pairs) {
    let now: boolean;
    try {
      now = applyNow(ctx, pair.name, pair.value);
    } catch (error) {
      void rollBack();
      throw error;
    }
    if (now) applied.push(pair);
    else deferred.push(pair);
  }
  if (deferred.length === 0) {
    ctx.writer.status('OK');
    return;
  }
  return (async (): Promise<Render> => {
    try {
      for (const pair of deferred) {
        await applyPersistence(ctx, pair.name, pair.value);
        applied.push(pair);
      }
    } catch (error) {
      await rollBack();
      throw error;
    }
    return (writer) => writer.status('OK');
  })();
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Print this help.',
];

function config(ctx: RespContext, _client: RespClient, argv: string[]): void | Promise<Render> {
  const sub = argv[1].toLowerCase();
  const writer = ctx.writer;
  switch (sub) {
    case 'get': {
      if (argv.length < 3) throw new MnemoError('ERR', "wrong number of arguments for 'config|get' command");
      const pairs = configGet(ctx, argv.slice(2));
      writer.mapHeader(pairs.length);
      for (const [name, value] of pairs) {
        writer.bulk(name);
        writer.bulk(value);
      }
      return;
    }
    case 'set':
      if (argv.length < 4) throw new MnemoError('ERR', "wrong number of arguments for 'config|set' command");
      return configSet(ctx, argv);
    case 'resetstat':
      if (argv.length !== 2) throw new MnemoError('ERR', "wrong number of arguments for 'config|resetstat' command");
      ctx.engine.resetStats();
      Object.assign(ctx.stats, emptyStats());
      writer.status('OK');
      return;
    case 'rewrite':
      throw new MnemoError('ERR', 'The server is running without a config file');
    case 'help':
      writeHelp(writer, HELP);
      return;
    default:
      throw new MnemoError('ERR', `unknown subcommand '${quoted(argv[1])}'. Try CONFIG HELP.`);
  }
}

export const CONFIG_COMMANDS: CommandEntry[] = [
  defineCommand('config', -2, ['admin', 'noscript', 'loading', 'stale'], 'server', 'A container for server configuration commands.', config, { since: '2.0.0' }),
];
