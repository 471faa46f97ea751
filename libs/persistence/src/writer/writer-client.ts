// Main-thread handle on the writer thread: starts it, sends requests, matches replies to promises.

import { Worker } from 'node:worker_threads';
import { WRITER_SOURCE } from './writer-source';
import type { SyncMode, WriterData, WriterReply, WriterRequest, WriterResult } from './writer-protocol';

/** A request the writer could not carry out; `sqliteCode` is e.g. SQLITE_BUSY, SQLITE_FULL, SQLITE_READONLY. */
export class WriterError extends Error {
  readonly code = 'WRITE_FAILED';
  constructor(
    message: string,
    readonly sqliteCode: string | null,
  ) {
    super(message);
    this.name = 'WriterError';
  }
}

type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(result: WriterResult): void;
  reject(error: Error): void;
}

/**
 * Owns one writer thread for one database file. Requests run in the order they are sent.
 * `request` resolves with the writer's result or rejects with a WriterError; if the thread dies,
 * every pending and later request rejects.
 */
export class WriterClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;
  /** Set by the owner to hear about a failure of the writer's own start-up pragmas. */
  onStartupError: ((error: WriterError) => void) | null = null;

  constructor(dbPath: string, synchronous: SyncMode, busyTimeoutMs = 2000) {
    const data: WriterData = { dbPath, requireFrom: require.resolve('@prisma/client'), synchronous, busyTimeoutMs };
    this.worker = new Worker(WRITER_SOURCE, { eval: true, workerData: data });
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`writer thread exited with code ${code}`)));
  }

  request(message: Request): Promise<WriterResult> {
    if (this.dead) return Promise.reject(new WriterError(this.dead.message, null));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Asks the writer to checkpoint and close its client, then waits for the thread to end. */
  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.request({ op: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
    if (!this.dead) await this.worker.terminate();
  }

  private settle(reply: WriterReply): void {
    if (reply.id === 0 && !reply.ok) {
      this.onStartupError?.(new WriterError(reply.error, reply.sqliteCode));
      return;
    }
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if (reply.ok) entry.resolve(reply.result);
    else entry.reject(new WriterError(reply.error, reply.sqliteCode));
  }

  private fail(error: Error): void {
    if (!this.dead) this.dead = error;
    for (const entry of this.pending.values()) entry.reject(new WriterError(error.message, null));
    this.pending.clear();
  }
}
