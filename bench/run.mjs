// Runs one benchmark: bundles bench/<name>.bench.ts (and the workspace code it imports) into
// tmp/bench, then runs it with node --expose-gc. Usage: node bench/run.mjs engine [args...]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { bundle, root } from '../scripts/bundle.mjs';

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node bench/run.mjs <name> [args...]   (runs bench/<name>.bench.ts)');
  process.exit(2);
}
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
const outfile = path.join('tmp', 'bench', `${name}.bench.js`);
await bundle(path.join('bench', `${name}.bench.ts`), outfile);
const result = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
