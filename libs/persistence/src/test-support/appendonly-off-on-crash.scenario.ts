// Run by event-log.spec.ts in a fresh Node process (bundled with esbuild), which SIGKILLs itself:
// appendonly goes off and on again while a rewrite runs, a write after it is acknowledged under
// always, and the process dies before any snapshot covers the records made while the log was off.
// Prints the seqs the test needs, then kills itself.
import { memoryLogger } from './temp-db';
import { ModelEngine } from './model-engine';
import { Persistence } from '../persistence';

async function main(dbPath: string): Promise<void> {
  const engine = new ModelEngine();
  const p = await Persistence.open(engine, { dbPath, logger: memoryLogger(), save: [], appendfsync: 'always' });
  for (let i = 0; i < 30_000; i++) engine.set(`key:${i}`, 'v'.repeat(100));
  await p.waitFor(engine.lastSeq);
  await p.rewrite(); // running while appendonly goes off and on
  await p.waitFor(engine.set('before-off', '1'));
  await p.configSet('appendonly', 'no');
  const unlogged = engine.set('while-off', '2');
  await p.configSet('appendonly', 'yes');
  const acknowledged = engine.set('after-on', '3');
  await p.waitFor(acknowledged);
  const rewriteRunning = p.info().aof_rewrite_in_progress === 1;
  process.stdout.write(JSON.stringify({ unlogged, acknowledged, rewriteRunning }) + '\n', () => process.kill(process.pid, 'SIGKILL'));
}

void main(process.argv[2]);
