// Owns the one Engine of this process: builds it from the config, drives its active expiry,
// and gives every adapter the same door to it (engine, durability, persistence control).

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ACTIVE_EXPIRE_INTERVAL_MS, Engine, EvictionPolicy } from '@mnemo/engine';
import type { MnemoConfig } from '../config/options';
import { Durability, NO_DURABILITY } from './durability';
import { NO_PERSISTENCE, PersistenceControl } from './persistence-control';
import { MNEMO_CONFIG } from './tokens';
import { budgetClock, TurnClock } from './turn-clock';


/** The process's one clock: the engine, rate limits and streams all see the same time. */
export const systemClock = new TurnClock();

@Injectable()
export class KeyspaceService implements OnModuleInit, OnApplicationShutdown {
  readonly engine: Engine;
  /** The engine's clock: command runs pin it to one reading (see turn-clock.ts). */
  readonly clock = systemClock;
  durability: Durability = NO_DURABILITY;
  persistence: PersistenceControl = NO_PERSISTENCE;
  /** False while recovering from disk; /readyz and the listeners answer LOADING meanwhile. */
  ready = true;
  private expireTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(MNEMO_CONFIG) readonly config: MnemoConfig) {
    this.engine = new Engine({
      clock: systemClock,
      budgetClock,
      maxmemory: config.maxmemory,
      maxmemoryPolicy: config['maxmemory-policy'] as EvictionPolicy,
      maxmemorySamples: config['maxmemory-samples'],
      lfuLogFactor: config['lfu-log-factor'],
      lfuDecayTime: config['lfu-decay-time'],
      protoMaxBulkLen: config['proto-max-bulk-len'],
    });
  }

  onModuleInit(): void {
    // No active expiry while recovering: its delete records would race the replayed log's seqs.
    this.expireTimer = setInterval(() => this.expireTick(), ACTIVE_EXPIRE_INTERVAL_MS);
    this.expireTimer.unref();
  }

  private expireTick(): void {
    if (!this.ready) return;
    this.clock.enter();
    try {
      this.engine.tick();
    } catch (error) {
      // A timer callback that throws ends the process; one failed cycle only delays expiry.
      console.error('active expiry cycle failed:', error);
    } finally {
      this.clock.exit();
    }
  }

  onApplicationShutdown(): void {
    if (this.expireTimer) clearInterval(this.expireTimer);
  }
}
