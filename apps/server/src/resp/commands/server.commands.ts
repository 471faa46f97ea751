// Server commands the listener answers: INFO, DBSIZE, TIME, SAVE, BGSAVE, BGREWRITEAOF,
// LASTSAVE, and fallbacks for MEMORY, OBJECT, FLUSHDB, FLUSHALL when the engine lacks them.

import { Logger } from '@nestjs/common';
import { MnemoError, syntaxError, quoted } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, Render, RespContext } from '../resp-context';
import { writeReply } from '../reply-render';
import { buildInfo } from './info';

/** Commands implemented here only for an engine that does not run them itself. */
export const FALLBACK_COMMANDS: ReadonlySet<string> = new Set(['dbsize', 'memory', 'object', 'flushdb', 'flushall', 'time']);

function info(ctx: RespContext, _client: RespClient, argv: string[]): void {
  ctx.writer.verbatim(buildInfo(ctx, argv.slice(1)));
}

function dbsize(ctx: RespContext): void {
  ctx.writer.integer(ctx.engine.stats().keys);
}

/** TIME's reply: Unix time in seconds and the microseconds past it. */
export function serverTime(): [string, string] {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return [String(Math.floor(micros / 1_000_000)), String(micros % 1_000_000)];
}

function time(ctx: RespContext): void {
  writeReply(ctx.writer, serverTime());
}

function save(ctx: RespContext): Promise<Render> {
  return ctx.keyspace.persistence.save().then(() => (writer) => writer.status('OK'));
}

function bgsave(ctx: RespContext, _client: RespClient, argv: string[]): Promise<Render> {
  if (argv.length > 2 || (argv.length === 2 && argv[1].toLowerCase() !== 'schedule')) return Promise.reject(syntaxError());
  return ctx.keyspace.persistence.bgsave(argv.length === 2).then((status) => (writer) => writer.status(status));
}

function bgrewriteaof(ctx: RespContext): Promise<Render> {
  return ctx.keyspace.persistence.rewrite().then((status) => (writer) => writer.status(status));
}

const shutdownLog = new Logger('RespService');
const SHUTDOWN_FLAGS = new Set(['nosave', 'save', 'now', 'force', 'abort']);

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the server stops as on SIGTERM (the log is
 * flushed, so NOSAVE drops nothing acknowledged, and takes no final snapshot under appendonly
 * no; SAVE aborts a running BGSAVE and takes a snapshot first). As in Redis, the client gets no
 * reply: its connection closes when the process ends. Stop scripts written for Redis
 * (`redis-cli shutdown`) work unchanged.
 */
function shutdown(ctx: RespContext, client: RespClient, argv: string[]): void | Promise<Render> {
  const flags = new Set(argv.slice(1).map((arg) => arg.toLowerCase()));
  if ([...flags].some((flag) => !SHUTDOWN_FLAGS.has(flag)) || (flags.has('save') && flags.has('nosave'))) throw syntaxError();
  if (flags.has('abort')) throw new MnemoError('ERR', 'No shutdown in progress.');
  const stop = (): void => {
    shutdownLog.warn(`SHUTDOWN asked by client ${client.addr}: stopping as on SIGTERM`);
    process.kill(process.pid, 'SIGTERM');
  };
  if (!flags.has('save') && !flags.has('nosave')) return stop();
  return ctx.keyspace.persistence.prepareShutdown(flags.has('save') ? 'save' : 'nosave').then(() => {
    stop();
    return () => undefined;
  });
}

function lastsave(ctx: RespContext): void {
  ctx.writer.integer(ctx.keyspace.persistence.lastSave());
}

function memory(ctx: RespContext, _client: RespClient, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  if (sub === 'usage') {
    if (argv.length !== 3 && !(argv.length === 5 && argv[3].toLowerCase() === 'samples')) throw syntaxError();
    const info = ctx.engine.keyInfo(argv[2]);
    if (info) ctx.writer.integer(info.memory);
    else ctx.writer.nullBulk();
    return;
  }
  if (sub === 'doctor') {
    ctx.writer.verbatim('Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.');
    return;
  }
  throw new MnemoError('ERR', `unknown subcommand '${quoted(argv[1])}'. Try MEMORY HELP.`);
}

