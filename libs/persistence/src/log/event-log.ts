// The event log (AOF): buffers mutation records, group-commits them as one row per batch through
// the writer thread, and tells writers when their record is durable under the fsync policy.
//
// Design note: group commit. Records are encoded into `current` as the engine emits them (the
// log is the engine's MutationSink: arguments in, bytes out, no record object per write). A batch
// is sealed and sent to the writer thread when
//   always:    at the end of the event-loop turn that produced it (setImmediate) if no commit is
//              in flight, else as soon as the previous commit returns. Only one commit is in
//              flight and nothing is sealed meanwhile, so every concurrent writer's record lands
//              in the same next batch:
//                turn 1: w1..w50 SET  -> batch A (50 records) sent, commit + fsync in the worker
//                turn 2..k: w51..w90  -> accumulate in `current`
//                ack A: resolve waiters <= A.lastSeq (w1..w50 reply), send batch B (40 records)
//              Measured alternatives (BENCHMARKS.md, 2026-11-27 10:19): two or four commits in
//              flight, every batch sent at once with the writer committing all waiting ones in one
//              INSERT, and holding B until A's clients have written again. None was a reliable
//              gain: ~200-260 us of the ~400-570 us cycle is SQLite's commit itself.
//   everysec:  every flushIntervalMs (100 ms) with PRAGMA synchronous=NORMAL (the WAL is written,
//              so a killed process loses nothing committed) and a WAL checkpoint every second,
//              which is what fsyncs the WAL in SQLite's WAL+NORMAL mode: an OS crash loses ~1 s.
//   no:        every flushIntervalMs with synchronous=OFF; the OS decides when bytes hit disk.
// Backlog limit: under everysec and no, replies do not wait for the writer thread, so a writer
// that falls behind (a slow disk, a long checkpoint) would let unsent batches grow without bound.
// Once more than maxBacklogBytes are waiting, writes are acknowledged only when committed, as
// under always: clients slow down to the disk's pace instead of the server's memory growing.
// When the backlog is back under half the limit, acknowledgements are immediate again.
//   everysec, limit 64 MB: 70 MB queued -> a SET's reply waits for its batch's commit
//                          30 MB queued -> replies at once again
// Lag limit, the same by time: a writer thread that commits nothing for a while (SQLite locked by
// another program, a stalled disk) holds little in bytes but more and more acknowledged writes
// that a kill would lose (1.8 s of them, measured). So once the oldest waiting batch is
// maxLagMs (2 s, Redis's everysec bound before it makes writes wait for a slow fsync) old,
// replies wait for commits too, and each such episode counts as a delayed fsync (INFO
// aof_delayed_fsync); under half that lag they are immediate again.
// Declared gaps: records made while the log is off (appendonly no) are not logged. When logging
// resumes, the first record's seq is past the last one logged, and before it the log queues a
// batch of 0 records covering the seqs it never got (stored-rows.ts, isDeclaredGap), so that
// recovery replays across it with a warning instead of refusing the gap as lost data:
//   logged up to 1000 | appendonly no | records 1001..1230 | appendonly yes | record 1231
//   -> batches ..1000, [1001..1230, 0 records], [1231..]
// A failed commit keeps its batch at the head of the queue (nothing is dropped), flips the log
// into the MISCONF state (writers refuse writes, readers go on) and retries every retryMs; the
// first successful retry clears the error.

import { MnemoError, type Bytes, type MutationSink } from '@mnemo/engine';
import { ByteWriter } from '../codec/byte-buffer';
import { encodeDel, encodeFlush, encodeHash, encodeHdel, encodeString, encodeTtl } from '../codec/record-codec';
import type { WriterClient } from '../writer/writer-client';
import { SeqWaiters } from './seq-waiters';
import { nextBufferSize, SharedBufferPool } from './shared-buffer-pool';
import type { SyncMode } from '../writer/writer-protocol';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** The payload of a declared gap: no records. */
const EMPTY_PAYLOAD = Buffer.alloc(0);

export const SYNC_MODE: Record<FsyncPolicy, SyncMode> = { always: 'FULL', everysec: 'NORMAL', no: 'OFF' };

