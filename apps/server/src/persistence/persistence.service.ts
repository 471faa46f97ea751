// Wires @mnemo/persistence into the server: recovers the keyspace at start-up, then serves as the
// keyspace's Durability and PersistenceControl; flushes the log on shutdown (SIGTERM/SIGINT).

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Persistence } from '@mnemo/persistence';
import type { MnemoConfig } from '../config/options';
import { KeyspaceService } from '../core/keyspace.service';
import { MNEMO_CONFIG } from '../core/tokens';

@Injectable()
export class PersistenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Persistence');
  private persistence: Persistence | null = null;

  constructor(
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    private readonly keyspace: KeyspaceService,
  ) {}

  /** The running persistence (null before start-up finished or after shutdown). */
  get current(): Persistence | null {
    return this.persistence;
  }

  /**
   * Opens the database (applying migrations; refusing foreign or newer files), recovers the
   * engine with keyspace.ready false, then hands the keyspace its durability and persistence
   * control. Nest awaits this before the listeners start; a refusal rejects and start-up fails
   * with the StoreError's message.
   */
  async onModuleInit(): Promise<void> {
    const config = this.config;
    this.keyspace.ready = false;
    const quiet = config['log-level'] === 'silent';
    this.persistence = await Persistence.open(this.keyspace.engine, {
      dbPath: config.db,
      migrationsDir: config['migrations-dir'] || undefined,
      appendonly: config.appendonly,
      appendfsync: config.appendfsync,
      save: config.save,
      autoAofRewritePercentage: config['auto-aof-rewrite-percentage'],
      autoAofRewriteMinSize: config['auto-aof-rewrite-min-size'],
      aofLoadTruncated: config['aof-load-truncated'],
      logger: {
        log: (message) => !quiet && this.logger.log(message),
        warn: (message) => !quiet && this.logger.warn(message),
        error: (message) => this.logger.error(message),
      },
    });
    this.keyspace.durability = this.persistence;
    this.keyspace.persistence = this.persistence;
    this.keyspace.ready = true;
  }

  /** Commits and fsyncs the log (or SAVEs with appendonly no), then stops the writer thread. */
  async onApplicationShutdown(signal?: string): Promise<void> {
    const persistence = this.persistence;
    if (!persistence) return;
    this.persistence = null;
    this.logger.log(`${signal ? `${signal} received` : 'shutting down'}: listeners closed; persisting before exit`);
    await persistence.close();
  }
}
