// Entry point: reads the config (file, MNEMO_* env, flags), starts Mnemo, stops on SIGTERM/SIGINT.

import { loadConfig } from './config/load-config';
import { ConfigError, optionsHelp } from './config/options';
import { startServer } from './bootstrap';

// A log that cannot be written (stdout or stderr on a full disk, a closed pipe) must not end the
// server: a stream 'error' with no listener would. Lost log lines are the lesser harm.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

/** A configuration error: one line naming the option, exit code 2. */
function configFailure(error: ConfigError): never {
  console.error(`mnemo: ${error.message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(optionsHelp());
    return;
  }
  let config;
  try {
    config = loadConfig({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) configFailure(error);
    throw error;
  }
  try {
    await startServer(config);
  } catch (error) {
    // A value found bad as the server starts (the rate-limit policies file): as any bad option.
    if (error instanceof ConfigError) configFailure(error);
    // A refusal's code (NOT_MNEMO, LOG_CORRUPT, READ_ONLY, ...) is what docs/persistence.md lists.
    const code = (error as { code?: unknown }).code;
    console.error(`mnemo: start-up failed${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` [${code}]` : ''}: ${(error as Error).message}`);
    process.exit(1);
  }
}

void main();
