// Reading log batches and snapshot chunks back from SQLite for recovery and repair-log.

import type { PrismaClient } from '@prisma/client';

/** Rows per read query during recovery. */
export const READ_PAGE = 64;

export interface StoredBatch {
  id: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
  checksum: number;
  payload: Buffer;
}

export interface StoredChunk {
  idx: number;
  count: number;
  checksum: number;
  payload: Buffer;
}

// Payloads are read as hex(payload) through $queryRaw: measured here, Prisma returns an 8 MB BLOB
// column in ~1,050 ms (bytes cross its driver-adapter boundary one number at a time) but the same
// bytes as hex text in ~65 ms. Recovery of 1M keys + 1M records depends on it.

/** Up to READ_PAGE log batches with last_seq > afterSeq and first_seq > afterFirst, by first_seq. */
export async function readBatches(prisma: PrismaClient, afterSeq: number, afterFirst: number): Promise<StoredBatch[]> {
  const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
    'SELECT id, first_seq, last_seq, count, checksum, hex(payload) AS hex FROM log_batch WHERE last_seq > ? AND first_seq > ? ORDER BY first_seq LIMIT ?',
    afterSeq,
    afterFirst,
    READ_PAGE,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    firstSeq: Number(row.first_seq),
    lastSeq: Number(row.last_seq),
    count: Number(row.count),
    checksum: Number(row.checksum),
    payload: Buffer.from(String(row.hex), 'hex'),
  }));
}

/** Up to READ_PAGE chunks of a snapshot with idx >= fromIdx, by idx. */
export async function readChunks(prisma: PrismaClient, snapshotId: number, fromIdx: number): Promise<StoredChunk[]> {
  const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
    'SELECT idx, count, checksum, hex(payload) AS hex FROM snapshot_chunk WHERE snapshot_id = ? AND idx >= ? ORDER BY idx LIMIT ?',
    snapshotId,
    fromIdx,
    READ_PAGE,
  );
  return rows.map((row) => ({ idx: Number(row.idx), count: Number(row.count), checksum: Number(row.checksum), payload: Buffer.from(String(row.hex), 'hex') }));
}
