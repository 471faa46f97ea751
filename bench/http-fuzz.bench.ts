// Long fuzz run of the HTTP API (apps/server/test/support/http-fuzz.ts): seeded random, mostly
// malformed requests on every route against Mnemo in process; every answer must be a non-5xx,
// every error the documented envelope, and no refused request may write. Run:
// npm run bench:http-fuzz [-- --seeds=20 --requests=10000 --first-seed=100]. Prints the failures
// (first 20) and the answers by status class; writes bench/results/http-fuzz.json.
// `npm test` runs two seeds of 1,500 requests (apps/server/test/http-fuzz.spec.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { call, startHttpServer } from '../apps/server/test/support/http-client';
import { runHttpFuzz, type FuzzRun } from '../apps/server/test/support/http-fuzz';
import { option } from './options';

async function main(): Promise<void> {
  const seeds = option('seeds', 20);
  const requests = option('requests', 10_000);
  const firstSeed = option('first-seed', 100);
  const server = await startHttpServer(['--body-limit', '64kb']);
  const statuses: Record<string, number> = {};
  const failures: Array<FuzzRun['failures'][number] & { seed: number }> = [];
  let total = 0;
  const started = Date.now();
  try {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const run = await runHttpFuzz(server, { seed, count: requests, bodyLimitBytes: 64 * 1024, maxFailures: 100 });
      total += run.requests;
      for (const [group, n] of Object.entries(run.statuses)) statuses[group] = (statuses[group] ?? 0) + n;
      failures.push(...run.failures.map((failure) => ({ ...failure, seed })));
      console.log(`seed ${seed}: ${run.requests} requests, ${JSON.stringify(run.statuses)}, ${run.failures.length} failures`);
    }
    const health = await call(server, 'GET', '/healthz');
    if (health.status !== 200) failures.push({ seed: -1, request: { method: 'GET', path: '/healthz', headers: {} }, problem: `healthz answered ${health.status} after the run` });
  } finally {
    await server.close();
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${total} requests in ${seconds.toFixed(1)} s over ${seeds} seeds; answers ${JSON.stringify(statuses)}; ${failures.length} failures`);
  for (const failure of failures.slice(0, 20)) console.log(`  seed ${failure.seed}: ${failure.request.method} ${failure.request.path.slice(0, 120)}: ${failure.problem}`);
  writeFileSync(path.join('bench', 'results', 'http-fuzz.json'), JSON.stringify({ date: new Date().toISOString(), seeds, firstSeed, requests: total, seconds, statuses, failures }, null, 2) + '\n');
  if (failures.length > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
