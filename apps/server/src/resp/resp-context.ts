// Shared state of the RESP listener: the keyspace door, config, the one reply writer, the
// client registry, pub/sub, WATCH bookkeeping and counters. Command handlers receive it.

import { randomBytes } from 'node:crypto';
import type { Engine } from '@mnemo/engine';
import { ReplyWriter } from '@mnemo/protocol';
import type { MnemoConfig } from '../config/options';
import type { KeyspaceService } from '../core/keyspace.service';
import type { ServerCounters } from '../core/server-counters';
import { InstantaneousMetrics } from './instantaneous-metrics';
import { TurnWrites } from './turn-writes';
import type { RespClient } from './resp-client';
import { KeyspaceNotifier } from './pubsub/keyspace-events';
import { PubSubHub } from './pubsub/pubsub-hub';
import { WatchRegistry } from './transaction/watch-registry';

/** Writes a reply that an asynchronous command computed (see CommandHandler). */
export type Render = (writer: ReplyWriter) => void;

/**
 * A command implemented by the listener. It writes its reply to `ctx.writer` synchronously and
 * returns nothing, or returns a promise of a Render for work that must wait (SAVE, CONFIG SET
 * appendfsync); the client then stops reading its later commands until the reply is written,
 * so replies stay in order. Throwing a MnemoError writes `-CODE message`.
 */
export type CommandHandler = (ctx: RespContext, client: RespClient, argv: string[]) => void | Promise<Render>;

export interface CommandEntry {
  /** Lower-case name. */
  name: string;
  /** Redis arity: positive = exact argc (name included), negative = at least -arity. */
  arity: number;
  /** Has subcommands with their own arities (OBJECT, CONFIG, CLIENT, ...: see subcommands.ts). */
  container: boolean;
  /** Redis COMMAND flags: write, readonly, denyoom, fast, admin, noscript, loading, stale, no_auth, ... */
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  /** Redis COMMAND DOCS group: string, hash, generic, server, connection, transactions, pubsub. */
  group: string;
  summary: string;
  since: string;
  /** Undefined: the engine runs it. */
  handler?: CommandHandler;
  write: boolean;
  /** May grow memory (Redis's denyoom): refused with OOM before it runs while maxmemory is exceeded. */
  denyoom: boolean;
  /** Runs before AUTH (AUTH, HELLO, QUIT, RESET). */
  noAuth: boolean;
  /** Allowed in RESP2 subscribed mode (PING, QUIT, RESET, (P)SUBSCRIBE, (P)UNSUBSCRIBE). */
  pubsubContext: boolean;
  /** Runs immediately inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
  transactionControl: boolean;
  /** Refused inside MULTI ("Command not allowed inside a transaction"). */
  noMulti: boolean;
  /** Runs while the dataset is loading. */
  loading: boolean;
  /** Counted in the engine's command stats (engine commands, and handlers that run one). */
  countedByEngine: boolean;
}

export interface RespStats {
  connectionsReceived: number;
  rejectedConnections: number;
  netInputBytes: number;
  netOutputBytes: number;
  errorReplies: number;
  /** INFO commandstats, by command name: calls of listener commands (the engine counts its own). */
  listenerCalls: Map<string, number>;
  /** Refused before running (arity, NOAUTH, MISCONF, ...): Redis's rejected_calls. */
  rejectedCalls: Map<string, number>;
  /** Ran and failed with an error reply: Redis's failed_calls. */
  failedCalls: Map<string, number>;
  /** INFO errorstats: error replies by their code, the first word (ERR, WRONGTYPE, OOM, ...). */
  errorCodes: Map<string, number>;
}

export function emptyStats(): RespStats {
  return {
    connectionsReceived: 0,
    rejectedConnections: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errorReplies: 0,
    listenerCalls: new Map(),
    rejectedCalls: new Map(),
    failedCalls: new Map(),
    errorCodes: new Map(),
  };
}

/** Counts an error reply of `text` ("WRONGTYPE Operation ...") in total_error_replies and errorstats. */
export function countErrorReply(stats: RespStats, text: string): void {
  stats.errorReplies++;
  const space = text.indexOf(' ');
  countCall(stats.errorCodes, space === -1 ? text : text.slice(0, space));
}

/** Adds one to `name`'s count. */
export function countCall(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

export class RespContext {
  readonly writer = new ReplyWriter();
  /** Every client's socket writes, sent together at the end of the event-loop turn. */
  readonly turnWrites = new TurnWrites();
  readonly clients = new Map<number, RespClient>();
  readonly pubsub = new PubSubHub();
  readonly notifier = new KeyspaceNotifier(this.pubsub);
  readonly watches = new WatchRegistry();
  /** Clients in MONITOR mode (commands/monitor.commands.ts). */
  readonly monitors = new Set<RespClient>();
  readonly stats: RespStats = emptyStats();
  /** INFO's instantaneous_* rates, sampled every METRICS_SAMPLE_MS by the listener. */
  readonly metrics = new InstantaneousMetrics();
  readonly startedAt = Date.now();
  /** INFO's run_id: 40 random hex characters, new at every start. */
  readonly runId = randomBytes(20).toString('hex');
  /** The client whose commands are being run right now (its replies are in `writer`). */
  current: RespClient | null = null;
  /** TCP port actually bound (differs from config['resp-port'] when that is 0). */
  port = 0;
  private lastClientId = 0;

  constructor(
    readonly keyspace: KeyspaceService,
    readonly config: MnemoConfig,
    readonly counters: ServerCounters | null,
  ) {}

  get engine(): Engine {
    return this.keyspace.engine;
  }

  nextClientId(): number {
    return ++this.lastClientId;
  }

  /** Commands run: the engine's (from every front end) and the listener's own (Redis's total_commands_processed). */
  commandsProcessed(): number {
    let listener = 0;
    for (const calls of this.stats.listenerCalls.values()) listener += calls;
    return this.engine.stats().totalCommands + listener;
  }

  /** Feeds the instantaneous metrics (every METRICS_SAMPLE_MS). */
  sampleMetrics(at = Date.now()): void {
    this.metrics.sample(at, this.commandsProcessed(), this.stats.netInputBytes, this.stats.netOutputBytes);
  }
}
