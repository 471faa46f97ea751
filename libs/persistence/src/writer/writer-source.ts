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
// Design note: the append path. Prisma Client's query pipeline costs ~460 µs per statement here
// (measured: an fsynced single-row INSERT took 558 µs through `$executeRawUnsafe`, 98 µs through
// Prisma's better-sqlite3 driver adapter alone, 96 µs with better-sqlite3 itself). Under
// `appendfsync always` every client waits for a commit, so that overhead is the server's write
// latency. The writer therefore opens ONE connection through Prisma's driver adapter
// (`PrismaBetterSQLite3.connect()`, the SqlDriverAdapter Prisma Client itself runs on) and hands
// that same connection to Prisma Client: snapshots, compaction and pragmas go through the client,
// while the log append, one prepared INSERT per group commit, calls the adapter's `executeRaw`.
// One connection keeps SQLite single-writer and the `synchronous` pragma in force for both.
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

const adapterFactory = new PrismaBetterSQLite3({ url: 'file:' + workerData.dbPath, timeout: workerData.busyTimeoutMs });
// Opening can throw (a directory, a file we may not read): let the start-up chain report it.
const connection = Promise.resolve().then(() => adapterFactory.connect());
connection.catch(() => undefined);
const prisma = new PrismaClient({
  adapter: { provider: adapterFactory.provider, adapterName: adapterFactory.adapterName, connect: () => connection },
});

const APPEND_SQL = 'INSERT INTO log_batch (first_seq, last_seq, count, checksum, bytes, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
const INT = { scalarType: 'int', arity: 'scalar' };
const BIGINT = { scalarType: 'bigint', arity: 'scalar' };
const BYTES = { scalarType: 'bytes', arity: 'scalar' };
const APPEND_ARG_TYPES = [BIGINT, BIGINT, INT, INT, INT, BYTES, BIGINT];

// Errors come from Prisma Client (code in meta.driverAdapterError.cause) or straight from the
// driver adapter (a DriverAdapterError whose cause holds SQLite's code and message).
function driverCause(error) {
  if (error && error.name === 'DriverAdapterError' && error.cause && typeof error.cause === 'object') return error.cause;
  return (error && error.meta && error.meta.driverAdapterError && error.meta.driverAdapterError.cause) || null;
}

function sqliteCode(error) {
  const cause = driverCause(error);
  const text = String((error && error.code) || (cause && cause.originalCode) || '');
  const message = String((cause && cause.originalMessage) || (error && error.message) || error);
  const match = /SQLITE_[A-Z_]+/.exec(text + ' ' + message);
  if (match) return match[0];
  if (/locked|busy/i.test(message)) return 'SQLITE_BUSY';
  if (/readonly|read-only/i.test(message)) return 'SQLITE_READONLY';
  if (/full/i.test(message)) return 'SQLITE_FULL';
  return null;
}

// Prisma's messages start with "Invalid \`prisma.$executeRawUnsafe()\` invocation:"; the cause is the last line.
function shortMessage(error) {
  const cause = driverCause(error);
  if (cause && cause.originalMessage) return String(cause.originalMessage);
  const lines = String((error && error.message) || error).split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.length > 0 ? lines[lines.length - 1] : 'unknown error';
}

async function handle(msg) {
  switch (msg.op) {
    case 'append': {
      const payload = deflateRawSync(Buffer.from(msg.payload.buffer, msg.payload.byteOffset, msg.payload.byteLength), { level: 1 });
      const checksum = crc32(payload) | 0;
      const adapter = await connection;
      await adapter.executeRaw({
        sql: APPEND_SQL,
        args: [msg.firstSeq, msg.lastSeq, msg.count, checksum, payload.length, payload, msg.createdAt],
        argTypes: APPEND_ARG_TYPES,
      });
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
