// Runs one command for one client: the checks Redis's processCommand makes, in Redis's order
// (exists, arity and subcommand, auth, MISCONF, pub/sub context, loading, MULTI queueing), then the listener's
// handler or the engine. Replies go to ctx.writer.

import { Logger } from '@nestjs/common';
import { MnemoError, OOM_MESSAGE, quoted } from '@mnemo/engine';
import { arityOk, CommandTable } from './command-table';
import { feedMonitors, monitorRefusal } from './commands/monitor.commands';
import { SUBCOMMAND_ARITY, subcommandError } from './subcommands';
import type { RespClient } from './resp-client';
import { errorText } from './resp-client';
import { countCall, countErrorReply, type CommandEntry, type Render, type RespContext } from './resp-context';
import { writeReply } from './reply-render';

/**
 * Redis's unknown-command text: the name (up to 128 bytes), then each argument quoted with a
 * trailing space while the list is under 128 bytes:
 *   FOO a b  ->  "ERR unknown command 'FOO', with args beginning with: 'a' 'b' "
 */
export function unknownCommandText(argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${quoted(argv[i]).slice(0, 128 - args.length)}' `;
  return `ERR unknown command '${quoted(argv[0]).slice(0, 128)}', with args beginning with: ${args}`;
}

/**
 * The name INFO commandstats counts a call under: `client|setinfo` for a known subcommand of a
 * container command, as Redis 7 reports it; the command's own name otherwise.
 */
export function statName(entry: CommandEntry, argv: string[]): string {
  if (!entry.container || argv.length < 2) return entry.name;
  const sub = argv[1].toLowerCase();
  return Object.hasOwn(SUBCOMMAND_ARITY[entry.name] ?? {}, sub) ? `${entry.name}|${sub}` : entry.name;
}

/** What a client in MULTI may still send while memory is over maxmemory (Redis's processCommand). */
const OOM_EXEMPT_IN_MULTI: ReadonlySet<string> = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * Commands about the server or the transaction (not one database) that run after a refused
 * SELECT too, and do not count as a connection's first data command; connection commands always do.
 */
const NO_DATABASE_NEEDED: ReadonlySet<string> = new Set([
  'command', 'info', 'config', 'time', 'lastsave', 'save', 'bgsave', 'bgrewriteaof', 'monitor',
  'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'publish', 'pubsub',
  'multi', 'exec', 'discard', 'unwatch',
]);

/** A data command: one that acts on the selected database (connection and server commands do not). */
function needsDatabase(entry: CommandEntry): boolean {
  return entry.group !== 'connection' && !NO_DATABASE_NEEDED.has(entry.name);
}

/**
 * The refusal for a data command of a client whose SELECT of a database Mnemo lacks was refused
 * (RespClient.refusedDatabase), else null. Checked when a command arrives and again in EXEC, as
 * MULTI can queue `SELECT 3` and `SET k v` before the SELECT has failed.
 */
export function databaseRefusal(client: RespClient, entry: CommandEntry): string | null {
  if (client.refusedDatabase === null || !needsDatabase(entry)) return null;
  return `ERR this connection asked for database ${client.refusedDatabase}, which Mnemo does not have (only database 0): its commands are refused so that they do not act on database 0 by mistake. SELECT 0, or connect without a database index`;
}

/**
 * `POST` and `Host:` as a command name: an HTTP request sent to the RESP port, most likely by a
 * web page the operator has open (cross-protocol scripting: a form or fetch to 127.0.0.1:6380
 * whose body holds `CONFIG SET requirepass ...`). Redis closes such connections unanswered and
 * warns; so does Mnemo, before any line after it runs.
 */
function isHttpRequestLine(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'post' || lower === 'host:';
}

const crossProtocolLog = new Logger('RespService');

export class Dispatcher {
  constructor(
    private readonly ctx: RespContext,
    readonly table: CommandTable,
  ) {}

  /**
   * Runs `argv` for `client`. Returns a promise only for an asynchronous listener command (the
   * caller waits for it before reading further commands); otherwise the reply is already written.
   */
  private refuseCrossProtocol(client: RespClient): void {
    crossProtocolLog.warn(
      `Possible SECURITY ATTACK detected from ${client.addr}: it looks like somebody is sending POST or Host: commands to Mnemo's Redis port, likely a web page attempting cross-protocol scripting. Connection aborted.`,
    );
    client.destroy();
  }

