// Builds the server into one file, dist/apps/server/main.js, runnable with plain `node`.
import { bundle } from './bundle.mjs';

await bundle('apps/server/src/main.ts', 'dist/apps/server/main.js');
