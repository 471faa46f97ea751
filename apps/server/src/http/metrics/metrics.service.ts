// Prometheus metrics (prom-client) read from the engine, persistence and rate limiter at scrape
// time, so the request path pays nothing for them. Each server has its own registry (tests run
// several servers in one process).

import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { KeyspaceService } from '../../core/keyspace.service';
import { RateLimitService } from '../ratelimit/ratelimit.service';

/** INFO persistence field saying how far the fsynced log lags behind, in ms (-1: unknown). */
const LAG_FIELD = 'mnemo_fsync_lag_ms';
/** INFO persistence field counting records acknowledged but not yet committed. */
const PENDING_FIELD = 'mnemo_log_pending_records';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(keyspace: KeyspaceService, rateLimits: RateLimitService) {
    const registry = this.registry;
    const stats = () => keyspace.engine.stats();
    const total = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });

    total('mnemo_commands_total', 'Commands run by the engine (all adapters).', () => stats().totalCommands);
    new Counter({
      name: 'mnemo_commands_by_name_total',
      help: 'Commands run by the engine, per command.',
      labelNames: ['command'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [command, calls] of Object.entries(stats().commandCalls)) this.inc({ command }, calls);
      },
    });
    total('mnemo_keyspace_hits_total', 'Reads that found their key.', () => stats().hits);
    total('mnemo_keyspace_misses_total', 'Reads that did not find their key.', () => stats().misses);
    gauge('mnemo_keyspace_hit_ratio', 'hits / (hits + misses) since start (0 before any read).', () => {
      const s = stats();
      return s.hits + s.misses === 0 ? 0 : s.hits / (s.hits + s.misses);
    });
    gauge('mnemo_keys', 'Keys in the keyspace.', () => stats().keys);
    gauge('mnemo_keys_with_ttl', 'Keys with a TTL.', () => stats().keysWithTtl);
    gauge('mnemo_used_memory_bytes', 'Estimated keyspace memory.', () => stats().usedMemory);
    gauge('mnemo_maxmemory_bytes', 'maxmemory (0: no limit).', () => stats().maxmemory);
    total('mnemo_evicted_keys_total', 'Keys evicted by the maxmemory policy.', () => stats().evictedKeys);
    total('mnemo_expired_keys_total', 'Keys removed because their TTL passed.', () => stats().expiredKeys);
    new Counter({
      name: 'mnemo_ratelimit_decisions_total',
      help: 'Rate-limit decisions, per policy ("" for ad-hoc checks) and decision.',
      labelNames: ['policy', 'decision'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [policy, totals] of rateLimits.totals) {
          this.inc({ policy, decision: 'allowed' }, totals.allowed);
          this.inc({ policy, decision: 'denied' }, totals.denied);
          this.inc({ policy, decision: 'shadow_denied' }, totals.shadowDenied);
        }
      },
    });
    new Counter({
      name: 'mnemo_ratelimit_near_limit_total',
      help: 'Allowed rate-limit decisions with at least 80% of the limit used (part of decision="allowed"), per policy.',
      labelNames: ['policy'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [policy, totals] of rateLimits.totals) this.inc({ policy }, totals.nearLimit);
      },
    });
    gauge('mnemo_persistence_lag_seconds', 'How far the fsynced event log lags behind acknowledged writes (0 when unknown or off).', () => {
      const lag = keyspace.persistence.info()[LAG_FIELD];
      return typeof lag === 'number' && lag > 0 ? lag / 1000 : 0;
    });
    gauge('mnemo_persistence_pending_records', 'Records acknowledged but not yet committed to the event log.', () => {
      const pending = keyspace.persistence.info()[PENDING_FIELD];
      return typeof pending === 'number' ? pending : 0;
    });
    gauge('mnemo_persistence_write_error', '1 while the event log cannot commit (writes answer MISCONF).', () => (keyspace.durability.writeError() ? 1 : 0));
    new Gauge({
      name: 'mnemo_persistence_info',
      help: 'Numeric INFO persistence fields, by field name; status fields (rdb_last_bgsave_status, aof_last_bgrewrite_status, aof_last_write_status) as 1 for ok, 0 for err.',
      labelNames: ['field'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [field, value] of Object.entries(keyspace.persistence.info())) {
          if (typeof value === 'number') this.set({ field }, value);
          else if (value === 'ok' || value === 'err') this.set({ field }, value === 'ok' ? 1 : 0);
        }
      },
    });
    gauge('mnemo_ready', '1 once recovery is done.', () => (keyspace.ready ? 1 : 0));
    collectDefaultMetrics({ register: registry, prefix: 'mnemo_process_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
