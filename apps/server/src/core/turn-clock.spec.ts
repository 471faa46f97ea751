// TurnClock: one clock read per synchronous run, a fresh one on the next turn.

import { TurnClock } from './turn-clock';

describe('TurnClock', () => {
  it('reads the source once per synchronous run', () => {
    let reads = 0;
    const clock = new TurnClock(() => 1000 + ++reads);
    expect(clock.now()).toBe(1001);
    expect(clock.now()).toBe(1001);
    expect(reads).toBe(1);
  });

  it('reads afresh once the run has ended (after microtasks and on the next macrotask)', async () => {
    let time = 5000;
    const clock = new TurnClock(() => time);
    expect(clock.now()).toBe(5000);
    time = 6000;
    await Promise.resolve();
    expect(clock.now()).toBe(6000);
    time = 7000;
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.now()).toBe(7000);
  });
});