const LFU_POLICIES = new Set(['allkeys-lfu', 'volatile-lfu']);

function object(ctx: RespContext, _client: RespClient, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  if (!['freq', 'idletime', 'encoding', 'refcount'].includes(sub)) {
    throw new MnemoError('ERR', `unknown subcommand '${quoted(argv[1])}'. Try OBJECT HELP.`);
  }
  if (argv.length !== 3) throw new MnemoError('ERR', `wrong number of arguments for 'object|${sub}' command`);
  const info = ctx.engine.keyInfo(argv[2]);
  if (!info) return ctx.writer.nullBulk();
  const lfu = LFU_POLICIES.has(ctx.engine.stats().maxmemoryPolicy);
  if (sub === 'freq') {
    if (!lfu) {
      throw new MnemoError(
        'ERR',
        'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
      );
    }
    ctx.writer.integer(info.freq);
  } else if (sub === 'idletime') {
    if (lfu) {
      throw new MnemoError(
        'ERR',
        'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
      );
    }
    ctx.writer.integer(info.idleSeconds);
  } else if (sub === 'encoding') {
    ctx.writer.bulk(info.encoding);
  } else {
    ctx.writer.integer(info.refcount);
  }
}

/** FLUSHDB / FLUSHALL [ASYNC|SYNC] through whichever flush command the engine runs. */
function flush(ctx: RespContext, _client: RespClient, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !['async', 'sync'].includes(argv[1].toLowerCase()))) throw syntaxError();
  const name = ctx.engine.commandSpec('flushall') ? 'FLUSHALL' : ctx.engine.commandSpec('flushdb') ? 'FLUSHDB' : null;
  if (name === null) throw new MnemoError('ERR', 'flushing is not supported by this engine');
  writeReply(ctx.writer, ctx.engine.execute([name]));
}

export const SERVER_COMMANDS: CommandEntry[] = [
  defineCommand('info', -1, ['loading', 'stale'], 'server', 'Returns information and statistics about the server.', info),
  defineCommand('dbsize', 1, ['readonly', 'fast'], 'server', 'Returns the number of keys in the database.', dbsize),
  defineCommand('time', 1, ['loading', 'stale', 'fast'], 'server', 'Returns the server time.', time, { since: '2.6.0' }),
  defineCommand('save', 1, ['admin', 'noscript', 'no_async_loading', 'no_multi'], 'server', 'Synchronously saves the database(s) to disk.', save),
  defineCommand('bgsave', -1, ['admin', 'noscript', 'no_async_loading'], 'server', 'Asynchronously saves the database(s) to disk.', bgsave),
  defineCommand('bgrewriteaof', 1, ['admin', 'noscript', 'no_async_loading'], 'server', 'Asynchronously rewrites the append-only file to disk.', bgrewriteaof),
  defineCommand('shutdown', -1, ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], 'server', 'Synchronously saves the database(s) to disk and shuts down the Redis server.', shutdown),
  defineCommand('lastsave', 1, ['loading', 'stale', 'fast'], 'server', 'Returns the Unix timestamp of the last successful save to disk.', lastsave),
  defineCommand('memory', -2, ['readonly'], 'server', 'A container for memory diagnostics commands.', memory, { since: '4.0.0' }),
  defineCommand('object', -2, ['readonly'], 'generic', 'A container for object introspection commands.', object, { since: '2.2.3' }),
  // The engine counts the flush it runs (as flushall: FLUSHDB is the same with one database).
  defineCommand('flushdb', -1, ['write'], 'server', 'Removes all keys from the current database.', flush, { countedByEngine: true }),
  defineCommand('flushall', -1, ['write'], 'server', 'Removes all keys from all databases.', flush, { countedByEngine: true }),
];
