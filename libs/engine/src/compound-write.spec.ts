// Engine.compound: several commands as one write under maxmemory (compound-write.ts).
import { stringMemory } from './memory';
import { dump, harness } from './test-support';

const VALUE = '0123456789';
const COST = stringMemory('k:00'.length, VALUE.length);

describe('Engine.compound', () => {
  test('noeviction: a step after the first change is not refused; the next command alone is', () => {
    const { run, err, engine } = harness({ maxmemory: COST * 3, maxmemoryPolicy: 'noeviction' });
    run('SET', 'k:00', VALUE);
    run('SET', 'k:01', VALUE);
    engine.compound(() => {
      run('SET', 'k:02', VALUE);
      run('SET', 'k:03', VALUE); // alone it would be refused: memory is full
      run('HSET', 'h:00', 'f', VALUE);
    });
    expect(engine.get('k:03')).toBe(VALUE);
    expect(engine.keyInfo('h:00')).not.toBeNull();
    expect(engine.stats().usedMemory).toBeGreaterThan(COST * 3);
    expect(err('SET', 'k:04', VALUE)).toMatch(/^OOM command not allowed/);
    expect(engine.evictBeforeCommand()).toBe(false);
  });

  test('noeviction: a first step that does not fit is refused and nothing changes', () => {
    const { run, engine } = harness({ maxmemory: COST * 2, maxmemoryPolicy: 'noeviction' });
    run('SET', 'k:00', VALUE);
    run('SET', 'k:01', VALUE);
    const before = dump(engine);
    const seq = engine.lastSeq;
    expect(() =>
      engine.compound(() => {
        run('SET', 'k:02', VALUE);
        run('SET', 'k:03', VALUE);
      }),
    ).toThrow(/used memory > 'maxmemory'/);
    expect(dump(engine)).toEqual(before);
    expect(engine.lastSeq).toBe(seq);
  });

  test('a DEL first counts as a change: the writes after it go on', () => {
    const { run, engine } = harness({ maxmemory: COST * 2, maxmemoryPolicy: 'noeviction' });
    run('SET', 'k:00', 'x');
    run('SET', 'k:01', VALUE);
    engine.compound(() => {
      run('DEL', 'k:00');
      run('SET', 'k:02', VALUE);
      run('SET', 'k:03', VALUE);
    });
    expect(engine.get('k:00')).toBeNull();
    expect(engine.get('k:03')).toBe(VALUE);
  });

  test.each(['volatile-ttl', 'allkeys-random', 'allkeys-lfu', 'allkeys-lru', 'volatile-random'] as const)(
    '%s: eviction never picks a key the compound wrote',
    (policy) => {
      for (let round = 0; round < 50; round++) {
        const { run, engine } = harness({ maxmemory: COST * 6, maxmemoryPolicy: policy });
        for (let i = 0; i < 5; i++) run('SET', `k:0${i}`, VALUE, 'PX', String(100_000 + i));
        engine.compound(() => {
          run('SET', 'k:08', VALUE, 'PX', '1'); // the shortest TTL, the least used: the first pick
          run('SET', 'k:09', VALUE, 'PX', '50000');
          run('HSET', 'h:00', 'f', VALUE); // no TTL: room comes from volatile keys only
          run('PEXPIRE', 'h:00', '70000');
          run('SET', 'k:07', 'x'.repeat(COST));
        });
        for (const key of ['k:08', 'k:09', 'h:00', 'k:07']) expect(engine.keyInfo(key)).not.toBeNull();
        expect(engine.stats().evictedKeys).toBeGreaterThan(0);
      }
    },
  );

  test('nested calls join the outer compound; without maxmemory it only runs the body', () => {
    const { run, engine } = harness({ maxmemory: COST * 2, maxmemoryPolicy: 'noeviction' });
    run('SET', 'k:00', VALUE);
    engine.compound(() => {
      run('SET', 'k:01', VALUE);
      engine.compound(() => run('SET', 'k:02', VALUE));
      run('SET', 'k:03', VALUE);
    });
    expect(engine.get('k:03')).toBe(VALUE);
    const plain = harness();
    expect(plain.engine.compound(() => plain.run('SET', 'a', 'b'))).toEqual({ status: 'OK' });
  });
});
