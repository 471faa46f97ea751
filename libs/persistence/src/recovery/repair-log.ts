// `mnemo repair-log`: finds the first bad log batch; if there is anything to change, backs the
// database up, then truncates the event log at the last good batch.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { checksum, inflatePayload } from '../codec/byte-buffer';
import { decodeEntries } from '../codec/record-codec';
import type { PersistenceLogger } from '../engine-port';
import { DbLock } from '../store/db-lock';
import { openStore } from '../store/open-store';
import { createPrivateFile } from '../store/private-file';
import { StoreError } from '../store/store-errors';
import { checkBatch, READ_PAGE, readBatches, readChunks, type StoredChunk } from './stored-rows';

export interface RepairOptions {
  dbPath: string;
  /** Where the backup goes. Default `<db>.bak-<unix ms>` beside the file. */
  backupPath?: string;
  /** Also delete the newest complete snapshot (when it is damaged) and keep what the log has. */
  dropSnapshot?: boolean;
  logger: PersistenceLogger;
  migrationsDir?: string;
}

export interface RepairReport {
  /** The backup written before changing anything; null when nothing needed changing (no backup). */
  backupPath: string | null;
  keptBatches: number;
  droppedBatches: number;
  /** Description of the first bad batch, null if the log was sound. */
  firstBad: string | null;
  lastGoodSeq: number;
  droppedSnapshotId: number | null;
  /** Damage found in the newest snapshot (left in place unless dropSnapshot). */
  snapshotDamage: string | null;
  /** Incomplete snapshots (a BGSAVE cut short) deleted. */
  droppedIncompleteSnapshots: number;
}


/**
 * Checks the file first without writing to it: the newest complete snapshot (chunks present,
 * checksums, decoding), then the log after it up to the first batch that fails its checksum,
 * does not decode or leaves a seq gap. If anything is to change (that batch and every batch after
 * it, incomplete snapshots, the snapshot with dropSnapshot), copies the file to a backup first
 * (VACUUM INTO, consistent even with a WAL), then changes it; a sound file is left as it is, with
 * no backup. Refuses (StoreError) a missing file, a file a running server holds (IN_USE) and
 * files that are not Mnemo's. Never touches a file it could not back up.
 */
export async function repairLog(options: RepairOptions): Promise<RepairReport> {
  if (!existsSync(options.dbPath)) throw new StoreError('OPEN_FAILED', `no database file at ${path.resolve(options.dbPath)}; nothing to repair`);
  const lock = DbLock.acquire(options.dbPath); // refuses (IN_USE) while a server runs on the file
  try {
    return await repairLocked(options);
  } finally {
    lock.release();
  }
}

interface LogScan {
  kept: number;
  /** The first bad batch, described, and its first seq; null when the log is sound. */
  firstBad: string | null;
  badFirstSeq: number | null;
  lastGoodSeq: number;
}

