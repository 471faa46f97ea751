// The server's clock for the engine: the wall clock read once per event-loop turn.

import type { Clock } from '@mnemo/engine';

/**
 * Design note. Redis caches its time once per event-loop iteration (server.mstime) instead of
 * asking the kernel for every command. Here a read costs ~70 ns alone but several hundred inside
 * a tight command loop (it stalls the overlap of one command's cache misses with the next), so
 * the engine's clock is read once per synchronous run:
 *
 *   socket 'data' (16 pipelined commands) -> now() reads Date.now() once, queues a microtask
 *   ... the 16 commands all see that ms ...
 *   run ends -> microtask drops the cached value -> the next turn reads the clock afresh
 *
 * Timers, socket reads and HTTP requests are separate turns, so TTLs, idle times and active
 * expiry see time move as before; only commands of one batch share a millisecond, as in Redis.
 */
export class TurnClock implements Clock {
  private cached = 0;
  private valid = false;
  private readonly invalidate = (): void => {
    this.valid = false;
  };

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    if (!this.valid) {
      this.cached = this.source();
      this.valid = true;
      queueMicrotask(this.invalidate);
    }
    return this.cached;
  }
}

/** A monotonic clock for time budgets (active expiry), never cached. */
export const budgetClock: Clock = { now: () => performance.now() };
