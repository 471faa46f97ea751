// `mnemo repair-log`: backs the database up, then truncates the event log at the last good batch.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { checksum, inflatePayload } from '../codec/byte-buffer';
import { decodeEntries, decodeRecords } from '../codec/record-codec';
import type { PersistenceLogger } from '../engine-port';
import { DbLock } from '../store/db-lock';
import { openStore } from '../store/open-store';
import { StoreError } from '../store/store-errors';
import { READ_PAGE, readBatches, readChunks, type StoredChunk } from './stored-rows';

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
  backupPath: string;
  keptBatches: number;
  droppedBatches: number;
  /** Description of the first bad batch, null if the log was sound. */
  firstBad: string | null;
  lastGoodSeq: number;
  droppedSnapshotId: number | null;
  /** Damage found in the newest snapshot (left in place unless dropSnapshot). */
  snapshotDamage: string | null;
}


/**
 * Copies the file to a backup (VACUUM INTO, consistent even with a WAL), then deletes the first
 * log batch that fails its checksum, does not decode or leaves a seq gap, and every batch after
 * it; incomplete snapshots go too. Refuses (StoreError) a missing file, a file a running server holds (IN_USE)
 * and files that are not Mnemo's. Returns what it did; never touches a file it could not back up.
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

async function repairLocked(options: RepairOptions): Promise<RepairReport> {
  const { logger } = options;
  const store = await openStore(options.dbPath, { migrationsDir: options.migrationsDir });
  const prisma = store.prisma;
  try {
    const backupPath = path.resolve(options.backupPath ?? `${store.path}.bak-${Date.now()}`);
    await prisma.$executeRawUnsafe(`VACUUM INTO '${backupPath.replace(/'/g, "''")}'`);
    logger.log(`backed up ${store.path} to ${backupPath}`);
    await prisma.snapshotChunk.deleteMany({ where: { snapshot: { status: { not: 'complete' } } } });
    await prisma.snapshot.deleteMany({ where: { status: { not: 'complete' } } });

    let snapshot = await prisma.snapshot.findFirst({ where: { status: 'complete' }, orderBy: { id: 'desc' } });
    let snapshotDamage: string | null = null;
    let droppedSnapshotId: number | null = null;
    if (snapshot) {
      const chunks: StoredChunk[] = [];
      for (let page = await readChunks(prisma, snapshot.id, 0); page.length > 0; page = await readChunks(prisma, snapshot.id, page[page.length - 1].idx + 1)) {
        chunks.push(...page);
      }
      chunks.forEach((chunk, i) => {
        if (snapshotDamage) return;
        if (chunk.idx !== i) snapshotDamage = `chunk ${i} is missing`;
        else if (checksum(chunk.payload) !== chunk.checksum) snapshotDamage = `chunk ${i} fails its checksum`;
        else {
          try {
            decodeEntries(inflatePayload(chunk.payload), chunk.count, () => undefined);
          } catch (error) {
            snapshotDamage = `chunk ${i} does not decode (${(error as Error).message})`;
          }
        }
      });
      if (!snapshotDamage && chunks.length !== snapshot.chunkCount) snapshotDamage = `chunk ${chunks.length} of ${snapshot.chunkCount} is missing`;
      if (snapshotDamage) logger.warn(`snapshot #${snapshot.id} is damaged: ${snapshotDamage}`);
      if (options.dropSnapshot) {
        await prisma.$transaction([prisma.snapshotChunk.deleteMany({ where: { snapshotId: snapshot.id } }), prisma.snapshot.delete({ where: { id: snapshot.id } })]);
        logger.warn(`dropped snapshot #${snapshot.id} (--drop-snapshot); the server will start from the log alone`);
        droppedSnapshotId = snapshot.id;
        snapshot = null;
      }
    }

    const startSeq = snapshot ? Number(snapshot.startSeq) : 0;
    let expected = startSeq + 1;
    let kept = 0;
    let firstBad: string | null = null;
    let badFirstSeq: number | null = null;
    let lastFirst = -1;
    let previousEnd: number | null = null;
    outer: for (;;) {
      const batches = await readBatches(prisma, startSeq, lastFirst);
      for (const batch of batches) {
        const { firstSeq, lastSeq } = batch;
        lastFirst = firstSeq;
        const name = `batch #${batch.id} (seq ${firstSeq}..${lastSeq})`;
        let damage: string | null = null;
        if (previousEnd !== null && firstSeq > expected) damage = `seq gap: records ${expected}..${firstSeq - 1} are missing before it`;
        else if (checksum(batch.payload) !== batch.checksum || lastSeq - firstSeq + 1 !== batch.count) damage = 'fails its checksum';
        else {
          try {
            decodeRecords(inflatePayload(batch.payload), firstSeq, batch.count, () => undefined);
          } catch (error) {
            damage = `does not decode (${(error as Error).message})`;
          }
        }
        if (damage) {
          firstBad = `${name} ${damage}`;
          badFirstSeq = firstSeq;
          break outer;
        }
        kept++;
        expected = Math.max(expected, lastSeq + 1);
        previousEnd = lastSeq;
      }
      if (batches.length < READ_PAGE) break;
    }
    let dropped = 0;
    if (badFirstSeq !== null) {
      dropped = (await prisma.logBatch.deleteMany({ where: { firstSeq: { gte: BigInt(badFirstSeq) } } })).count;
      logger.warn(`${firstBad}: truncated the log there, dropping ${dropped} batches; records after seq ${expected - 1} are lost`);
    } else {
      logger.log(`the log is sound (${kept} batches after the snapshot); nothing truncated`);
    }
    await prisma.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
    return { backupPath, keptBatches: kept, droppedBatches: dropped, firstBad, lastGoodSeq: expected - 1, droppedSnapshotId, snapshotDamage };
  } finally {
    await prisma.$disconnect();
  }
}