  execute(client: RespClient, argv: string[]): void | Promise<Render> {
    const entry = this.table.lookup(argv[0]);
    if (entry === undefined) {
      if (isHttpRequestLine(argv[0])) return this.refuseCrossProtocol(client);
      return this.reject(client, unknownCommandText(argv));
    }
    // Redis 7 names a subcommand with its container (CLIENT LIST: cmd=client|info).
    client.lastCommand = entry.container ? statName(entry, argv) : entry.name;
    if (!arityOk(entry, argv.length)) return this.reject(client, `ERR wrong number of arguments for '${entry.name}' command`, entry, argv);
    if (entry.container) {
      const refusal = subcommandError(entry.name, argv);
      if (refusal !== null) return this.reject(client, refusal, entry, argv);
    }
    if (!entry.noAuth && client.authRequired) return this.reject(client, 'NOAUTH Authentication required.', entry, argv);
    const databaseRefused = databaseRefusal(client, entry);
    if (databaseRefused !== null) return this.reject(client, databaseRefused, entry, argv);
    // Redis's maxmemory check, before MISCONF as in processCommand: evict first; if memory stays
    // over maxmemory, refuse what may grow it, and in MULTI anything but EXEC, DISCARD, QUIT and
    // RESET (queuing takes memory too), which dooms the transaction (EXECABORT).
    if (!this.ctx.engine.evictBeforeCommand() && this.refusedOnOom(client, entry)) {
      return this.reject(client, `OOM ${OOM_MESSAGE}`, entry, argv);
    }
    if (entry.write) {
      const writeError = this.ctx.keyspace.durability.writeError();
      if (writeError) return this.reject(client, writeError.toRedisText(), entry, argv);
    }
    if (client.monitoring) {
      const refusal = monitorRefusal(entry);
      if (refusal !== null) return this.reject(client, refusal, entry, argv);
    }
    if (client.inPubSubMode && !entry.pubsubContext) {
      return this.reject(
        client,
        `ERR Can't execute '${statName(entry, argv)}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        entry,
        argv,
      );
    }
    if (!this.ctx.keyspace.ready && !entry.loading) return this.reject(client, 'LOADING Redis is loading the dataset in memory', entry, argv);
    if (client.multi !== null && !entry.transactionControl) {
      if (entry.noMulti) return this.reject(client, 'ERR Command not allowed inside a transaction', entry, argv);
      client.multi.push(argv);
      this.ctx.writer.status('QUEUED');
      return;
    }
    return this.run(client, entry, argv);
  }

  /** Out of memory: is `entry` refused (see execute)? EXEC is, when it would run a command that is. */
  private refusedOnOom(client: RespClient, entry: CommandEntry): boolean {
    if (entry.denyoom) return true;
    if (client.multi === null) return false;
    if (entry.name === 'exec') return client.multi.some((queued) => this.table.lookup(queued[0])?.denyoom === true);
    return !OOM_EXEMPT_IN_MULTI.has(entry.name);
  }

  /** Runs a command past all checks (EXEC uses it for queued commands), then feeds it to any MONITOR. */
  run(client: RespClient, entry: CommandEntry, argv: string[]): void | Promise<Render> {
    if (!client.usedDatabase && needsDatabase(entry)) client.usedDatabase = true;
    const result = client.noTouch ? this.runWithoutTouching(client, entry, argv) : this.runCommand(client, entry, argv);
    if (this.ctx.monitors.size !== 0) {
      // Monitors are observers: a line that cannot be made (a value too big for one more string)
      // costs them that line, never the command's client or the process.
      try {
        feedMonitors(this.ctx, client, entry, argv);
      } catch (error) {
        console.error(`MONITOR: could not feed '${entry.name}' to monitors:`, (error as Error).message);
      }
    }
    return result;
  }

  /** CLIENT NO-TOUCH: the engine leaves access metadata alone for this command, unless it is TOUCH. */
  private runWithoutTouching(client: RespClient, entry: CommandEntry, argv: string[]): void | Promise<Render> {
    const engine = this.ctx.engine;
    engine.noTouch = entry.name !== 'touch';
    try {
      return this.runCommand(client, entry, argv);
    } finally {
      engine.noTouch = false;
    }
  }

  private runCommand(client: RespClient, entry: CommandEntry, argv: string[]): void | Promise<Render> {
    const writer = this.ctx.writer;
    const mark = writer.size;
    try {
      if (entry.handler) {
        if (!entry.countedByEngine) countCall(this.ctx.stats.listenerCalls, statName(entry, argv));
        return entry.handler(this.ctx, client, argv);
      }
      writeReply(writer, this.ctx.engine.execute(argv));
    } catch (error) {
      // A handler that threw half-way must not leave half a reply behind.
      writer.truncate(mark);
      if (!(error instanceof MnemoError)) console.error(`RESP command '${entry.name}' failed:`, error);
      const text = error instanceof MnemoError ? error.toRedisText() : errorText(error);
      countErrorReply(this.ctx.stats, text);
      countCall(this.ctx.stats.failedCalls, statName(entry, argv));
      writer.error(text);
    }
  }

  /** Refuses a command before it runs; inside MULTI this also dooms the transaction (EXECABORT). */
  private reject(client: RespClient, text: string, entry?: CommandEntry, argv?: string[]): void {
    if (client.multi !== null) client.multiFailed = true;
    if (entry !== undefined && argv !== undefined) countCall(this.ctx.stats.rejectedCalls, statName(entry, argv));
    // A refused EXEC (OOM, arity, NOAUTH, ...) ends the transaction, as Redis's execCommandAbort:
    // left open, the commands after it were queued and lost while the client took them as done.
    if (entry?.name === 'exec') {
      client.multi = null;
      client.multiFailed = false;
      this.ctx.watches.unwatchAll(client);
      text = `EXECABORT Transaction discarded because of: ${text.startsWith('ERR ') ? text.slice(4) : text}`;
    }
    countErrorReply(this.ctx.stats, text);
    this.ctx.writer.error(text);
  }
}
