// Source of the writer thread: owns its own Prisma client and performs every SQLite write.
//
// Design note. better-sqlite3 is synchronous: a commit with fsync blocks the thread that runs
// it. So every write (log batches, snapshot chunks, compaction, checkpoints) goes through one
// worker_thread that owns its own PrismaClient, and the event loop serving clients only posts
// messages. The worker handles one request at a time, in order, which also makes it the single
// SQLite writer (no SQLITE_BUSY between our own connections).
//
//   main thread                         writer thread
//   records -> ByteWriter  --append-->  INSERT log_batch (one row)  -- fsync per PRAGMA synchronous
//   waitFor(seq) pending   <--ok------  reply { id, at }
//
// The source is plain JavaScript evaluated with `new Worker(source, { eval: true })`, because it
// must run unchanged from ts sources under Jest, from the esbuild bundle of the server and from
// the benchmark bundle, none of which can point at a separate worker file reliably. It requires
// only npm packages (through createRequire at a path the main thread resolved) and node:zlib.
//
// Payloads are stored deflated (raw deflate, level 1) and the checksum covers the stored bytes.
// Measured here, Prisma moves a query parameter at ~10 MB/s (an 8 MB payload in ~1,100 ms), far
// slower than deflate at level 1, so fewer bytes through Prisma is less CPU in this thread.

export const WRITER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { crc32, deflateRawSync } = require('node:zlib');
const req = createRequire(workerData.requireFrom);
const { PrismaClient } = req('@prisma/client');
const { PrismaBetterSQLite3 } = req('@prisma/adapter-better-sqlite3');

const prisma = new PrismaClient({
  adapter: new PrismaBetterSQLite3({ url: 'file:' + workerData.dbPath, timeout: workerData.busyTimeoutMs }),
});

function sqliteCode(error) {
  const text = String((error && (error.code || (error.meta && error.meta.driverAdapterError && error.meta.driverAdapterError.cause && error.meta.driverAdapterError.cause.originalCode))) || '');
  const message = String((error && error.message) || error);
  const match = /SQLITE_[A-Z_]+/.exec(text + ' ' + message);
  if (match) return match[0];
  if (/locked|busy/i.test(message)) return 'SQLITE_BUSY';
  if (/readonly|read-only/i.test(message)) return 'SQLITE_READONLY';
  if (/full/i.test(message)) return 'SQLITE_FULL';
  return null;
}

// Prisma's messages start with "Invalid \`prisma.$executeRawUnsafe()\` invocation:"; the cause is the last line.
function shortMessage(error) {
  const lines = String((error && error.message) || error).split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.length > 0 ? lines[lines.length - 1] : 'unknown error';
}

async function handle(msg) {
  switch (msg.op) {
    case 'append': {
      const payload = deflateRawSync(Buffer.from(msg.payload.buffer, msg.payload.byteOffset, msg.payload.byteLength), { level: 1 });
      const checksum = crc32(payload) | 0;
      await prisma.$executeRawUnsafe(
        'INSERT INTO log_batch (first_seq, last_seq, count, checksum, bytes, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        msg.firstSeq, msg.lastSeq, msg.count, checksum, payload.length, payload, msg.createdAt,
      );
      return { bytes: payload.length, checksum };
    }
    case 'synchronous':
      await prisma.$queryRawUnsafe('PRAGMA synchronous = ' + msg.mode);
      return {};
    case 'checkpoint':
      await prisma.$queryRawUnsafe('PRAGMA wal_checkpoint(PASSIVE)');
      return {};
    case 'snapshot-begin': {
      const rows = await prisma.$queryRawUnsafe(
        "INSERT INTO snapshot (start_seq, status, kind, started_at) VALUES (?, 'writing', ?, ?) RETURNING id",
        msg.startSeq, msg.kind, msg.startedAt,
      );
      return { snapshotId: Number(rows[0].id) };
    }
    case 'snapshot-chunk': {
      const payload = deflateRawSync(Buffer.from(msg.payload.buffer, msg.payload.byteOffset, msg.payload.byteLength), { level: 1 });
      await prisma.$executeRawUnsafe(
        'INSERT INTO snapshot_chunk (snapshot_id, idx, count, checksum, payload) VALUES (?, ?, ?, ?, ?)',
        msg.snapshotId, msg.idx, msg.count, crc32(payload) | 0, payload,
      );
      return { bytes: payload.length };
    }
    case 'snapshot-end': {
      // One transaction: the snapshot becomes valid and what it makes redundant goes, together.
      const results = await prisma.$transaction([
        prisma.$queryRawUnsafe('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM log_batch WHERE last_seq <= ?', msg.startSeq),
        prisma.$executeRawUnsafe(
          "UPDATE snapshot SET status = 'complete', finished_at = ?, keys = ?, bytes = ?, chunk_count = ? WHERE id = ?",
          msg.finishedAt, msg.keys, msg.bytes, msg.chunkCount, msg.snapshotId,
        ),
        prisma.$executeRawUnsafe('DELETE FROM log_batch WHERE last_seq <= ?', msg.startSeq),
        prisma.$executeRawUnsafe('DELETE FROM snapshot_chunk WHERE snapshot_id <> ?', msg.snapshotId),
        prisma.$executeRawUnsafe('DELETE FROM snapshot WHERE id <> ?', msg.snapshotId),
      ]);
      const dropped = results[0][0];
      return { droppedBatches: Number(dropped.n), droppedBytes: Number(dropped.b) };
    }
    case 'snapshot-abort':
      await prisma.$transaction([
        prisma.$executeRawUnsafe('DELETE FROM snapshot_chunk WHERE snapshot_id = ?', msg.snapshotId),
        prisma.$executeRawUnsafe('DELETE FROM snapshot WHERE id = ?', msg.snapshotId),
      ]);
      return {};
    case 'close':
      await prisma.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
      await prisma.$disconnect();
      return {};
    default:
      throw new Error('unknown writer op ' + msg.op);
  }
}

let chain = (async () => {
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$queryRawUnsafe('PRAGMA synchronous = ' + workerData.synchronous);
  await prisma.$queryRawUnsafe('PRAGMA journal_size_limit = 8388608');
})();
chain.catch((error) => parentPort.postMessage({ id: 0, ok: false, error: shortMessage(error), sqliteCode: sqliteCode(error) }));

parentPort.on('message', (msg) => {
  chain = chain.catch(() => undefined).then(async () => {
    try {
      const result = await handle(msg);
      result.at = Date.now();
      parentPort.postMessage({ id: msg.id, ok: true, result });
    } catch (error) {
      parentPort.postMessage({ id: msg.id, ok: false, error: shortMessage(error), sqliteCode: sqliteCode(error) });
    }
    if (msg.op === 'close') parentPort.close();
  });
});
`;
