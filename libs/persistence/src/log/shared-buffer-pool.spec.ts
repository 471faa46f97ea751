// The event log's batch buffers: shared memory, reused once given back, a bounded number kept.
import { nextBufferSize, SharedBufferPool } from './shared-buffer-pool';

describe('SharedBufferPool', () => {
  it('hands out Buffers over SharedArrayBuffers and reuses one given back through a view of it', () => {
    const pool = new SharedBufferPool(2);
    const a = pool.take(1024);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.length).toBe(1024);
    pool.give(a.subarray(0, 10));
    expect(pool.size).toBe(1);
    const again = pool.take(512);
    expect(again.buffer).toBe(a.buffer);
    expect(again.length).toBe(1024);
    expect(pool.size).toBe(0);
  });

  it('allocates when no free buffer is big enough, keeps at most `keep`, and ignores other memory', () => {
    const pool = new SharedBufferPool(2);
    const small = pool.take(16);
    pool.give(small);
    const big = pool.take(64);
    expect(big.buffer).not.toBe(small.buffer);
    expect(pool.size).toBe(1);
    pool.give(big);
    pool.give(big);
    pool.give(pool.take(4096));
    expect(pool.size).toBe(2);
    pool.give(Buffer.alloc(32));
    expect(pool.size).toBe(2);
  });

  it('takes the smallest free buffer that fits, so a small batch does not hold a big buffer', () => {
    const pool = new SharedBufferPool(3);
    const big = pool.take(1 << 20);
    const medium = pool.take(1 << 16);
    pool.give(big);
    pool.give(medium);
    expect(pool.take(1000).buffer).toBe(medium.buffer);
    expect(pool.take(1 << 18).buffer).toBe(big.buffer);
    expect(pool.size).toBe(0);
  });

  it('when full, keeps its largest buffers, so batches that grew find theirs again instead of allocating each time', () => {
    const pool = new SharedBufferPool(2);
    const smalls = [pool.take(1024), pool.take(1024)];
    for (const small of smalls) pool.give(small);
    expect(pool.size).toBe(2);
    // The batches grew: no free buffer fits, so one is allocated; given back, it replaces a small one.
    const big = pool.take(1 << 20);
    expect(smalls.map((small) => small.buffer)).not.toContain(big.buffer);
    pool.give(big);
    expect(pool.size).toBe(2);
    expect(pool.take(1 << 20).buffer).toBe(big.buffer); // reused, not allocated again
  });

  it('when full of bigger buffers, does not take a smaller one in their place', () => {
    const pool = new SharedBufferPool(2);
    const small = pool.take(1024);
    const bigs = [pool.take(1 << 20), pool.take(1 << 20)];
    for (const big of bigs) pool.give(big); // full of big ones
    pool.give(small); // smaller than both: not kept
    const kept = [pool.take(1 << 20).buffer, pool.take(1 << 20).buffer];
    expect(kept).toEqual(expect.arrayContaining(bigs.map((big) => big.buffer)));
  });

  it('sizes the next batch buffer to the last batch: a power of two, at least 64 KB', () => {
    expect(nextBufferSize(0)).toBe(65536);
    expect(nextBufferSize(65536)).toBe(65536);
    expect(nextBufferSize(65537)).toBe(131072);
    expect(nextBufferSize(5_000_000)).toBe(8_388_608);
  });
});
