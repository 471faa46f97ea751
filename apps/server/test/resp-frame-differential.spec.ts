// Malformed RESP input against a real Redis 7 (support/frame-differential.ts): random mutations of
// valid requests must get the same bytes back from Mnemo as from Redis, and the same decision to
// close the connection or wait for more.

import { useMnemoAndRedis } from './support/resp-support';
import { runFrameDifferential } from './support/frame-differential';

const servers = useMnemoAndRedis();

describe('malformed frames: the same answers and closes as Redis 7', () => {
  it('400 random frames', async () => {
    const run = await runFrameDifferential(servers.mnemo.port, servers.redis.port, { seed: 1, count: 400 });
    expect(run.differences).toEqual([]);
    expect(run.cases).toBe(400);
    // Protocol errors (a close) and frames left waiting or answered: both kinds are exercised.
    expect(run.closed).toBeGreaterThan(40);
    expect(run.cases - run.closed).toBeGreaterThan(40);
    // ~2 s on a quiet machine (16 rounds of at least 120 ms of quiet); under the load of the other
    // suites, every difference is re-checked with a second of quiet, so allow for a few of those.
  }, 30_000);
});
