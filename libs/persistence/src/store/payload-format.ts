// Upgrade of schema-1 files to schema 2 (every log and snapshot payload stored raw-deflated).
//
// Design note. Builds of schema 1 stored payloads in two ways that nothing in the file told
// apart: the first stored the encoded bytes as they are (checksum over them); later ones stored
// them raw-deflated (checksum over the deflated bytes) without changing schema_version. A
// compressing build restarted on a file of an earlier build (the server bundle is rebuilt in
// place, so a stop/start can straddle a rebuild) found every checksum right and every payload
// unreadable: an entry's first byte (tag 0x00, 0x01, 0x10 or 0x11) reads as a deflate
// stored-block header, so chunk 0 failed with "payload does not inflate: invalid stored block
// lengths" and start-up was refused as if snapshot #1 were damaged. Nothing was corrupt.
//
// Schema 2 means "every payload is deflated". Opening a schema-1 file classifies each row once,
// in one transaction with the new stamp:
//
//   checksum fails                      -> left as it is (recovery names it as damaged)
//   inflates and decodes to its count   -> compressed already: kept
//   decodes as it is to its count       -> stored before compression: deflated, checksum redone
//   neither                             -> left as it is (recovery names it)
//
// A schema-1 build refuses a schema-2 file (NEWER_SCHEMA) instead of mixing the two formats.

import { deflateRawSync } from 'node:zlib';
import type { PrismaClient } from '@prisma/client';
import { checksum, inflatePayload } from '../codec/byte-buffer';
import { decodeEntries, decodeRecords } from '../codec/record-codec';

/** Rows read per query while upgrading. */
const PAGE = 64;

export interface PayloadUpgrade {
  /** Rows stored before compression, now deflated. */
  compressed: number;
  /** Rows already deflated. */
  kept: number;
  /** Rows that fail their checksum or decode neither way: left for recovery to report. */
  unreadable: number;
}

type Table = 'snapshot_chunk' | 'log_batch';
type Tx = Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** True if `payload` holds exactly `count` entries (snapshot) or records (log) of the codec. */
function decodes(table: Table, payload: Uint8Array, count: number, firstSeq: number): boolean {
  try {
    if (table === 'snapshot_chunk') decodeEntries(payload, count, () => undefined);
    else decodeRecords(payload, firstSeq, count, () => undefined);
    return true;
  } catch {
    return false; // a CodecError (or a bad inflate) is exactly the "no" this check asks about
  }
}

async function upgradeTable(tx: Tx, table: Table, report: PayloadUpgrade): Promise<void> {
  const firstSeq = table === 'log_batch' ? 'first_seq' : '0';
  let after = 0;
  for (;;) {
    const rows = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT rowid AS rid, count, checksum, ${firstSeq} AS first_seq, hex(payload) AS hex FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      after,
      PAGE,
    );
    for (const row of rows) {
      after = Number(row.rid);
      const stored = Buffer.from(String(row.hex), 'hex');
      const count = Number(row.count);
      const seq = Number(row.first_seq);
      if (checksum(stored) !== Number(row.checksum)) {
        report.unreadable++;
        continue;
      }
      let inflated: Buffer | null = null;
      try {
        inflated = inflatePayload(stored);
      } catch {
        inflated = null; // not a deflate stream: maybe stored before compression, checked below
      }
      if (inflated && decodes(table, inflated, count, seq)) {
        report.kept++;
      } else if (decodes(table, stored, count, seq)) {
        const payload = deflateRawSync(stored, { level: 1 });
        const bytes = table === 'log_batch' ? ', bytes = ' + payload.length : '';
        await tx.$executeRawUnsafe(`UPDATE ${table} SET payload = ?, checksum = ?${bytes} WHERE rowid = ?`, payload, checksum(payload), after);
        report.compressed++;
      } else {
        report.unreadable++;
      }
    }
    if (rows.length < PAGE) return;
  }
}

/**
 * Brings a schema-1 file to schema `toVersion` (see the design note): deflates the payloads
 * stored before compression and stamps the version, all in one transaction, so a crash leaves
 * the file as it was. Returns what it did; throws whatever SQLite throws (nothing is changed then).
 */
export async function upgradePayloads(prisma: PrismaClient, toVersion: number): Promise<PayloadUpgrade> {
  const report: PayloadUpgrade = { compressed: 0, kept: 0, unreadable: 0 };
  await prisma.$transaction(
    async (tx) => {
      await upgradeTable(tx, 'snapshot_chunk', report);
      await upgradeTable(tx, 'log_batch', report);
      await tx.$executeRawUnsafe("UPDATE meta SET value = ? WHERE key = 'schema_version'", String(toVersion));
    },
    { maxWait: 10_000, timeout: 10 * 60_000 },
  );
  return report;
}
