// Mnemo against a real Redis 7, command by command: seeded streams of random data commands
// (valid and invalid, transactions, scans) must get the same replies from both and leave the same
// keyspace (support/redis-differential.ts says what may differ). Longer runs: npm run bench:differential.

import { seededRandom } from '@mnemo/engine';
import { RawClient, startRedisPeer, startRespServer, useMnemoAndRedis } from './support/resp-support';
import { formatReply } from './support/reply-compare';
import { keyspaceDiffs, runDifferential } from './support/redis-differential';

const servers = useMnemoAndRedis();
let clients: RawClient[] = [];

afterEach(() => {
  for (const client of clients) client.close();
  clients = [];
});

describe('random command streams: the same replies and keyspace as Redis 7', () => {
  it.each([1, 2, 3, 4])('seed %i: 2,000 commands', async (seed) => {
    clients = await Promise.all([RawClient.connect(servers.mnemo.port), RawClient.connect(servers.redis.port)]);
    const run = await runDifferential(clients[0], clients[1], { seed, blocks: 10, blockSize: 200 });
    expect(run.mismatches).toEqual([]);
    expect(run.stateDiffs).toEqual([]);
    expect(run.commands).toBeGreaterThanOrEqual(2000);
    // The stream holds bad input and transactions, not only happy paths.
    expect(run.errors).toBeGreaterThan(200);
    expect(run.transactions).toBeGreaterThan(5);
    expect(run.scans).toBeGreaterThanOrEqual(10);
  });

  it('seed 6 with keyspace notifications: the same keyevent messages in the same order', async () => {
    clients = await Promise.all([servers.mnemo.port, servers.redis.port, servers.mnemo.port, servers.redis.port].map((port) => RawClient.connect(port)));
    const run = await runDifferential(clients[0], clients[1], { seed: 6, blocks: 10, blockSize: 200, subscribers: [clients[2], clients[3]] });
    expect(run.mismatches).toEqual([]);
    expect(run.stateDiffs).toEqual([]);
    expect(run.events).toBeGreaterThan(500);
  });

  it('seed 7: a restart gives back the same keyspace (a snapshot mid-stream, the rest from the log)', async () => {
    // No save points: the shutdown takes no snapshot, so the second half comes back from the log.
    const first = await startRespServer(['--save', '']);
    let firstRunning = true;
    try {
      clients = await Promise.all([RawClient.connect(first.port), RawClient.connect(servers.redis.port)]);
      const before = await runDifferential(clients[0], clients[1], { seed: 7, blocks: 4, blockSize: 200 });
      expect(before.stateDiffs).toEqual([]);
      expect((await clients[0].command('SAVE')).type).toBe('simple');
      const after = await runDifferential(clients[0], clients[1], { seed: 8, blocks: 4, blockSize: 200, keepKeys: true });
      expect(after.mismatches).toEqual([]);
      expect(after.stateDiffs).toEqual([]);
      clients[0].close();
      firstRunning = false;
      await first.close({ keepDir: true });
      const second = await startRespServer([], first.dir);
      try {
        clients[0] = await RawClient.connect(second.port);
        const { diffs, stateRedis } = await keyspaceDiffs(clients[0], clients[1]);
        expect(diffs).toEqual([]);
        expect(stateRedis.size).toBeGreaterThan(5);
      } finally {
        clients[0].close();
        await second.close();
      }
    } finally {
      if (firstRunning) await first.close();
    }
  });

  it('seed 5 over RESP3 (maps, RESP3 nulls): 2,000 commands', async () => {
    clients = await Promise.all([RawClient.connect(servers.mnemo.port), RawClient.connect(servers.redis.port)]);
    const run = await runDifferential(clients[0], clients[1], { seed: 5, blocks: 10, blockSize: 200, protocol: 3 });
    expect(run.mismatches).toEqual([]);
    expect(run.stateDiffs).toEqual([]);
    expect(run.commands).toBeGreaterThanOrEqual(2000);
  });
});

describe('CONFIG SET and GET with random values: the same answers as Redis 7', () => {
  const NAMES = ['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'appendonly', 'appendfsync', 'save', 'notify-keyspace-events', 'timeout', 'proto-max-bulk-len', 'client-query-buffer-limit', 'lfu-log-factor', 'lfu-decay-time', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size', 'MAXMEMORY', 'Appendfsync'];
  const VALUES = ['0', '1', '-1', '100mb', '1gb', '1GB', '10k', 'abc', '', 'yes', 'no', 'YES', ' yes', 'always', 'everysec', 'allkeys-lru', 'volatile-lfu', 'noeviction', '3600 1', '3600', '10 ', '0 1', 'KEA', 'Ex', 'xyz', '100', '99999999999999999999', '5', '1mb', '512mb', '2147483648', '-5mb', '1.5', ' 10'];

  /** Equal, except that Mnemo's maxmemory-policy list also names Redis 8.6's lrm policies (docs/resp.md). */
  function same(a: string, b: string): boolean {
    return a === b || a === b.replace('allkeys-random, noeviction"', 'allkeys-random, noeviction, volatile-lrm, allkeys-lrm"');
  }

  it('300 random CONFIG SET, each followed by CONFIG GET', async () => {
    // Servers of its own: the settings it leaves (a tiny maxmemory, a 1 s timeout) must not reach other tests.
    const [mnemo, redis] = await Promise.all([startRespServer(['--save', '', '--appendonly', 'no']), startRedisPeer()]);
    const [a, b] = await Promise.all([RawClient.connect(mnemo.port), RawClient.connect(redis.port)]);
    try {
      const rnd = seededRandom(11);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
      const differences: string[] = [];
      for (let i = 0; i < 300; i++) {
        const name = pick(NAMES);
        for (const argv of [['CONFIG', 'SET', name, pick(VALUES)], ['CONFIG', 'GET', name]]) {
          const [fromMnemo, fromRedis] = [formatReply(await a.command(...argv)), formatReply(await b.command(...argv))];
          if (!same(fromMnemo, fromRedis)) differences.push(`${JSON.stringify(argv)}: mnemo ${fromMnemo} / redis ${fromRedis}`);
        }
      }
      // One parameter named twice, in two spellings: one pair, spelled as first asked.
      for (const argv of [['CONFIG', 'GET', 'maxmemory', 'MAXMEMORY'], ['CONFIG', 'GET', 'Timeout', 'timeout', 'TIMEOUT']]) {
        const [fromMnemo, fromRedis] = [formatReply(await a.command(...argv)), formatReply(await b.command(...argv))];
        if (fromMnemo !== fromRedis) differences.push(`${JSON.stringify(argv)}: mnemo ${fromMnemo} / redis ${fromRedis}`);
      }
      expect(differences).toEqual([]);
    } finally {
      a.close();
      b.close();
      await Promise.all([mnemo.close(), redis.stop()]);
    }
  });
});
