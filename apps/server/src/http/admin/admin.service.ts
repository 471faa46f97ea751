// What the admin API does: INFO-like stats, CONFIG GET/SET across the engine and persistence,
// SAVE/BGSAVE/rewrite and FLUSHALL.

import { Injectable } from '@nestjs/common';
import { bytesFromText, MnemoError } from '@mnemo/engine';
import { HttpErrorCode } from '@mnemo/contracts';
import { SnapshotConflict } from '@mnemo/persistence';
import type { AdminInfo, KeyCountView } from '@mnemo/contracts';
import { KeyspaceService } from '../../core/keyspace.service';
import { HttpApiError, validationError } from '../common/http-error';
import { commitWrite } from '../common/write-gate';
import { RateLimitService } from '../ratelimit/ratelimit.service';
import { MNEMO_VERSION } from '../../version';

const STARTED_AT = Date.now();

/** Keys one slice of a key count visits before the event loop gets a turn (~1–3 ms here). */
const COUNT_SLICE = 10_000;

/**
 * Persistence errors: a snapshot refused because one runs is a 409 SNAPSHOT_RUNNING; another ERR
 * is a snapshot that failed (500, with its cause); other MnemoErrors keep their mapping (MISCONF
 * 503...); anything else means persistence is not there (501).
 */
function persistenceError(error: unknown): HttpApiError | MnemoError {
  if (error instanceof SnapshotConflict) return new HttpApiError(409, HttpErrorCode.snapshotRunning, error.message);
  if (error instanceof MnemoError) return error.code === 'ERR' ? new HttpApiError(500, HttpErrorCode.internal, error.message) : error;
  return new HttpApiError(501, 'NOT_CONFIGURED', (error as Error).message);
}

@Injectable()
export class AdminService {
  constructor(
    private readonly keyspace: KeyspaceService,
    private readonly rateLimits: RateLimitService,
  ) {}

  /**
   * Counts the keys matching `pattern` (and `type`) with one whole SCAN in slices of COUNT_SLICE
   * keys, giving the event loop a turn between slices so clients are served meanwhile. SCAN's
   * guarantee holds: a key present for the whole count is counted once; keys added or removed
   * meanwhile may or may not be. Expired keys met on the way are deleted, as SCAN does.
   */
  async countKeys(pattern: string, type: 'string' | 'hash' | undefined): Promise<KeyCountView> {
    const started = performance.now();
    const match = pattern === '*' ? undefined : bytesFromText(pattern);
    let cursor = '0';
    let count = 0;
    for (;;) {
      const step = this.keyspace.engine.scan(cursor, { match, count: COUNT_SLICE, type });
      count += step.keys.length;
      cursor = step.cursor;
      if (cursor === '0') break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { pattern, type: type ?? null, count, ms: Math.round(performance.now() - started) };
  }

  info(): AdminInfo {
    const stats = this.keyspace.engine.stats();
    const reads = stats.hits + stats.misses;
    const memory = process.memoryUsage();
    const rateLimit: Record<string, number> = {};
    for (const [policy, totals] of this.rateLimits.totals) {
      const name = policy || '(ad hoc)';
      rateLimit[`${name}.allowed`] = totals.allowed;
      rateLimit[`${name}.denied`] = totals.denied;
      rateLimit[`${name}.shadow_denied`] = totals.shadowDenied;
    }
    return {
      server: {
        version: MNEMO_VERSION,
        node: process.version,
        pid: process.pid,
        uptime_in_seconds: Math.floor((Date.now() - STARTED_AT) / 1000),
        ready: this.keyspace.ready,
      },
      memory: {
        used_memory: stats.usedMemory,
        used_memory_peak: stats.peakMemory,
        maxmemory: stats.maxmemory,
        maxmemory_policy: stats.maxmemoryPolicy,
        process_rss: memory.rss,
        process_heap_used: memory.heapUsed,
      },
      stats: {
        total_commands_processed: stats.totalCommands,
        keyspace_hits: stats.hits,
        keyspace_misses: stats.misses,
        hit_rate: reads === 0 ? null : stats.hits / reads,
        expired_keys: stats.expiredKeys,
        evicted_keys: stats.evictedKeys,
        expired_stale_perc: stats.expiredStaleFraction * 100,
        last_seq: stats.lastSeq,
      },
      keyspace: { keys: stats.keys, expires: stats.keysWithTtl, avg_ttl: stats.avgTtlMs },
      commandstats: Object.fromEntries(Object.entries(stats.commandCalls).map(([name, calls]) => [`cmdstat_${name}`, calls])),
      persistence: { ...this.keyspace.persistence.info(), write_error: this.keyspace.durability.writeError()?.message ?? null },
      ratelimit: rateLimit,
    };
  }

  /** CONFIG GET over engine- and persistence-owned parameters (glob pattern). */
  configGet(pattern: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of [...this.keyspace.engine.configGet(pattern), ...this.keyspace.persistence.configGet(pattern)]) result[name] = value;
    return result;
  }

  /** CONFIG SET of one parameter; 400 naming params.name when nobody owns it. */
  async configSet(name: string, value: string): Promise<Record<string, string>> {
    const lower = name.toLowerCase();
    let applied = this.keyspace.engine.configSet(lower, value);
    if (!applied) {
      try {
        applied = await this.keyspace.persistence.configSet(lower, value);
      } catch (error) {
        // A bad value is the client's (400, Redis's wording); anything else is persistence's.
        if (error instanceof MnemoError) throw error;
        throw persistenceError(error);
      }
    }
    if (!applied) throw validationError('params.name', `unknown or read-only parameter '${name}'`);
    return this.configGet(lower);
  }

  async save(): Promise<{ status: string }> {
    try {
      await this.keyspace.persistence.save();
    } catch (error) {
      throw persistenceError(error);
    }
    return { status: 'OK' };
  }

  async bgsave(): Promise<{ status: string }> {
    try {
      return { status: await this.keyspace.persistence.bgsave() };
    } catch (error) {
      throw persistenceError(error);
    }
  }

  async rewrite(): Promise<{ status: string }> {
    try {
      return { status: await this.keyspace.persistence.rewrite() };
    } catch (error) {
      throw persistenceError(error);
    }
  }

  /** FLUSHALL: every key is gone (logged as one flush record). */
  async flush(): Promise<{ flushed: number }> {
    const keys = this.keyspace.engine.stats().keys;
    await commitWrite(this.keyspace, () => this.keyspace.engine.execute(['FLUSHALL']));
    return { flushed: keys };
  }
}
