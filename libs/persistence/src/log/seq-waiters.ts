// Promises waiting for a seq to become durable, kept in seq order (the event log's writers and flushes).

interface Waiter {
  seq: number;
  resolve(): void;
  reject(error: Error): void;
}

export class SeqWaiters {
  private list: Waiter[] = [];

  get size(): number {
    return this.list.length;
  }

  /** A promise that settles when settleUpTo reaches `seq`, or rejectAll is called. */
  wait(seq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // Records arrive in seq order, so this nearly always appends.
      let i = this.list.length;
      while (i > 0 && this.list[i - 1].seq > seq) i--;
      this.list.splice(i, 0, { seq, resolve, reject });
    });
  }

  /** Resolves every waiter with seq <= durable. */
  settleUpTo(durable: number): void {
    let i = 0;
    while (i < this.list.length && this.list[i].seq <= durable) this.list[i++].resolve();
    if (i > 0) this.list = this.list.slice(i);
  }

  /** Rejects every waiter with `error` and forgets them. */
  rejectAll(error: Error): void {
    const waiting = this.list;
    this.list = [];
    for (const waiter of waiting) waiter.reject(error);
  }
}
