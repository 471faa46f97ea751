// `npm start`: builds what is missing (Nx caches builds), then runs the Mnemo server and the admin
// dashboard (Next.js, production mode) together; Ctrl-C stops both, and if either dies the other
// is stopped too. Flags after `npm start --` go to the server (e.g. npm start -- --maxmemory 100mb).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CHECKPOINT_DISABLE: '1', NEXT_TELEMETRY_DISABLED: '1' };
const serverArgs = process.argv.slice(2);

/**
 * The dashboard needs two of the server's options: where to listen (admin-port, host) and where
 * the server is (read from the server's "listening on" line). Options resolve as the server
 * resolves them: flag, then MNEMO_* env, then the config file (`name value` lines), then default.
 */
function serverOption(name, fallback) {
  for (let i = 0; i < serverArgs.length; i++) {
    if (serverArgs[i] === `--${name}` && i + 1 < serverArgs.length) return serverArgs[i + 1];
    if (serverArgs[i].startsWith(`--${name}=`)) return serverArgs[i].slice(name.length + 3);
  }
  const fromEnv = process.env[`MNEMO_${name.toUpperCase().replace(/-/g, '_')}`];
  if (fromEnv) return fromEnv;
  const configFile = name === 'config' ? undefined : serverOption('config', '');
  if (configFile) {
    let text = '';
    try {
      text = readFileSync(path.resolve(configFile), 'utf8');
    } catch {
      return fallback; // the server names the unreadable file and stops
    }
    for (const line of text.split('\n')) {
      const match = /^\s*([a-z0-9-]+)\s+(.*?)\s*$/i.exec(line);
      if (match && match[1].toLowerCase() === name) return match[2].replace(/^"(.*)"$/, '$1');
    }
  }
  return fallback;
}

const adminPort = serverOption('admin-port', '3000');
const host = serverOption('host', '127.0.0.1');

// --help needs only the server's option list: bundle the server alone (about a second) and ask it,
// without the dashboard's production build.
if (serverArgs.includes('--help') || serverArgs.includes('-h')) {
  const bundled = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, env, stdio: 'inherit' });
  if (bundled.status !== 0) process.exit(bundled.status ?? 1);
  const help = spawnSync(process.execPath, ['dist/apps/server/main.js', '--help'], { cwd: root, stdio: 'inherit' });
  process.exit(help.status ?? 1);
}
const built = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'server,admin', '--outputStyle=static'], { cwd: root, env, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const children = new Set();
let stopping = false;
let exitCode = 0;

/** Stops every child still running; the process exits when the last one is gone (10 s at most). */
function shutdown(code, signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children) child.kill(signal);
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(exitCode);
  }, 10_000).unref();
}

function track(name, child) {
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`mnemo: ${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
      shutdown(code || 1);
    } else if (children.size === 0) {
      process.exit(exitCode);
    }
  });
  return child;
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => shutdown(0, signal));

// The dashboard's own variables share the MNEMO_ prefix, which the server reads as its options
// (and refuses unknown ones): keep them out of the server's environment.
const DASHBOARD_ONLY = ['MNEMO_SERVER_URL', 'MNEMO_PUBLIC_SERVER_URL'];
const serverEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !DASHBOARD_ONLY.includes(name)));
const server = track(
  'server',
  spawn(process.execPath, ['--enable-source-maps', 'dist/apps/server/main.js', ...serverArgs], { cwd: root, env: serverEnv, stdio: ['ignore', 'pipe', 'inherit'] }),
);

// Start the dashboard once the server says where it listens.
let pending = '';
let adminStarted = false;
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (adminStarted) return;
  pending += chunk.toString('utf8');
  const match = /HTTP API listening on (http:\/\/\S+)/.exec(pending);
  if (match) {
    adminStarted = true;
    pending = '';
    startAdmin(match[1]);
  }
});

function startAdmin(serverUrl) {
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const admin = track(
    'admin',
    spawn(process.execPath, [nextBin, 'start', 'apps/admin', '-p', adminPort, '-H', host], {
      cwd: root,
      env: { ...env, MNEMO_SERVER_URL: serverUrl, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let announced = false;
  admin.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (announced) return;
    if (/Ready in/.test(chunk.toString('utf8'))) {
      announced = true;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      console.log(`Mnemo admin dashboard on http://${shownHost}:${adminPort} (server ${serverUrl}); Ctrl-C stops both`);
    }
  });
}
