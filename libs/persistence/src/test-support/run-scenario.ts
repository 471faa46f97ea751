// Runs a test-support `*.scenario.ts` file in a fresh Node process, for what a test cannot see
// inside Jest: an unhandled rejection ending the process (Jest's environment catches those), or
// running as another user. The scenario is bundled with esbuild into `dir` (workspace aliases
// from tsconfig.base.json, npm packages left to node_modules through NODE_PATH).

import { buildSync } from 'esbuild';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

/**
 * Bundles `test-support/<name>.scenario.ts` into `dir` and runs it with `args`; `asUser` is a
 * command prefix (e.g. setpriv) the process starts under. Returns what spawnSync returns.
 */
export function runScenario(name: string, dir: string, args: string[] = [], asUser: string[] = []): SpawnSyncReturns<string> {
  const bundle = path.join(dir, `${name}.scenario.js`);
  buildSync({
    entryPoints: [path.join(__dirname, `${name}.scenario.ts`)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    packages: 'external',
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    logLevel: 'error',
  });
  const [command, ...rest] = [...asUser, process.execPath, bundle, ...args];
  return spawnSync(command, rest, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
}