interface SealedBatch {
  firstSeq: number;
  lastSeq: number;
  count: number;
  payload: Buffer;
  createdAt: number;
}

export type LogEvent = { type: 'write-error'; message: string; sqliteCode: string | null } | { type: 'write-resumed' };

export interface EventLogOptions {
  policy: FsyncPolicy;
  enabled: boolean;
  now: () => number;
  /** Batches and bytes already in the database (from recovery). */
  batches: number;
  bytes: number;
  /** Last seq already durable (from recovery). */
  durableSeq: number;
  flushIntervalMs?: number;
  fsyncIntervalMs?: number;
  retryMs?: number;
  maxBatchBytes?: number;
  /** Bytes waiting for the writer beyond which everysec/no writes wait for their commit. */
  maxBacklogBytes?: number;
  /** The lag limit (see the design note); 2000 ms by default. */
  maxLagMs?: number;
  onEvent?: (event: LogEvent) => void;
}

export interface EventLogStatus {
  enabled: boolean;
  policy: FsyncPolicy;
  batches: number;
  bytes: number;
  pendingRecords: number;
  pendingBytes: number;
  /** More than maxBacklogBytes, or batches older than maxLagMs, wait for the writer: writes are acknowledged only once committed. */
  backlogged: boolean;
  /** Times the lag limit made writes wait (Redis's aof_delayed_fsync). */
  delayedFsyncs: number;
  durableSeq: number;
  commits: number;
  recordsCommitted: number;
  lastCommitAt: number;
  /** Last time everything committed so far was fsynced (0: never). */
  lastFsyncAt: number;
  /** ms the oldest un-fsynced commit has waited; 0 when all is fsynced; null under `no`. */
  fsyncLagMs: number | null;
  lastWriteOk: boolean;
  /** The last commit error (kept after recovery, for the record) and when it happened (ms, 0 = never). */
  lastError: string | null;
  lastErrorAt: number;
  /** A WAL checkpoint (everysec's fsync) is running in the writer thread. */
  checkpointInFlight: boolean;
}

export class EventLog implements MutationSink {
  private policy: FsyncPolicy;
  private enabled: boolean;
  private readonly now: () => number;
  private readonly pool = new SharedBufferPool();
  private readonly writerBuf = new ByteWriter(64 * 1024, (size) => this.pool.take(size));
  private currentFirst = 0;
  private currentCount = 0;
  /** The seq the next logged record follows on from; a later one means records were not logged. */
  private nextSeq: number;
  /** Last seq of the newest declared gap this log wrote (0: none). */
  unloggedThrough = 0;
  private readonly queue: SealedBatch[] = [];
  private inFlight = false;
  private kickScheduled = false;
  private readonly waiters = new SeqWaiters();
  private readonly flushWaiters = new SeqWaiters();
  private error: MnemoError | null = null;
  private lastErrorText: string | null = null;
  private lastErrorAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly fsyncTimer: NodeJS.Timeout;
  private checkpointInFlight = false;
  private syncedSeq: number;
  private unsyncedSince = 0;
  private closed = false;
  private readonly retryMs: number;
  private readonly maxBatchBytes: number;
  private readonly maxBacklogBytes: number;
  private readonly maxLagMs: number;
  private delayedFsyncs = 0;
  /** Bytes of sealed batches not yet committed. */
  private queuedBytes = 0;
  /** Over the backlog limit: writes wait for their commit whatever the policy. */
  private backlogged = false;
  private readonly onEvent: (event: LogEvent) => void;
  private readonly stats: { batches: number; bytes: number; commits: number; records: number; lastCommitAt: number; lastFsyncAt: number };
  durableSeq: number;

