// Builds the server into one file, dist/apps/server/main.js, runnable with plain `node`, and the
// operator CLI into dist/apps/server/mnemo-cli.js.
import { bundle } from './bundle.mjs';

await bundle('apps/server/src/main.ts', 'dist/apps/server/main.js');
// The operator CLI (backup, repair-log) beside it, so the Docker image carries it too.
await bundle('apps/server/src/cli/mnemo-cli.ts', 'dist/apps/server/mnemo-cli.js');
