// The engine's only source of time. The host passes one in; tests pass a fake they move by hand.

export interface Clock {
  /** Milliseconds since the Unix epoch. Must never go backwards by more than a few ms. */
  now(): number;
}

/** A clock whose time moves only when a test says so. */
export class ManualClock implements Clock {
  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