  constructor(
    private readonly writer: WriterClient,
    options: EventLogOptions,
  ) {
    this.policy = options.policy;
    this.enabled = options.enabled;
    this.now = options.now;
    this.durableSeq = options.durableSeq;
    this.syncedSeq = options.durableSeq;
    this.nextSeq = options.durableSeq + 1;
    this.retryMs = options.retryMs ?? 1000;
    this.maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
    this.maxBacklogBytes = options.maxBacklogBytes ?? 64 * 1024 * 1024;
    this.maxLagMs = options.maxLagMs ?? 2000;
    this.onEvent = options.onEvent ?? (() => undefined);
    this.stats = { batches: options.batches, bytes: options.bytes, commits: 0, records: 0, lastCommitAt: 0, lastFsyncAt: 0 };
    this.flushTimer = setInterval(() => {
      if (!(this.policy === 'always' && this.inFlight)) this.sealAndKick();
      if (!this.backlogged && this.lagMs() > this.maxLagMs) {
        this.backlogged = true;
        this.delayedFsyncs++;
      }
    }, options.flushIntervalMs ?? 100);
    this.flushTimer.unref();
    this.fsyncTimer = setInterval(() => this.checkpoint(), options.fsyncIntervalMs ?? 1000);
    this.fsyncTimer.unref();
  }

  // The engine's MutationSink: each change is encoded into the open batch as it happens. Never
  // throws, never blocks.

  onString(seq: number, key: Bytes, value: Bytes, expiresAt: number | null, reason: string): void {
    if (!this.admit(seq)) return;
    encodeString(this.writerBuf, key, value, expiresAt, reason);
    this.admitted();
  }

  onHash(seq: number, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null, reason: string): void {
    if (!this.admit(seq)) return;
    encodeHash(this.writerBuf, key, fields, replace, expiresAt, reason);
    this.admitted();
  }

  onHdel(seq: number, key: Bytes, fields: Bytes[]): void {
    if (!this.admit(seq)) return;
    encodeHdel(this.writerBuf, key, fields);
    this.admitted();
  }

  onTtl(seq: number, key: Bytes, expiresAt: number | null, reason: string): void {
    if (!this.admit(seq)) return;
    encodeTtl(this.writerBuf, key, expiresAt, reason);
    this.admitted();
  }

  onDel(seq: number, key: Bytes, reason: string): void {
    if (!this.admit(seq)) return;
    encodeDel(this.writerBuf, key, reason);
    this.admitted();
  }

  onFlush(seq: number, reason: string): void {
    if (!this.admit(seq)) return;
    encodeFlush(this.writerBuf, reason);
    this.admitted();
  }

  /**
   * Before encoding record `seq`: false if the log takes nothing. On a seq gap, seals the open
   * batch, and declares the records it never got (see the design note).
   */
  private admit(seq: number): boolean {
    if (!this.enabled || this.closed) return false;
    if (seq > this.nextSeq) this.declareGap(seq - 1);
    else if (seq !== this.nextSeq) this.seal();
    this.nextSeq = seq + 1;
    if (this.currentCount === 0) this.currentFirst = seq;
    return true;
  }

