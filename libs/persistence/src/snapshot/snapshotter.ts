// Snapshots (RDB): SAVE (one turn, point-in-time) and BGSAVE (fuzzy, chunked across turns).
//
// Design note: fuzzy snapshot. BGSAVE notes S = engine.lastSeq, then walks the keyspace with
// engine.snapshotChunk (SCAN's guarantee: every key present from start to end is visited) in
// slices of at most sliceMs per event-loop turn, encoding entries into chunks of ~chunkBytes
// that the writer thread commits while clients keep being served:
//
//   turn 1: begin (row status 'writing', start_seq S) ; keys 0..2999 -> chunk 0 posted
//   turn 2: writes k17 (seq S+1) ; keys 3000..5999 -> chunk 1 posted (k17 as of now or not)
//   ...     last chunk -> end: status 'complete' + compaction, in one transaction
//
// Recovery loads the snapshot and replays seq > S, so a key copied before or after its change
// converges (invariant 1). A snapshot whose end was never committed stays 'writing' and is
// discarded at the next start. At most `maxInFlight` chunks wait in the writer, which bounds memory.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { MnemoError } from '@mnemo/engine';
import { ByteWriter } from '../codec/byte-buffer';
import { encodeEntry } from '../codec/record-codec';
import type { PersistedEngine } from '../engine-port';
import type { WriterClient } from '../writer/writer-client';

export type SnapshotKind = 'save' | 'bgsave' | 'rewrite' | 'auto' | 'shutdown';

export interface SnapshotResult {
  snapshotId: number;
  kind: SnapshotKind;
  startSeq: number;
  keys: number;
  bytes: number;
  chunks: number;
  startedAt: number;
  durationMs: number;
  droppedBatches: number;
  droppedBytes: number;
}

export interface SnapshotterOptions {
  now: () => number;
  /** Keys asked of engine.snapshotChunk per call. Default 500. */
  keysPerCall?: number;
  /** Longest work slice per event-loop turn for BGSAVE, ms. Default 5. */
  sliceMs?: number;
  /** Chunk payload size that seals a chunk, bytes. Default 256 KiB. */
  chunkBytes?: number;
  maxInFlight?: number;
}

/** Thrown into a running BGSAVE when the process shuts down. */
export class SnapshotAborted extends Error {
  readonly code = 'ABORTED';
}

export class Snapshotter {
  /** The running snapshot's keys written so far and the keyspace's size when it began (INFO's current_save_keys_*). */
  readonly progress = { processed: 0, total: 0 };
  private abortRequested = false;
  private readonly keysPerCall: number;
  private readonly sliceMs: number;
  private readonly chunkBytes: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly engine: PersistedEngine,
    private readonly writer: WriterClient,
    private readonly options: SnapshotterOptions,
  ) {
    this.keysPerCall = options.keysPerCall ?? 500;
    this.sliceMs = options.sliceMs ?? 5;
    this.chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  /** Makes a running BGSAVE stop at its next turn (its rows are deleted, the old snapshot stays). */
  abort(): void {
    this.abortRequested = true;
  }

  /**
   * Writes one snapshot. `blocking` (SAVE): the whole keyspace is read in this turn, so the
   * snapshot is a point-in-time copy even without a log. Otherwise fuzzy and chunked (BGSAVE).
   * Resolves once the snapshot is complete and compaction ran; rejects with a MnemoError
   * ('ERR ...') if the writer fails or the snapshot was aborted.
   */
  async run(kind: SnapshotKind, blocking: boolean): Promise<SnapshotResult> {
    this.abortRequested = false;
    const now = this.options.now;
    const startedAt = now();
    const startSeq = this.engine.lastSeq;
    this.progress.processed = 0;
    this.progress.total = this.engine.keyCount;
    const begin = await this.writer.request({ op: 'snapshot-begin', startSeq, kind, startedAt });
    const snapshotId = begin.snapshotId as number;
    const inFlight: Array<Promise<unknown>> = [];
    const buf = new ByteWriter(this.chunkBytes + 64 * 1024);
    let chunks = 0;
    let keys = 0;
    let bytes = 0;
    let inChunk = 0;
    // A chunk that fails while the loop waits for its turn (not for that chunk) must not be an
    // unhandled rejection, which ends the process: every request gets a handler at once that
    // records the first failure, and the loop stops on it at its next turn.
    let failure: { error: unknown } | null = null;
    const post = async (): Promise<void> => {
      if (inChunk === 0) return;
      const payload = buf.finish();
      bytes += payload.length;
      const request = this.writer.request({ op: 'snapshot-chunk', snapshotId, idx: chunks++, count: inChunk, payload });
      request.catch((error: unknown) => {
        failure ??= { error };
      });
      inFlight.push(request);
      inChunk = 0;
      if (!blocking && inFlight.length >= this.maxInFlight) await inFlight.shift();
    };
    try {
      let cursor = '0';
      let first = true;
      while (first || cursor !== '0') {
        const sliceStart = performance.now();
        do {
          const page = this.engine.snapshotChunk(cursor, this.keysPerCall);
          first = false;
          cursor = page.cursor;
          for (const entry of page.entries) encodeEntry(buf, entry);
          inChunk += page.entries.length;
          keys += page.entries.length;
          this.progress.processed = keys;
          if (buf.length >= this.chunkBytes) {
            if (blocking) void post();
            else break;
          }
        } while (cursor !== '0' && (blocking || performance.now() - sliceStart < this.sliceMs));
        if (!blocking) {
          if (buf.length >= this.chunkBytes || cursor === '0') await post();
          await nextTurn();
          if (this.abortRequested) throw new SnapshotAborted('snapshot aborted by shutdown');
          if (failure) throw (failure as { error: unknown }).error;
        }
      }
      await post();
      await Promise.all(inFlight);
      const end = await this.writer.request({ op: 'snapshot-end', snapshotId, startSeq, keys, bytes, chunkCount: chunks, finishedAt: now() });
      return {
        snapshotId,
        kind,
        startSeq,
        keys,
        bytes,
        chunks,
        startedAt,
        durationMs: now() - startedAt,
        droppedBatches: end.droppedBatches ?? 0,
        droppedBytes: end.droppedBytes ?? 0,
      };
    } catch (error) {
      await Promise.allSettled(inFlight);
      await this.writer.request({ op: 'snapshot-abort', snapshotId }).catch(() => undefined);
      if (error instanceof SnapshotAborted) throw error;
      throw new MnemoError('ERR', `snapshot #${snapshotId} failed: ${(error as Error).message}`);
    }
  }
}
