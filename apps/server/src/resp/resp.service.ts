// The Redis-protocol TCP listener: accepts clients on config.host / config['resp-port'],
// enforces maxclients and the idle timeout, and wires engine mutations to WATCH and keyspace
// notifications. Started on application bootstrap, closed before the other modules shut down.

import { createServer, Server, Socket } from 'node:net';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import type { MnemoConfig } from '../config/options';
import { KeyspaceService } from '../core/keyspace.service';
import { ServerCounters } from '../core/server-counters';
import { MNEMO_CONFIG } from '../core/tokens';
import { CommandTable } from './command-table';
import { METRICS_SAMPLE_MS } from './instantaneous-metrics';
import { CLIENT_COMMANDS } from './commands/client.commands';
import { commandCommands } from './commands/command.commands';
import { CONFIG_COMMANDS } from './commands/config.commands';
import { CONNECTION_COMMANDS } from './commands/connection.commands';
import { MONITOR_COMMANDS } from './commands/monitor.commands';
import { FALLBACK_COMMANDS, SERVER_COMMANDS } from './commands/server.commands';
import { Dispatcher } from './dispatcher';
import { PUBSUB_COMMANDS } from './pubsub/pubsub.commands';
import { RespClient } from './resp-client';
import { RespContext } from './resp-context';
import { RespMutationSink } from './resp-mutation-sink';
import { DIAGNOSTICS_COMMANDS } from './commands/diagnostics.commands';
import { scriptingCommands } from './scripting/scripting.commands';
import { transactionCommands } from './transaction/transaction.commands';
import { listenError } from '../config/listen-error';

/** How often idle clients are looked for (Redis's clientsCron runs about once a second per client). */
const IDLE_SWEEP_MS = 1000;

@Injectable()
export class RespService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RespService');
  readonly ctx: RespContext;
  readonly dispatcher: Dispatcher;
  private server: Server | null = null;
  /** Connections refused over maxclients, until they close (destroyed at shutdown). */
  private readonly rejected = new Set<Socket>();
  private idleTimer: NodeJS.Timeout | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    keyspace: KeyspaceService,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    @Optional() counters?: ServerCounters,
  ) {
    this.ctx = new RespContext(keyspace, config, counters ?? null);
    this.ctx.notifier.configure(config['notify-keyspace-events']);
    const dispatcher = (): Dispatcher => this.dispatcher;
    const own = [
      ...CONNECTION_COMMANDS,
      ...CLIENT_COMMANDS,
      ...SERVER_COMMANDS,
      ...DIAGNOSTICS_COMMANDS,
      ...CONFIG_COMMANDS,
      ...PUBSUB_COMMANDS,
      ...MONITOR_COMMANDS,
      ...transactionCommands(dispatcher),
      ...commandCommands(dispatcher),
      ...scriptingCommands(dispatcher),
    ];
    this.dispatcher = new Dispatcher(this.ctx, new CommandTable(keyspace.engine, own, FALLBACK_COMMANDS));
  }

  /** The TCP port actually bound (useful with resp-port 0); 0 before start. */
  get port(): number {
    return this.ctx.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const ctx = this.ctx;
    const mutations = new RespMutationSink(ctx.watches, ctx.notifier);
    mutations.attach(ctx.engine);
    const stopKeyEvents = ctx.engine.onKeyEvent((event, key) => {
      // FLUSHALL dirties the watchers of the keys it removes, as Redis 7.0 (not of absent keys).
      if (event === 'flush') ctx.watches.touchedWhere((watched) => ctx.engine.keyInfo(watched) !== null);
      else ctx.notifier.onKeyEvent(event, key);
    });
    this.stopListening = () => {
      mutations.stop();
      stopKeyEvents();
    };
    // allowHalfOpen: a client's FIN ends its requests, not our replies (RespClient ends the socket).
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const refused = (error: Error) => reject(listenError(error, 'resp-port', this.config.host, this.config['resp-port']));
      server.once('error', refused);
      server.listen(this.config['resp-port'], this.config.host, () => {
        server.off('error', refused);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.error(`RESP listener error: ${error.message}`));
    const address = server.address();
    ctx.port = typeof address === 'object' && address ? address.port : this.config['resp-port'];
    this.idleTimer = setInterval(() => this.closeIdleClients(), IDLE_SWEEP_MS);
    this.idleTimer.unref();
    this.metricsTimer = setInterval(() => ctx.sampleMetrics(), METRICS_SAMPLE_MS);
    this.metricsTimer.unref();
    if (this.config['log-level'] !== 'silent') this.logger.log(`Redis protocol listening on ${this.config.host}:${ctx.port}`);
  }

  /**
   * Stops accepting clients and closes the connected ones before any module's shutdown hook runs,
   * so no write is taken while persistence flushes and closes its log.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.stopListening?.();
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Replies written this turn are still corked (turn-writes.ts): send them before the sockets go.
    this.ctx.turnWrites.flushNow();
    for (const client of this.ctx.clients.values()) client.destroy();
    for (const socket of this.rejected) socket.destroy();
    await closed;
  }

  /** Admits a connection, or answers Redis's max-clients error and closes it. */
  private accept(socket: Socket): void {
    const ctx = this.ctx;
    ctx.stats.connectionsReceived++;
    if (ctx.clients.size >= this.config.maxclients) {
      ctx.stats.rejectedConnections++;
      socket.on('error', (error) => this.logger.debug(`rejected client socket error: ${error.message}`));
      // Read and drop what it sends, so its FIN is seen and the socket closes: unread, it stayed
      // open and server.close() at shutdown waited for it forever.
      this.rejected.add(socket);
      socket.on('close', () => this.rejected.delete(socket));
      socket.resume();
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const client = new RespClient(socket, ctx, this.dispatcher);
    ctx.clients.set(client.id, client);
    if (ctx.counters) ctx.counters.respClients++;
    socket.on('error', (error) => this.logger.debug(`client ${client.id} socket error: ${error.message}`));
    socket.on('close', () => {
      client.markClosed();
      ctx.clients.delete(client.id);
      ctx.watches.unwatchAll(client);
      ctx.pubsub.removeClient(client);
      ctx.monitors.delete(client);
      if (ctx.counters) ctx.counters.respClients--;
    });
  }

  /** Closes clients idle longer than `timeout` seconds (0: never), except subscribers and monitors, as Redis. */
  closeIdleClients(now = Date.now()): void {
    const timeout = this.config.timeout;
    if (timeout <= 0) return;
    const cutoff = now - timeout * 1000;
    for (const client of this.ctx.clients.values()) {
      if (client.subscriptionCount === 0 && !client.monitoring && client.lastInteraction < cutoff) client.destroy();
    }
  }
}
