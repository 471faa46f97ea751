// Reusable shared buffers for the event log's batches.
//
// Design note. A batch used to be copied out of the log's ByteWriter into a fresh Buffer when it
// was sealed, then copied again by postMessage into the writer thread. A fresh Buffer is external
// memory to V8, and V8 answers external allocations with collections: measured with
// `npm run bench:log-gc` and `--trace-gc` (a server with default persistence, 200k SETs per
// 200 ms window), the main thread ran a mark-compact about every second and ~1 extra scavenge a
// window ("external memory pressure"): 91 collections in 100 windows, 8 without a log.
// So batches are written into Buffers over SharedArrayBuffers taken from this pool: sealing hands
// the written bytes over as a view (no copy), postMessage shares a SharedArrayBuffer instead of
// copying it, and the buffer comes back to the pool once its batch is committed, when the writer
// thread is done reading it. A batch that failed to commit keeps its buffer until a retry
// commits it.
//   seal:    payload = view of buffer A; the ByteWriter goes on in buffer B (from the pool)
//   commit:  buffer A back to the pool
// The pool keeps a few buffers; more (a backlog of batches) are left to the GC. A batch smaller
// than a quarter of the writer's buffer is copied into a buffer of its own size instead: when
// the writer thread falls behind, every commit seals a small batch, and handing each of them a
// 16 MB buffer (SharedArrayBuffers are zero-filled) once made the main thread allocate gigabytes
// a second; giving the writer a small buffer instead made it grow again, doubling by doubling,
// on the next big batch.
//   batch of 6 MB in a 8 MB writer buffer  ->  handed over; the writer takes another 8 MB buffer
//   batch of 200 KB in a 8 MB writer buffer ->  copied into a 256 KB buffer; the writer keeps its 8 MB

export class SharedBufferPool {
  private readonly free: SharedArrayBuffer[] = [];

  constructor(private readonly keep = 3) {}

  /** A Buffer of at least `size` bytes, over a SharedArrayBuffer: the smallest free one that fits, or a new one. */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i].byteLength;
      if (length >= size && (best === -1 || length < this.free[best].byteLength)) best = i;
    }
    if (best !== -1) return Buffer.from(this.free.splice(best, 1)[0]);
    return Buffer.from(new SharedArrayBuffer(size));
  }

  /**
   * Takes back the memory under `view` (a Buffer `take` returned, or a view of one). A full pool
   * keeps its largest buffers: it used to refuse every buffer once full, and three small ones
   * left from the first batches then fit no request once batches had grown, so every take
   * allocated (measured under redis-benchmark INCR -P 16: ten zero-filled 2 MB buffers a second,
   * 20 MB/s of garbage, none reused).
   */
  give(view: Uint8Array): void {
    const memory = view.buffer;
    if (!(memory instanceof SharedArrayBuffer) || this.free.includes(memory)) return;
    if (this.free.length < this.keep) {
      this.free.push(memory);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i].byteLength < this.free[smallest].byteLength) smallest = i;
    if (memory.byteLength > this.free[smallest].byteLength) this.free[smallest] = memory;
  }

  get size(): number {
    return this.free.length;
  }
}

/** The buffer size for a batch of `used` bytes: the next power of two, at least 64 KB. */
export function nextBufferSize(used: number): number {
  let size = 64 * 1024;
  while (size < used) size *= 2;
  return size;
}
