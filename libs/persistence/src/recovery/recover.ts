// Start-up recovery: newest complete snapshot, then every logged record after its start.
//
// Design note. Snapshots are fuzzy (docs/architecture.md, invariant 3): a snapshot started at seq S
// holds each key as it was at some moment after S. Replaying every record with seq > S over it
// gives the exact state, because records are state-based (invariant 1). Batches are read in
// first_seq order and must chain with no gap:
//
//   snapshot #4 start 1000 | batch #77 996..1010 | #78 1011..1400 | #79 1401..1402 (torn)
//   -> restore #4, replay 1001..1010 from #77 (996..1000 skipped), all of #78; #79 is the last
//      batch and fails its checksum: skipped and deleted with a warning (aof-load-truncated yes)
//      or refused (no). The same damage in #78 refuses start-up naming batch #78 and the
//      repair command. A gap (#78 starting at 1012) refuses start-up naming both batches.
//
// Exceptions, both replayed with a warning, not refused: a declared gap (a batch of 0 records
// that the log wrote when appendonly went from no to yes, see stored-rows.ts) stands for records
// never logged; and when the first batch after the snapshot starts later than S + 1, the log
// was turned on after the snapshot in a file written before declared gaps existed.

import { writeFileSync } from 'node:fs';
import type { PrismaClient } from '@prisma/client';
import { checksum, inflatePayload } from '../codec/byte-buffer';
import type { PersistedEngine, PersistenceLogger } from '../engine-port';
import { StoreError } from '../store/store-errors';
import { Replayer } from './replay';
import { checkBatch, isDeclaredGap, READ_PAGE as PAGE, readBatches, readChunks } from './stored-rows';

/** What a refusal tells the operator to run for the database at `dbPath`. */
export function repairHint(dbPath: string): string {
  return `run \`npm run mnemo -- repair-log --db ${dbPath}\` to back the file up and truncate the log at the last good batch`;
}

export interface RecoveryOptions {
  /** The database file (named in refusals; a torn last batch is kept beside it). */
  dbPath: string;
  /** Wall-clock ms used to drop keys that expired while down. */
  now: number;
  /** Skip (and delete) a torn last batch instead of refusing (Redis's aof-load-truncated). */
  aofLoadTruncated: boolean;
  logger: PersistenceLogger;
  /** How often progress is logged, ms. Default 1000. */
  progressEveryMs?: number;
  /** Progress callback (for the dashboard), called at the same pace as the log line. */
  onProgress?: (progress: RecoveryProgress) => void;
}

export interface RecoveryProgress {
  phase: 'snapshot' | 'log';
  keysLoaded: number;
  keysTotal: number;
  batchesReplayed: number;
  batchesTotal: number;
  recordsReplayed: number;
  /** Estimated ms left, null when unknown. */
  etaMs: number | null;
}

export interface RecoveryReport {
  snapshotId: number | null;
  snapshotStartSeq: number;
  snapshotFinishedAt: number;
  keysLoaded: number;
  keysExpired: number;
  batchesReplayed: number;
  recordsReplayed: number;
  lastSeq: number;
  /** Log batches and their bytes left in the file after recovery. */
  logBatches: number;
  logBytes: number;
  truncatedBatchId: number | null;
  discardedSnapshots: number;
  durationMs: number;
}

/**
 * Rebuilds the engine's state from the database and sets its next seq. Discards incomplete
 * snapshots (interrupted BGSAVE/rewrite) and deletes a torn last batch when allowed. Throws
 * StoreError SNAPSHOT_CORRUPT, LOG_CORRUPT, LOG_GAP or LOG_TRUNCATED with a message naming the
 * snapshot or batch; the engine is then partly loaded and must be discarded.
 */
