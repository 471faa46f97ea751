// Mnemo against a real Redis 7, command by command: seeded streams of random data commands
// (valid and invalid, transactions, scans) must get the same replies from both and leave the same
// keyspace (support/redis-differential.ts says what may differ). Longer runs: npm run bench:differential.

import { RawClient, startRespServer, useMnemoAndRedis } from './support/resp-support';
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
