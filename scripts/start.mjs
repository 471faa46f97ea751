// `npm start`: builds what is missing (Nx caches builds) and starts the Mnemo server.
// Flags after `npm start --` go to the server (e.g. npm start -- --maxmemory 100mb).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CHECKPOINT_DISABLE: '1', NEXT_TELEMETRY_DISABLED: '1' };

const built = spawnSync('npx', ['nx', 'run', 'server:build', '--outputStyle=static'], { cwd: root, env, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const server = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/server/main.js', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