  /** After encoding a record: counts it, and seals or schedules the batch as the policy says. */
  private admitted(): void {
    this.currentCount++;
    if (this.writerBuf.length >= this.maxBatchBytes) this.sealAndKick();
    else if (this.policy === 'always' && !this.kickScheduled) {
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        // While a commit is in flight, keep gathering: committed() seals everything that arrived
        // meanwhile into one batch, so concurrent writers share the next commit.
        if (!this.inFlight) this.sealAndKick();
      });
    }
  }

  /** The MISCONF error writers must answer with while commits fail, else null. */
  writeError(): MnemoError | null {
    return this.error;
  }

  /**
   * Resolves when the record `seq` is as durable as the policy promises: at once for everysec,
   * no, or a disabled log; after its batch's fsynced commit under always. Rejects with MISCONF
   * if that commit fails.
   */
  waitFor(seq: number): Promise<void> {
    if (this.isDurable(seq)) return Promise.resolve();
    if (this.error) return Promise.reject(this.error);
    return this.waiters.wait(seq);
  }

  /** True when waitFor(seq) would resolve at once (no log, a policy that acks at once, or committed). */
  isDurable(seq: number): boolean {
    if (!this.enabled || seq <= this.durableSeq) return true;
    return this.policy !== 'always' && !this.backlogged;
  }

  /** True under always with the log on: every reply waits for the writes it may show (Durability.readsWait). */
  readsWait(): boolean {
    return this.enabled && this.policy === 'always';
  }

  /** Commits everything buffered so far; resolves once it is committed, rejects on failure. */
  flush(): Promise<void> {
    this.seal();
    const target = this.queue.length > 0 ? this.queue[this.queue.length - 1].lastSeq : this.durableSeq;
    if (target <= this.durableSeq) return Promise.resolve();
    const done = this.flushWaiters.wait(target);
    this.kick(true);
    return done;
  }

  /** Flushes, then makes sure the commits are fsynced (a checkpoint unless the policy fsyncs each). */
  async flushAndSync(): Promise<void> {
    await this.flush();
    if (this.policy !== 'always' && this.syncedSeq < this.durableSeq) {
      const seq = this.durableSeq;
      const result = await this.writer.request({ op: 'checkpoint' });
      this.markSynced(seq, result.at);
    }
  }

  async setPolicy(policy: FsyncPolicy): Promise<void> {
    await this.writer.request({ op: 'synchronous', mode: SYNC_MODE[policy] });
    this.policy = policy;
  }

  /**
   * Turns the log on or off (appendonly). Turning it off flushes what was buffered first;
   * turning it on declares the records up to `lastSeq` (the engine's) that it did not get.
   */
  async setEnabled(enabled: boolean, lastSeq: number): Promise<void> {
    if (!enabled && this.enabled) {
      this.enabled = false;
      await this.flush();
    }
    if (enabled && !this.enabled && lastSeq >= this.nextSeq) {
      this.declareGap(lastSeq);
      this.kick(false);
    }
    this.enabled = enabled;
  }

  /** Seals the open batch and queues a declared gap for the records from nextSeq to `lastSeq`. */
  private declareGap(lastSeq: number): void {
    this.seal();
    this.queueBatch(this.nextSeq, lastSeq, 0, EMPTY_PAYLOAD);
    this.unloggedThrough = lastSeq;
    this.nextSeq = lastSeq + 1;
  }

  /** The writer's compaction dropped these; keeps size figures right. */
  noteCompaction(batches: number, bytes: number): void {
    this.stats.batches = Math.max(0, this.stats.batches - batches);
    this.stats.bytes = Math.max(0, this.stats.bytes - bytes);
  }

  status(): EventLogStatus {
    const now = this.now();
    let fsyncLagMs: number | null = null;
    if (this.policy !== 'no') fsyncLagMs = this.syncedSeq >= this.durableSeq && this.currentCount === 0 && this.queue.length === 0 ? 0 : now - (this.unsyncedSince || now);
    return {
      enabled: this.enabled,
      policy: this.policy,
      batches: this.stats.batches,
      bytes: this.stats.bytes,
      pendingRecords: this.currentCount + this.queue.reduce((sum, batch) => sum + batch.count, 0),
      pendingBytes: this.writerBuf.length + this.queuedBytes,
      backlogged: this.backlogged,
      delayedFsyncs: this.delayedFsyncs,
      durableSeq: this.durableSeq,
      commits: this.stats.commits,
      recordsCommitted: this.stats.records,
      lastCommitAt: this.stats.lastCommitAt,
      lastFsyncAt: this.stats.lastFsyncAt,
      fsyncLagMs,
      lastWriteOk: this.error === null,
      lastError: this.lastErrorText,
      lastErrorAt: this.lastErrorAt,
      checkpointInFlight: this.checkpointInFlight,
    };
  }

  /** Stops the timers; call flushAndSync() first to keep what is buffered. */
  close(): void {
    this.closed = true;
    clearInterval(this.flushTimer);
    clearInterval(this.fsyncTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const error = new MnemoError('MISCONF', 'the event log is closed');
    this.waiters.rejectAll(error);
    this.flushWaiters.rejectAll(error);
  }

  /** How long the oldest batch not yet committed has waited (0 when none waits). */
  private lagMs(): number {
    return this.queue.length === 0 ? 0 : this.now() - this.queue[0].createdAt;
  }

  private seal(): void {
    if (this.currentCount === 0) return;
    const count = this.currentCount;
    this.currentCount = 0;
    this.queueBatch(this.currentFirst, this.currentFirst + count - 1, count, this.takeBatchBytes());
  }

  private queueBatch(firstSeq: number, lastSeq: number, count: number, payload: Buffer): void {
    if (this.unsyncedSince === 0) this.unsyncedSince = this.now();
    this.queue.push({ firstSeq, lastSeq, count, payload, createdAt: this.now() });
    this.queuedBytes += payload.length;
    if (this.queuedBytes > this.maxBacklogBytes) this.backlogged = true;
  }

  /**
   * The open batch's bytes, in a pooled shared buffer (see shared-buffer-pool.ts). A batch that
   * fills a good part of the writer's buffer takes that buffer, and the writer goes on in one of
   * the same size; a small one is copied into a small buffer, and the writer keeps its own.
   */
  private takeBatchBytes(): Buffer {
    const used = this.writerBuf.length;
    const capacity = this.writerBuf.capacity;
    if (used * 4 < capacity) return this.writerBuf.copyOut(this.pool.take(nextBufferSize(used)));
    return this.writerBuf.handOff(this.pool.take(capacity));
  }

  private sealAndKick(): void {
    this.seal();
    this.kick(false);
  }

  /** Sends the head batch unless one is in flight; while in error only a retry (force) sends. */
  private kick(force: boolean): void {
    if (this.inFlight || this.queue.length === 0 || this.closed) return;
    if (this.error && !force) return;
    const batch = this.queue[0];
    this.inFlight = true;
    this.writer
      .request({ op: 'append', firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, count: batch.count, payload: batch.payload, createdAt: batch.createdAt })
      .then(
        (result) => this.committed(batch, result.bytes ?? batch.payload.length, result.at),
        (error: Error & { sqliteCode?: string | null }) => this.failed(error),
      )
      // Neither arm should throw; if one did, the process must not end on an unhandled rejection.
      .catch((error: unknown) => console.error('event log: internal error after a commit:', error));
  }

  private committed(batch: SealedBatch, bytes: number, at: number): void {
    this.inFlight = false;
    this.queue.shift();
    this.pool.give(batch.payload);
    this.queuedBytes -= batch.payload.length;
    if (this.backlogged && this.queuedBytes < this.maxBacklogBytes / 2 && this.lagMs() < this.maxLagMs / 2) this.backlogged = false;
    this.durableSeq = batch.lastSeq;
    this.stats.batches++;
    this.stats.bytes += bytes;
    this.stats.commits++;
    this.stats.records += batch.count;
    this.stats.lastCommitAt = at;
    if (this.policy === 'always') this.markSynced(batch.lastSeq, at);
    if (this.error) {
      this.error = null;
      this.onEvent({ type: 'write-resumed' });
    }
    this.waiters.settleUpTo(this.durableSeq);
    this.flushWaiters.settleUpTo(this.durableSeq);
    if (this.policy === 'always' || this.queue.length > 0 || this.flushWaiters.size > 0) this.sealAndKick();
  }

  private failed(error: Error & { sqliteCode?: string | null }): void {
    this.inFlight = false;
    const cause = error.sqliteCode ? `${error.sqliteCode}: ${error.message}` : error.message;
    this.lastErrorText = cause;
    this.lastErrorAt = this.now();
    const first = !this.error;
    this.error = new MnemoError(
      'MISCONF',
      `Mnemo cannot commit to its event log (${cause}). Commands that may modify the data set are disabled until a commit succeeds; reads go on.`,
    );
    this.waiters.rejectAll(this.error);
    this.flushWaiters.rejectAll(this.error);
    if (first) this.onEvent({ type: 'write-error', message: cause, sqliteCode: error.sqliteCode ?? null });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.seal();
      this.kick(true);
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private checkpoint(): void {
    if (this.policy !== 'everysec' || this.checkpointInFlight || this.syncedSeq >= this.durableSeq || this.error) return;
    this.checkpointInFlight = true;
    const seq = this.durableSeq;
    this.writer.request({ op: 'checkpoint' }).then(
      (result) => {
        this.checkpointInFlight = false;
        this.markSynced(seq, result.at);
      },
      () => {
        this.checkpointInFlight = false;
      },
    );
  }

  private markSynced(seq: number, at: number): void {
    if (seq <= this.syncedSeq) return;
    this.syncedSeq = seq;
    this.stats.lastFsyncAt = at;
    const clean = this.syncedSeq >= this.durableSeq && this.queue.length === 0 && this.currentCount === 0;
    this.unsyncedSince = clean ? 0 : at;
  }
}
