// Messages between the main thread and the writer thread (the only thread that writes SQLite).

export type SyncMode = 'FULL' | 'NORMAL' | 'OFF';

export type WriterRequest =
  | { op: 'append'; id: number; firstSeq: number; lastSeq: number; count: number; payload: Uint8Array; createdAt: number }
  | { op: 'synchronous'; id: number; mode: SyncMode }
  | { op: 'checkpoint'; id: number }
  | { op: 'snapshot-begin'; id: number; startSeq: number; kind: string; startedAt: number }
  | { op: 'snapshot-chunk'; id: number; snapshotId: number; idx: number; count: number; payload: Uint8Array }
  | { op: 'snapshot-end'; id: number; snapshotId: number; startSeq: number; keys: number; bytes: number; chunkCount: number; finishedAt: number }
  | { op: 'snapshot-abort'; id: number; snapshotId: number }
  | { op: 'close'; id: number };

/** What the writer answers; `result` depends on the request (see writer-source.ts). */
export type WriterReply =
  | { id: number; ok: true; result: WriterResult }
  | { id: number; ok: false; error: string; sqliteCode: string | null };

export interface WriterResult {
  /** snapshot-begin: the new snapshot's id. */
  snapshotId?: number;
  /** append: stored bytes and checksum. */
  bytes?: number;
  checksum?: number;
  /** snapshot-end: log batches and bytes the compaction dropped. */
  droppedBatches?: number;
  droppedBytes?: number;
  /** When the writer finished the request (unix ms). */
  at: number;
}

export interface WriterData {
  dbPath: string;
  /** A file path from which `@prisma/client` and its adapter resolve (createRequire). */
  requireFrom: string;
  synchronous: SyncMode;
  /** better-sqlite3 busy timeout, ms. */
  busyTimeoutMs: number;
}
