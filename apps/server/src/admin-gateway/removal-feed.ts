// The evictions / expirations feed: removal records collected on the write path, sent in
// batches with the key, the policy, the reason and the memory figures.
//
// Design note. `removed()` runs inside engine writes, so it only appends the key and the time to
// two preallocated-growth arrays per reason (no object per removal) and counts overflow beyond
// `maxPerBatch`. `drain()` builds the RemovalEvent objects once per window for all dashboards,
// reading memory and policy once from the engine: the memory shown is the figure when the batch
// was built, at most one window (~200 ms) after the removal. Example, cap 2:
//   evicted a, evicted b, expired c, evicted d  ->  evictions { events: [a, b], dropped: 1 },
//                                                   expirations { events: [c], dropped: 0 }

import { bytesToText } from '@mnemo/engine';
import type { Bytes } from '@mnemo/engine';
import type { RemovalBatch, RemovalEvent } from '@mnemo/contracts';

export const DEFAULT_MAX_REMOVALS_PER_BATCH = 200;

export interface MemoryFigures {
  usedMemory: number;
  maxmemory: number;
  maxmemoryPolicy: string;
}

class RemovalBuffer {
  readonly keys: Bytes[] = [];
  readonly times: number[] = [];
  dropped = 0;

  constructor(private readonly cap: number) {}

  add(key: Bytes, at: number): void {
    if (this.keys.length >= this.cap) {
      this.dropped++;
      return;
    }
    this.keys.push(key);
    this.times.push(at);
  }

  /** The batch for this window, or null if nothing was removed; empties the buffer. */
  take(reason: RemovalEvent['reason'], memory: MemoryFigures): RemovalBatch | null {
    if (this.keys.length === 0 && this.dropped === 0) return null;
    const events: RemovalEvent[] = this.keys.map((key, i) => ({
      at: this.times[i],
      key: bytesToText(key),
      reason,
      policy: memory.maxmemoryPolicy,
      usedMemory: memory.usedMemory,
      maxmemory: memory.maxmemory,
    }));
    const batch = { events, dropped: this.dropped };
    this.keys.length = 0;
    this.times.length = 0;
    this.dropped = 0;
    return batch;
  }
}

export class RemovalFeed {
  private readonly evictions: RemovalBuffer;
  private readonly expirations: RemovalBuffer;

  constructor(
    private readonly now: () => number,
    maxPerBatch = DEFAULT_MAX_REMOVALS_PER_BATCH,
  ) {
    this.evictions = new RemovalBuffer(maxPerBatch);
    this.expirations = new RemovalBuffer(maxPerBatch);
  }

  /** Hot path, a key was deleted: O(1); ignores every reason but eviction and expiry. */
  removed(key: Bytes, reason: string): void {
    if (reason === 'evicted') this.evictions.add(key, this.now());
    else if (reason === 'expired') this.expirations.add(key, this.now());
  }

  /** True if a drain would return anything (saves the caller a memory read). */
  get pending(): boolean {
    return (
      this.evictions.keys.length + this.evictions.dropped + this.expirations.keys.length + this.expirations.dropped > 0
    );
  }

  /** Forgets what was collected (nobody is left to tell). */
  clear(): void {
    this.drain({ usedMemory: 0, maxmemory: 0, maxmemoryPolicy: '' });
  }

  /** Ends the window: each batch is null when that kind of removal did not happen. */
  drain(memory: MemoryFigures): { evictions: RemovalBatch | null; expirations: RemovalBatch | null } {
    return { evictions: this.evictions.take('evicted', memory), expirations: this.expirations.take('expired', memory) };
  }
}
