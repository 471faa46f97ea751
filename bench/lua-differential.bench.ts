// Differential run of Lua scripting against Redis 7: random number and string expressions
// (apps/server/test/support/lua-differential.ts) through EVAL on Mnemo (in process) and on
// /usr/bin/redis-server, replies compared; NaN, the infinities and negative zero included
// (`npm test` runs 600 scripts without them: resp-lua-differential.spec.ts).
// Run: npm run bench:lua-differential [-- --scripts=20000 --seed=1 --exact=1].
// Prints the number of different replies and the first of them; writes bench/results/lua-differential.json.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '@mnemo/engine';
import { RawClient, startRedisPeer, startRespServer } from '../apps/server/test/support/resp-support';
import { runLuaDifferential } from '../apps/server/test/support/lua-differential';
import { option } from './options';

async function main(): Promise<void> {
  const scripts = option('scripts', 20_000);
  const seed = option('seed', 1);
  const exact = option('exact', 1) === 1;
  const [mnemo, redis] = await Promise.all([startRespServer(), startRedisPeer()]);
  const started = Date.now();
  try {
    const [a, b] = await Promise.all([RawClient.connect(mnemo.port), RawClient.connect(redis.port)]);
    const mismatches = await runLuaDifferential(a, b, seededRandom(seed), scripts, exact);
    a.close();
    b.close();
    const seconds = (Date.now() - started) / 1000;
    console.log(`${scripts} scripts (seed ${seed}, ${exact ? 'NaN, infinities and -0 included' : 'finite, no -0'}) in ${seconds.toFixed(1)} s: ${mismatches.length} different replies`);
    for (const m of mismatches.slice(0, 20)) process.stdout.write(`  ${m.script}\n    mnemo ${JSON.stringify(m.mnemo)}\n    redis ${JSON.stringify(m.redis)}\n`); // not console.log: it reads %d in a script
    const results = { date: new Date().toISOString(), scripts, seed, exact, seconds, different: mismatches.length, first: mismatches.slice(0, 50) };
    writeFileSync(path.join('bench', 'results', 'lua-differential.json'), JSON.stringify(results, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2) + '\n');
  } finally {
    await Promise.all([mnemo.close(), redis.stop()]);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
