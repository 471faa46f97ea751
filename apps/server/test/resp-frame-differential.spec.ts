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
  });
});
