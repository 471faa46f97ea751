// Random Lua expressions through EVAL on Mnemo and on redis-server 7, the same replies expected
// (support/lua-differential.ts). The long run, NaN and negative zero included, is
// `npm run bench:lua-differential`.

import { seededRandom } from '@mnemo/engine';
import { RawClient, useMnemoAndRedis } from './support/resp-support';
import { runLuaDifferential } from './support/lua-differential';

const servers = useMnemoAndRedis();

it('numbers, strings and string.format in 600 random scripts reply as in redis-server', async () => {
  const [mnemo, redis] = await Promise.all([RawClient.connect(servers.mnemo.port), RawClient.connect(servers.redis.port)]);
  try {
    const mismatches = await runLuaDifferential(mnemo, redis, seededRandom(29), 600, false);
    expect(mismatches.slice(0, 5)).toEqual([]);
  } finally {
    mnemo.close();
    redis.close();
  }
});