export async function recover(prisma: PrismaClient, engine: PersistedEngine, options: RecoveryOptions): Promise<RecoveryReport> {
  const started = Date.now();
  const { logger } = options;
  const replayer = new Replayer(engine, options.now);
  const progressEvery = options.progressEveryMs ?? 1000;
  let lastProgress = started;
  let recordsTotal = 0;
  const progress: RecoveryProgress = { phase: 'snapshot', keysLoaded: 0, keysTotal: 0, batchesReplayed: 0, batchesTotal: 0, recordsReplayed: 0, etaMs: null };
  const report = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastProgress < progressEvery) return;
    lastProgress = now;
    const elapsed = Math.max(1, now - started);
    const done = progress.keysLoaded + progress.recordsReplayed;
    const total = progress.keysTotal + recordsTotal;
    progress.etaMs = done > 0 && total > done ? Math.round(((total - done) * elapsed) / done) : null;
    const rate = Math.round(((progress.keysLoaded + progress.recordsReplayed) * 1000) / elapsed);
    logger.log(
      `loading: ${progress.keysLoaded}/${progress.keysTotal} keys, ${progress.batchesReplayed}/${progress.batchesTotal} batches ` +
        `(${progress.recordsReplayed}/${recordsTotal} records), ${rate} items/s` + (progress.etaMs !== null ? `, ETA ${(progress.etaMs / 1000).toFixed(1)} s` : ''),
    );
    options.onProgress?.({ ...progress });
  };

  const incomplete = await prisma.snapshot.findMany({ where: { status: { not: 'complete' } }, select: { id: true, kind: true } });
  for (const snapshot of incomplete) {
    logger.warn(`discarding incomplete snapshot #${snapshot.id} (${snapshot.kind} interrupted before its last chunk)`);
    await prisma.$transaction([prisma.snapshotChunk.deleteMany({ where: { snapshotId: snapshot.id } }), prisma.snapshot.delete({ where: { id: snapshot.id } })]);
  }

  const snapshot = await prisma.snapshot.findFirst({ where: { status: 'complete' }, orderBy: { id: 'desc' } });
  const startSeq = snapshot ? Number(snapshot.startSeq) : 0;
  progress.keysTotal = snapshot?.keys ?? 0;
  const pending = await prisma.logBatch.aggregate({ where: { lastSeq: { gt: BigInt(startSeq) } }, _count: { _all: true }, _sum: { count: true } });
  progress.batchesTotal = pending._count._all;
  recordsTotal = pending._sum.count ?? 0;
  logger.log(
    snapshot
      ? `recovering from snapshot #${snapshot.id} (${snapshot.keys} keys, start seq ${startSeq}) and ${progress.batchesTotal} log batches`
      : `recovering from ${progress.batchesTotal} log batches (no snapshot)`,
  );

  if (snapshot) {
    let expectedIdx = 0;
    for (;;) {
      const chunks = await readChunks(prisma, snapshot.id, expectedIdx);
      for (const chunk of chunks) {
        const where = `snapshot #${snapshot.id} (start seq ${startSeq}) chunk ${chunk.idx}`;
        if (chunk.idx !== expectedIdx) throw snapshotError(options.dbPath, snapshot.id, `chunk ${expectedIdx} of ${snapshot.chunkCount} is missing`);
        const payload = chunk.payload;
        if (checksum(payload) !== chunk.checksum) throw snapshotError(options.dbPath, snapshot.id, `${where} fails its checksum`);
        try {
          replayer.loadChunk(inflatePayload(payload), chunk.count);
        } catch (error) {
          throw snapshotError(options.dbPath, snapshot.id, `${where} does not decode: ${(error as Error).message}`);
        }
        progress.keysLoaded += chunk.count;
        expectedIdx++;
      }
      report();
      if (chunks.length < PAGE) break;
    }
    if (expectedIdx !== snapshot.chunkCount) throw snapshotError(options.dbPath, snapshot.id, `chunk ${expectedIdx} of ${snapshot.chunkCount} is missing`);
    replayer.finishSnapshot();
  }

  progress.phase = 'log';
  let expected = startSeq + 1;
  let lastFirst = -1;
  let truncatedBatchId: number | null = null;
  let previous: { id: number; lastSeq: number } | null = null;
  for (;;) {
    const batches = await readBatches(prisma, startSeq, lastFirst);
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i];
      const { firstSeq, lastSeq } = batch;
      lastFirst = firstSeq;
      const name = `log batch #${batch.id} (seq ${firstSeq}..${lastSeq})`;
      if (firstSeq > expected) {
        if (previous) {
          throw new StoreError('LOG_GAP', `seq gap in the event log: ${name} follows batch #${previous.id} which ends at seq ${previous.lastSeq}; records ${expected}..${firstSeq - 1} are missing. Refusing to start; ${repairHint(options.dbPath)}`);
        }
        logger.warn(
          `the log starts at seq ${firstSeq} but the snapshot ends at seq ${startSeq} (appendonly was off meanwhile, or repair-log --drop-snapshot dropped the snapshot): ` +
            `records ${startSeq + 1}..${firstSeq - 1} are not in the file; replaying what was logged`,
        );
      }
      const { damage, encoded } = checkBatch(batch); // the whole batch, before any of it is applied
      if (damage !== null) {
        const isLast = i === batches.length - 1 && (await prisma.logBatch.count({ where: { firstSeq: { gt: BigInt(firstSeq) } } })) === 0;
        if (!isLast) throw new StoreError('LOG_CORRUPT', `${name} ${damage} and is not the last batch. Refusing to start; ${repairHint(options.dbPath)}`);
        if (!options.aofLoadTruncated) {
          throw new StoreError('LOG_TRUNCATED', `the last ${name} is torn (${damage}) and aof-load-truncated is no. Refusing to start; set aof-load-truncated yes or ${repairHint(options.dbPath)}`);
        }
        // SQLite commits are atomic, so a bad last batch is damage rather than a cut-off write:
        // its stored bytes are kept in a file beside the database before the row goes.
        const kept = `${options.dbPath}.torn-batch-${batch.id}-seq-${firstSeq}-${lastSeq}.bin`;
        writeFileSync(kept, batch.payload, { mode: 0o600 }); // records hold session data, like the database
        logger.warn(`the last ${name} is torn (${damage}): skipping and deleting it (aof-load-truncated yes); records ${firstSeq}..${lastSeq} are lost; its stored bytes are kept in ${kept}`);
        await prisma.logBatch.delete({ where: { id: batch.id } });
        truncatedBatchId = batch.id;
        break;
      }
      if (isDeclaredGap(batch) && lastSeq >= expected) {
        logger.warn(
          `${name} declares records ${Math.max(firstSeq, expected)}..${lastSeq} unlogged (appendonly was off while they were made): ` +
            'their changes are not in the file, except for keys that later records rewrite; replaying on',
        );
      }
      // checkBatch passed, so this decodes every record; those the snapshot covers are skipped.
      const applied = replayer.replayBatch(encoded, firstSeq, batch.count, expected);
      progress.recordsReplayed += applied;
      expected = Math.max(expected, lastSeq + 1);
      previous = { id: batch.id, lastSeq };
      progress.batchesReplayed++;
      report();
    }
    if (batches.length < PAGE || truncatedBatchId !== null) break;
  }

  const keysExpired = replayer.dropExpired();
  const lastSeq = Math.max(startSeq, expected - 1);
  engine.setNextSeq(lastSeq + 1);
  const totals = await prisma.logBatch.aggregate({ _count: { _all: true }, _sum: { bytes: true } });
  report(true);
  const result: RecoveryReport = {
    snapshotId: snapshot?.id ?? null,
    snapshotStartSeq: startSeq,
    snapshotFinishedAt: snapshot?.finishedAt ? Number(snapshot.finishedAt) : 0,
    keysLoaded: progress.keysLoaded,
    keysExpired,
    batchesReplayed: progress.batchesReplayed,
    recordsReplayed: progress.recordsReplayed,
    lastSeq,
    logBatches: totals._count._all,
    logBytes: totals._sum.bytes ?? 0,
    truncatedBatchId,
    discardedSnapshots: incomplete.length,
    durationMs: Date.now() - started,
  };
  logger.log(
    `recovered in ${result.durationMs} ms: ${result.keysLoaded} keys from the snapshot, ${result.recordsReplayed} records from ${result.batchesReplayed} batches, ` +
      `${keysExpired} keys expired while down, last seq ${lastSeq}`,
  );
  return result;
}

function snapshotError(dbPath: string, id: number, detail: string): StoreError {
  return new StoreError(
    'SNAPSHOT_CORRUPT',
    `snapshot #${id} is damaged: ${detail}. Refusing to start; restore the file from a backup, or run \`npm run mnemo -- repair-log --db ${dbPath} --drop-snapshot\` to back it up and start from the log alone`,
  );
}
