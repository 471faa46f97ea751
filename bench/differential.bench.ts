// Differential run against Redis 7: many seeded streams of random data commands sent to Mnemo
// (in process, default persistence in a temporary dir) and to /usr/bin/redis-server, every reply
// and the keyspace after every block compared (apps/server/test/support/redis-differential.ts);
// every third seed runs over RESP3, every other one compares the keyevent notifications too.
// Then malformed frames (support/frame-differential.ts): random mutations of valid requests on
// fresh connections, the same bytes back and the same close expected.
// Run: npm run bench:differential [-- --seeds=50 --commands=20000 --first-seed=1000 --frames=20000].
// Prints the differences grouped by command (first example of each) and writes
// bench/results/differential.json. `npm test` runs short versions of both
// (resp-redis-differential.spec.ts, resp-frame-differential.spec.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RawClient, startRedisPeer, startRespServer } from '../apps/server/test/support/resp-support';
import { runDifferential, type Mismatch } from '../apps/server/test/support/redis-differential';
import { runFrameDifferential } from '../apps/server/test/support/frame-differential';
import { option } from './options';

async function main(): Promise<void> {
  const seeds = option('seeds', 50);
  const commands = option('commands', 20_000);
  const firstSeed = option('first-seed', 1000);
  const frames = option('frames', 20_000);
  const blockSize = 250;
  const [mnemo, redis] = await Promise.all([startRespServer(), startRedisPeer()]);
  const byCommand = new Map<string, { count: number; first: Mismatch & { seed: number } }>();
  const stateDiffs: string[] = [];
  let total = 0;
  let events = 0;
  let frameResults: unknown = null;
  const started = Date.now();
  try {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const connections = await Promise.all([mnemo.port, redis.port, mnemo.port, redis.port].map((port) => RawClient.connect(port)));
      const [a, b, subMnemo, subRedis] = connections;
      // Every third seed speaks RESP3; every other seed compares keyspace notifications too.
      const run = await runDifferential(a, b, {
        seed,
        blocks: Math.ceil(commands / blockSize),
        blockSize,
        protocol: seed % 3 === 0 ? 3 : 2,
        subscribers: seed % 2 === 0 ? [subMnemo, subRedis] : undefined,
        maxMismatches: 1000,
      });
      for (const connection of connections) connection.close();
      events += run.events;
      total += run.commands;
      for (const m of run.mismatches) {
        const name = m.argv[0].toUpperCase();
        const entry = byCommand.get(name);
        if (entry) entry.count++;
        else byCommand.set(name, { count: 1, first: { ...m, seed } });
      }
      stateDiffs.push(...run.stateDiffs.map((d) => `seed ${seed}: ${d}`));
      console.log(`seed ${seed}: ${run.commands} commands, ${run.mismatches.length} different replies, ${run.stateDiffs.length} keyspace differences`);
    }
    const frameRun = await runFrameDifferential(mnemo.port, redis.port, { seed: firstSeed, count: frames });
    frameResults = { cases: frameRun.cases, closed: frameRun.closed, differences: frameRun.differences.slice(0, 50) };
    console.log(`malformed frames: ${frameRun.cases} cases (${frameRun.closed} closed by Redis), ${frameRun.differences.length} different`);
    for (const d of frameRun.differences.slice(0, 10)) console.log(`  ${JSON.stringify(d)}`);
  } finally {
    await Promise.all([mnemo.close(), redis.stop()]);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${total} commands and ${events} keyevent notifications in ${seconds.toFixed(1)} s over ${seeds} seeds; different replies by command:`);
  for (const [name, { count, first }] of byCommand) {
    console.log(`  ${name}: ${count}; first: seed ${first.seed} #${first.index} ${JSON.stringify(first.argv)}\n    mnemo ${first.mnemo}\n    redis ${first.redis}\n    history ${JSON.stringify(first.history)}`);
  }
  for (const diff of stateDiffs.slice(0, 20)) console.log(`  keyspace: ${diff}`);
  const results = {
    date: new Date().toISOString(),
    seeds,
    firstSeed,
    commands: total,
    notifications: events,
    seconds,
    differentReplies: Object.fromEntries([...byCommand].map(([name, { count, first }]) => [name, { count, first }])),
    keyspaceDifferences: stateDiffs,
    malformedFrames: frameResults,
  };
  writeFileSync(path.join('bench', 'results', 'differential.json'), JSON.stringify(results, null, 2) + '\n');
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
