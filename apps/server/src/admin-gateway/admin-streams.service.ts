// Drives the server → dashboard streams: hooks the engine's mutation records into the keyspace
// and removal feeds, flushes them every FEED_INTERVAL_MS, and sends a stats frame (and polls
// persistence) every STATS_INTERVAL_MS, to the sockets the gateway registers.

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AdminStream } from '@mnemo/contracts';
import type { SampledSinkHandle } from '@mnemo/engine';
import type { AdminStreamPayloads, StatsFrame } from '@mnemo/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { MnemoConfig } from '../config/options';
import { KeyspaceService, systemClock } from '../core/keyspace.service';
import { ServerCounters } from '../core/server-counters';
import { MNEMO_CONFIG } from '../core/tokens';
import { DashboardSink } from './dashboard-sink';
import { KeyspaceFeed } from './keyspace-feed';
import { persistenceStatus, PersistenceWatch } from './persistence-watch';
import { RemovalFeed } from './removal-feed';
import { StatsSampler } from './stats-sampler';

export const FEED_INTERVAL_MS = 200;
export const STATS_INTERVAL_MS = 1000;
/** Batches handed to a socket since its transport last drained, beyond which it is skipped. */
export const MAX_UNDRAINED_BATCHES = 50;

interface Client {
  socket: Socket;
  undrained: number;
}

@Injectable()
export class AdminStreamsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AdminGateway');
  private namespace: Namespace | null = null;
  private readonly clients = new Map<string, Client>();
  private readonly keyspaceFeed: KeyspaceFeed;
  private readonly removals = new RemovalFeed(() => systemClock.now());
  private readonly watch = new PersistenceWatch((event) => this.broadcast(AdminStream.persistence, event));
  private sampler: StatsSampler | null = null;
  private lastFrame: StatsFrame | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** The dashboards' sink registration while one is connected. */
  private sampling: SampledSinkHandle | null = null;

  constructor(
    private readonly keyspace: KeyspaceService,
    private readonly counters: ServerCounters,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
  ) {
    this.keyspaceFeed = new KeyspaceFeed({
      keyInfo: (key) => keyspace.engine.keyInfo(key),
      lastSeq: () => keyspace.engine.lastSeq,
      maxKeyBytes: () => config['max-key-length'],
      setStride: (stride) => this.sampling?.restart(stride),
    });
    this.sink = new DashboardSink(this.removals, this.keyspaceFeed);
  }

  /** The engine's mutation sink, registered only while a dashboard is connected: O(1), never awaits, nothing per socket. */
  private readonly sink: DashboardSink;

  onModuleInit(): void {
    const engine = this.keyspace.engine;
    this.sampler = new StatsSampler(
      {
        stats: () => engine.stats(),
        familyOf: (name) => engine.commandSpec(name)?.group ?? 'other',
        counters: () => this.counters,
      },
      systemClock.now(),
    );
    this.timers = [
      setInterval(() => this.safely('feed flush', () => this.flushFeeds()), FEED_INTERVAL_MS),
      setInterval(() => this.safely('stats frame', () => this.tickStats()), STATS_INTERVAL_MS),
    ];
    for (const timer of this.timers) timer.unref();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.sampling?.remove();
    this.sampling = null;
    this.watch.stop();
  }

  /** Called once by the gateway with its namespace. */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** An authenticated dashboard connected: it gets the latest stats frame and the persistence history. */
  welcome(socket: Socket): void {
    const client: Client = { socket, undrained: 0 };
    this.clients.set(socket.id, client);
    if (this.sampling === null) {
      this.sampling = this.keyspace.engine.addSampledMutationSink(this.sink);
      this.sampling.restart(this.keyspaceFeed.currentStride);
    }
    socket.conn.on('drain', () => {
      client.undrained = 0;
    });
    if (this.lastFrame) socket.emit(AdminStream.stats, this.lastFrame);
    for (const event of this.watch.recent()) socket.emit(AdminStream.persistence, event);
  }

  forget(socket: Socket): void {
    this.clients.delete(socket.id);
    this.keyspaceFeed.unsubscribe(socket.id);
    if (this.clients.size === 0 && this.sampling) {
      this.sampling.remove();
      this.sampling = null;
      this.removals.clear();
    }
  }

  subscribe(socket: Socket, pattern: string): string[] | { error: string } {
    return this.keyspaceFeed.subscribe(socket.id, pattern);
  }

  unsubscribe(socket: Socket, pattern?: string): string[] {
    return this.keyspaceFeed.unsubscribe(socket.id, pattern);
  }

  /** Sends what the feeds collected in the last window. Exposed for tests and benchmarks. */
  flushFeeds(): void {
    if (this.clients.size === 0) return;
    const now = systemClock.now();
    for (const { ids, batch } of this.keyspaceFeed.drain(now)) {
      const ready: string[] = [];
      for (const id of ids) {
        const client = this.clients.get(id);
        if (!client) continue;
        if (client.undrained >= MAX_UNDRAINED_BATCHES) {
          this.keyspaceFeed.carryDropped(id, batch.changes.length + batch.dropped);
        } else {
          client.undrained++;
          ready.push(id);
        }
      }
      // Each socket is in a room named by its id: one encoding for all of them.
      if (ready.length > 0 && this.namespace) this.namespace.to(ready).emit(AdminStream.keyspace, batch);
    }
    if (this.removals.pending) {
      const { evictions, expirations } = this.removals.drain(this.keyspace.engine.stats());
      if (evictions) this.broadcast(AdminStream.evictions, evictions);
      if (expirations) this.broadcast(AdminStream.expirations, expirations);
    }
  }

  /** Sends a stats frame and polls persistence. Exposed for benchmarks. */
  tickStats(): void {
    const now = systemClock.now();
    const persistence = this.keyspace.persistence;
    this.watch.poll(persistence, now);
    if (!this.sampler) return;
    const appendfsync = persistence.configGet('appendfsync')[0]?.[1] ?? this.config.appendfsync;
    this.lastFrame = this.sampler.sample(now, persistenceStatus(persistence, appendfsync, now));
    this.broadcast(AdminStream.stats, this.lastFrame);
  }

  /** Runs a timer's work; a failure is logged and the next tick tries again (never a crash). */
  private safely(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger.error(`${what} failed: ${(error as Error).stack ?? String(error)}`);
    }
  }

  /** One encoding for all dashboards, skipping those whose transport is backed up. */
  private broadcast<S extends keyof AdminStreamPayloads>(stream: S, payload: AdminStreamPayloads[S]): void {
    if (!this.namespace || this.clients.size === 0) return;
    const slow: string[] = [];
    for (const [id, client] of this.clients) {
      if (client.undrained >= MAX_UNDRAINED_BATCHES) slow.push(id);
      else client.undrained++;
    }
    const target = slow.length > 0 ? this.namespace.except(slow) : this.namespace;
    target.emit(stream, payload);
  }
}