async function repairLocked(options: RepairOptions): Promise<RepairReport> {
  const { logger } = options;
  const store = await openStore(options.dbPath, { migrationsDir: options.migrationsDir });
  const prisma = store.prisma;
  try {
    const incomplete = await prisma.snapshot.count({ where: { status: { not: 'complete' } } });
    const snapshot = await prisma.snapshot.findFirst({ where: { status: 'complete' }, orderBy: { id: 'desc' } });
    const snapshotDamage = snapshot ? await findSnapshotDamage(prisma, snapshot.id, snapshot.chunkCount) : null;
    if (snapshot && snapshotDamage) logger.warn(`snapshot #${snapshot.id} is damaged: ${snapshotDamage}`);
    const dropSnapshot = snapshot !== null && options.dropSnapshot === true;
    const scan = await scanLog(prisma, dropSnapshot || !snapshot ? 0 : Number(snapshot.startSeq));
    const report: RepairReport = {
      backupPath: null,
      keptBatches: scan.kept,
      droppedBatches: 0,
      firstBad: scan.firstBad,
      lastGoodSeq: scan.lastGoodSeq,
      droppedSnapshotId: null,
      snapshotDamage,
      droppedIncompleteSnapshots: 0,
    };
    if (incomplete === 0 && !dropSnapshot && scan.badFirstSeq === null) {
      logger.log(`the log is sound (${scan.kept} batches after the snapshot); nothing changed, so no backup was written`);
      return report;
    }

    report.backupPath = path.resolve(options.backupPath ?? `${store.path}.bak-${Date.now()}`);
    createPrivateFile(report.backupPath); // VACUUM INTO fills an empty file and refuses a non-empty one
    await prisma.$executeRawUnsafe(`VACUUM INTO '${report.backupPath.replace(/'/g, "''")}'`);
    logger.log(`backed up ${store.path} to ${report.backupPath}`);
    if (incomplete > 0) {
      await prisma.snapshotChunk.deleteMany({ where: { snapshot: { status: { not: 'complete' } } } });
      report.droppedIncompleteSnapshots = (await prisma.snapshot.deleteMany({ where: { status: { not: 'complete' } } })).count;
      logger.warn(`dropped ${report.droppedIncompleteSnapshots} incomplete snapshot(s)`);
    }
    if (snapshot && dropSnapshot) {
      await prisma.$transaction([prisma.snapshotChunk.deleteMany({ where: { snapshotId: snapshot.id } }), prisma.snapshot.delete({ where: { id: snapshot.id } })]);
      // What goes with it: the log only holds records from its first batch on.
      const first = await prisma.logBatch.findFirst({ orderBy: { firstSeq: 'asc' }, select: { firstSeq: true } });
      const from = first ? `the log holds records from seq ${first.firstSeq} on` : 'the log is empty';
      logger.warn(
        `dropped snapshot #${snapshot.id} (--drop-snapshot), which held ${snapshot.keys} keys as of seq ${snapshot.startSeq}; the server will start from the log alone, and ${from}: ` +
          `keys last written before that are lost (the backup still has them)`,
      );
      report.droppedSnapshotId = snapshot.id;
    }
    if (scan.badFirstSeq !== null) {
      report.droppedBatches = (await prisma.logBatch.deleteMany({ where: { firstSeq: { gte: BigInt(scan.badFirstSeq) } } })).count;
      logger.warn(`${scan.firstBad}: truncated the log there, dropping ${report.droppedBatches} batches; records after seq ${scan.lastGoodSeq} are lost`);
    } else {
      logger.log(`the log is sound (${scan.kept} batches after the snapshot); nothing truncated`);
    }
    await prisma.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
    return report;
  } finally {
    await prisma.$disconnect();
  }
}

/** What is wrong with a complete snapshot's chunks, or null when every chunk is there and decodes. */
async function findSnapshotDamage(prisma: PrismaClient, snapshotId: number, chunkCount: number): Promise<string | null> {
  let expectedIdx = 0;
  for (let page = await readChunks(prisma, snapshotId, 0); page.length > 0; page = await readChunks(prisma, snapshotId, page[page.length - 1].idx + 1)) {
    for (const chunk of page) {
      const damage = chunkDamage(chunk, expectedIdx);
      if (damage) return damage;
      expectedIdx++;
    }
  }
  return expectedIdx === chunkCount ? null : `chunk ${expectedIdx} of ${chunkCount} is missing`;
}

function chunkDamage(chunk: StoredChunk, expectedIdx: number): string | null {
  if (chunk.idx !== expectedIdx) return `chunk ${expectedIdx} is missing`;
  if (checksum(chunk.payload) !== chunk.checksum) return `chunk ${expectedIdx} fails its checksum`;
  try {
    decodeEntries(inflatePayload(chunk.payload), chunk.count, () => undefined);
    return null;
  } catch (error) {
    return `chunk ${expectedIdx} does not decode (${(error as Error).message})`;
  }
}

/** Reads the log after `startSeq` in pages up to its first bad batch (read only). */
async function scanLog(prisma: PrismaClient, startSeq: number): Promise<LogScan> {
  let expected = startSeq + 1;
  let kept = 0;
  let lastFirst = -1;
  let previousEnd: number | null = null;
  for (;;) {
    const batches = await readBatches(prisma, startSeq, lastFirst);
    for (const batch of batches) {
      const { firstSeq, lastSeq } = batch;
      lastFirst = firstSeq;
      const damage = previousEnd !== null && firstSeq > expected ? `seq gap: records ${expected}..${firstSeq - 1} are missing before it` : checkBatch(batch).damage;
      if (damage) return { kept, firstBad: `batch #${batch.id} (seq ${firstSeq}..${lastSeq}) ${damage}`, badFirstSeq: firstSeq, lastGoodSeq: expected - 1 };
      kept++;
      expected = Math.max(expected, lastSeq + 1);
      previousEnd = lastSeq;
    }
    if (batches.length < READ_PAGE) return { kept, firstBad: null, badFirstSeq: null, lastGoodSeq: expected - 1 };
  }
}
