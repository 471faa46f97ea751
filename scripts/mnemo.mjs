// `npm run mnemo -- <command> [flags]`: bundles the operator CLI (apps/server/src/cli/mnemo-cli.ts)
// into dist/apps/server/mnemo-cli.js (about a second with esbuild), then runs it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bundle, root } from './bundle.mjs';

const outfile = path.join('dist', 'apps', 'server', 'mnemo-cli.js');
await bundle('apps/server/src/cli/mnemo-cli.ts', outfile);
const result = spawnSync(process.execPath, ['--enable-source-maps', path.join(root, outfile), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
