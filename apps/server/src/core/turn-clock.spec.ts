// TurnClock: one clock read per run of commands (enter/exit), a fresh read outside runs.

import { TurnClock } from './turn-clock';

describe('TurnClock', () => {
  it('reads the source once per run, however many times now() is called in it', () => {
    let reads = 0;
    const clock = new TurnClock(() => 1000 + ++reads);
    expect(clock.enter()).toBe(1001);
    expect(clock.now()).toBe(1001);
    expect(clock.now()).toBe(1001);
    clock.exit();
    expect(reads).toBe(1);
  });

  it('reads afresh on every call outside a run, and at the start of the next run', () => {
    let time = 5000;
    const clock = new TurnClock(() => time);
    expect(clock.now()).toBe(5000);
    time = 6000;
    expect(clock.now()).toBe(6000);
    expect(clock.enter()).toBe(6000);
    time = 7000;
    expect(clock.now()).toBe(6000);
    clock.exit();
    expect(clock.now()).toBe(7000);
    expect(clock.enter()).toBe(7000);
    clock.exit();
  });

  it('keeps the outer run time through a nested run', () => {
    let time = 100;
    const clock = new TurnClock(() => time);
    clock.enter();
    time = 200;
    expect(clock.enter()).toBe(100);
    clock.exit();
    expect(clock.now()).toBe(100);
    clock.exit();
    expect(clock.now()).toBe(200);
  });
});
