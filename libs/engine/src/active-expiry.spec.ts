// Active expiry (engine.tick): Redis's sampling cycle, its stale bound and its time budget.
import { ACTIVE_EXPIRE_INTERVAL_MS, DEFAULT_ACTIVE_EXPIRE_BUDGET_MS } from './active-expiry';
import { ManualClock } from './clock';
import { Engine } from './engine';
import { harness, seededRandom } from './test-support';

/** Fraction of keys with a TTL that are expired but still present. */
function staleFraction(engine: Engine): number {
  const present = engine.stats().keysWithTtl;
  return present === 0 ? 0 : (present - countLive(engine)) / present;
}

function countLive(engine: Engine): number {
  let n = 0;
  let cursor = '0';
  do {
    const c = engine.snapshotChunk(cursor, 1000);
    n += c.entries.filter((e) => e.expiresAt !== null).length;
    cursor = c.cursor;
  } while (cursor !== '0');
  return n;
}

describe('active expiry', () => {
  test('tick - removes expired keys nobody touches, with expired records', () => {
    const { run, clock, engine, records } = harness();
    for (let i = 0; i < 1000; i++) run('SET', `t${i}`, 'v', 'PX', '100');
    for (let i = 0; i < 100; i++) run('SET', `p${i}`, 'v');
    clock.advance(101);
    const r = engine.tick();
    expect(r.expired).toBeGreaterThan(900);
    expect(r.timedOut).toBe(false);
    expect(records.filter((x) => x.kind === 'del' && x.reason === 'expired')).toHaveLength(r.expired);
    expect(engine.stats().expiredKeys).toBe(r.expired);
    expect(engine.stats().keys).toBe(1100 - r.expired);
  });

  test('avgTtlMs - the moving average of sampled TTLs (INFO avg_ttl); 0 without keys with a TTL', () => {
    const { run, clock, engine } = harness();
    expect(engine.stats().avgTtlMs).toBe(0);
    for (let i = 0; i < 500; i++) run('SET', `a${i}`, 'v', 'PX', '60000');
    for (let i = 0; i < 500; i++) run('SET', `b${i}`, 'v', 'PX', '20000');
    engine.tick();
    // One cycle: the average of its sampled keys, all 20 s or 60 s away.
    const first = engine.stats().avgTtlMs;
    expect(first).toBeGreaterThanOrEqual(20_000);
    expect(first).toBeLessThanOrEqual(60_000);
    for (let t = 0; t < 400; t++) {
      clock.advance(10);
      engine.tick();
    }
    // Many cycles later (4 s on): near the true mean, (56 + 16) / 2 = 36 s.
    expect(engine.stats().avgTtlMs).toBeGreaterThan(30_000);
    expect(engine.stats().avgTtlMs).toBeLessThan(42_000);
    run('FLUSHALL');
    expect(engine.stats().avgTtlMs).toBe(0);
    run('SET', 'forever', 'v');
    engine.tick();
    expect(engine.stats().avgTtlMs).toBe(0);
  });

  test('tick - samples 20 keys per loop and stops when at most 10% of a loop was expired', () => {
    const { run, clock, engine } = harness();
    for (let i = 0; i < 2000; i++) run('SET', `t${i}`, 'v', 'PX', i % 50 === 0 ? '10' : '100000');
    clock.advance(11);
    const r = engine.tick();
    expect(r.sampled % 20).toBe(0);
    expect(r.sampled).toBeLessThanOrEqual(40);
    expect(engine.stats().expiredStaleFraction).toBeLessThan(0.1);
  });

  test('expired_stale_perc decays once the keys with TTLs are gone, and CONFIG RESETSTAT clears it (as Redis)', () => {
    const { run, clock, engine } = harness();
    for (let i = 0; i < 2000; i++) run('SET', `t${i}`, 'v', 'PX', '10');
    clock.advance(11);
    engine.tick(); // samples, most of them stale
    const stale = engine.stats().expiredStaleFraction;
    expect(stale).toBeGreaterThan(0);
    run('FLUSHALL');
    for (let i = 0; i < 100; i++) engine.tick(); // nothing to sample: each cycle counts as 0 %
    expect(engine.stats().expiredStaleFraction).toBeLessThan(stale * 0.01);
    run('SET', 'v', '1', 'PX', '10');
    clock.advance(11);
    engine.tick();
    expect(engine.stats().expiredStaleFraction).toBeGreaterThan(0);
    engine.resetStats();
    expect(engine.stats().expiredStaleFraction).toBe(0);
  });

  test('tick - drains a fully elapsed expiry window without sampling', () => {
    const { run, clock, engine } = harness();
    for (let i = 0; i < 1000; i++) run('SET', `t${i}`, 'v', 'EX', '60');
    run('SET', 'later', 'v', 'EX', '3600');
    clock.advance(62_000);
    const r = engine.tick();
    expect(r.expired).toBe(1000);
    expect(engine.stats().keys).toBe(1);
    expect(engine.stats().keysWithTtl).toBe(1);
  });

  test('tick - a TTL changed after filing is honoured (PERSIST, longer EXPIRE)', () => {
    const { run, clock, engine } = harness();
    run('SET', 'a', 'v', 'EX', '10');
    run('SET', 'b', 'v', 'EX', '10');
    run('SET', 'c', 'v', 'EX', '10');
    run('PERSIST', 'a');
    run('EXPIRE', 'b', '100');
    clock.advance(12_000);
    engine.tick();
    expect(engine.stats().keys).toBe(2);
    expect(run('TTL', 'b')).toBe(88);
    expect(run('TTL', 'a')).toBe(-1);
  });

  test('tick - keeps stale keys under 10% of keys with a TTL while keys expire continuously', () => {
    const { run, clock, engine } = harness({ random: seededRandom(3) });
    const rnd = seededRandom(5);
    for (let i = 0; i < 20000; i++) run('SET', `k${i}`, 'v', 'PX', String(1000 + Math.floor(rnd() * 60000)));
    let worst = 0;
    let next = 20000;
    for (let t = 0; t < 300; t++) {
      clock.advance(100);
      for (let j = 0; j < 30; j++) run('SET', `k${next++}`, 'v', 'PX', String(1000 + Math.floor(rnd() * 60000)));
      engine.tick();
      if (t > 20 && t % 10 === 0) worst = Math.max(worst, staleFraction(engine));
    }
    expect(worst).toBeLessThanOrEqual(0.1);
    expect(worst).toBeGreaterThan(0);
  });

  test('tick - the budget clock bounds one cycle', () => {
    const clock = new ManualClock();
    let budgetNow = 0;
    const engine = new Engine({ clock, random: seededRandom(1), activeExpireBudgetMs: 1, budgetClock: { now: () => (budgetNow += 0.1) } });
    for (let i = 0; i < 10000; i++) engine.execute(['SET', `t${i}`, 'v', 'PX', '10']);
    clock.advance(11);
    const r = engine.tick();
    expect(r.timedOut).toBe(true);
    expect(r.expired).toBeLessThan(10000);
    expect(r.expired).toBeGreaterThan(0);
    let total = r.expired;
    for (let i = 0; i < 1000 && engine.stats().keys > 0; i++) total += engine.tick().expired;
    expect(total).toBe(10000);
  });

  test('tick - the default budget is DEFAULT_ACTIVE_EXPIRE_BUDGET_MS, and a tick every ACTIVE_EXPIRE_INTERVAL_MS keeps up', () => {
    const clock = new ManualClock();
    let budgetNow = 0;
    // Each budget-clock read moves 0.05 ms: the default 1 ms budget allows ~20 reads a tick.
    const engine = new Engine({ clock, random: seededRandom(2), budgetClock: { now: () => (budgetNow += 0.05) } });
    expect(DEFAULT_ACTIVE_EXPIRE_BUDGET_MS).toBe(1);
    for (let i = 0; i < 20000; i++) engine.execute(['SET', `t${i}`, 'v', 'PX', String(1 + (i % 1000))]);
    clock.advance(2000);
    const first = engine.tick();
    expect(first.timedOut).toBe(true);
    // Checked every 64 deletes: ~20 reads of the budget clock -> at most ~20 x 64 deletes.
    expect(first.expired).toBeLessThanOrEqual(21 * 64);
    let ticks = 1;
    while (engine.stats().keys > 0 && ticks < 1000) {
      clock.advance(ACTIVE_EXPIRE_INTERVAL_MS);
      engine.tick();
      ticks++;
    }
    expect(engine.stats().keys).toBe(0);
    expect(ticks).toBeGreaterThan(10);
  });

  test('tick - returns one result object, overwritten by each tick (no allocation per tick)', () => {
    const { run, clock, engine } = harness();
    run('SET', 'a', 'v', 'PX', '10');
    clock.advance(11);
    const first = engine.tick();
    expect(first.expired).toBe(1);
    const second = engine.tick();
    expect(second).toBe(first);
    expect(first.expired).toBe(0);
  });

  test('tick - nothing to do on an engine without TTLs', () => {
    const { run, engine } = harness();
    run('SET', 'a', '1');
    expect(engine.tick()).toMatchObject({ sampled: 0, expired: 0, timedOut: false });
  });
});
