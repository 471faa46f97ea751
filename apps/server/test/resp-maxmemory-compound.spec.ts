// EXEC and scripts under maxmemory, through ioredis: each is one compound write
// (libs/engine/src/compound-write.ts), as in Redis: refused before it starts, or run to the end;
// never refused halfway, and its own keys are never evicted by its later steps.

import Redis from 'ioredis';
import { RespTestServer, startRespServer } from './support/resp-support';

let mnemo: RespTestServer;
let redis: Redis;

beforeAll(async () => {
  mnemo = await startRespServer();
  redis = new Redis({ host: '127.0.0.1', port: mnemo.port, maxRetriesPerRequest: 1, retryStrategy: () => null });
});
afterAll(async () => {
  redis.disconnect();
  await mnemo.close();
});
afterEach(async () => {
  await redis.config('SET', 'maxmemory', '0');
  await redis.flushall();
});

async function limitMemory(policy: string, headroom: number): Promise<void> {
  await redis.config('SET', 'maxmemory-policy', policy);
  const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  await redis.config('SET', 'maxmemory', String(used + headroom));
}

const VALUE = 'v'.repeat(300);
const WRITE_THREE = "for i = 1, 3 do redis.call('SET', KEYS[i], ARGV[1]) end return redis.call('DBSIZE')";

describe('noeviction, room for one write of three', () => {
  beforeEach(async () => {
    await redis.set('seed', '1');
    await limitMemory('noeviction', 600); // a SET of VALUE costs ~520 bytes
  });

  it('EXEC runs every queued write; the next write alone is refused', async () => {
    const replies = await redis.multi().set('a', VALUE).set('b', VALUE).set('c', VALUE).exec();
    expect(replies).toEqual([
      [null, 'OK'],
      [null, 'OK'],
      [null, 'OK'],
    ]);
    await expect(redis.set('d', VALUE)).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.");
  });

  it('a script runs every write it makes; the next script is refused at its first write', async () => {
    expect(await redis.eval(WRITE_THREE, 3, 'a', 'b', 'c', VALUE)).toBe(4);
    await expect(redis.eval(WRITE_THREE, 3, 'd', 'e', 'f', VALUE)).rejects.toThrow(/OOM command not allowed/);
    expect(await redis.exists('d', 'e', 'f')).toBe(0);
  });
});

describe('volatile-ttl, with other keys to evict', () => {
  it("a script's later writes never evict the key it wrote first (the shortest TTL)", async () => {
    for (let round = 0; round < 20; round++) {
      await redis.flushall();
      for (let i = 0; i < 10; i++) await redis.set(`filler:${i}`, VALUE, 'PX', 3_600_000);
      await limitMemory('volatile-ttl', 100 + round * 20);
      const script = "redis.call('SET', KEYS[1], ARGV[1], 'PX', 1000) redis.call('SET', KEYS[2], ARGV[1], 'PX', 2000) return redis.call('EXISTS', KEYS[1], KEYS[2])";
      expect(await redis.eval(script, 2, 'mine:1', 'mine:2', VALUE)).toBe(2);
      await redis.config('SET', 'maxmemory', '0');
    }
  });
});
