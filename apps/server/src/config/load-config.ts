// Builds the effective configuration: defaults, then the config file, then MNEMO_* environment
// variables, then command-line flags (each later source wins). Any option name Mnemo does not
// know, in any source, stops start-up with a ConfigError naming it.

import { readFileSync } from 'node:fs';
import {
  ConfigError,
  envName,
  isOptionName,
  MnemoConfig,
  OPTION_DEFINITIONS,
  OptionName,
} from './options';

type RawOptions = Partial<Record<OptionName, string>>;

export interface ConfigSources {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Parses `--name value` / `--name=value` flags. */
export function parseFlags(argv: string[]): RawOptions {
  const raw: RawOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}' (options look like --name value)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!isOptionName(name)) throw new ConfigError(`unknown option '--${name}'`);
    if (eq !== -1) {
      raw[name] = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new ConfigError(`option '--${name}' needs a value`);
      raw[name] = argv[++i];
    }
  }
  return raw;
}

/** Reads MNEMO_* variables; an unknown MNEMO_ variable is an error (a typo would otherwise be silently ignored). */
export function parseEnv(env: NodeJS.ProcessEnv): RawOptions {
  const byEnvName = new Map<string, OptionName>();
  for (const name of Object.keys(OPTION_DEFINITIONS) as OptionName[]) byEnvName.set(envName(name), name);
  const raw: RawOptions = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('MNEMO_') || value === undefined) continue;
    const name = byEnvName.get(variable);
    if (!name) throw new ConfigError(`unknown environment variable '${variable}'`);
    raw[name] = value;
  }
  return raw;
}

/**
 * Parses a redis.conf-style file: `name value` per line, `#` comments, values may be quoted. A
 * later line wins, except `save` lines, which add up as in redis.conf (`save 900 1` then
 * `save 300 10` is `900 1 300 10`; `save ""` clears those before it).
 */
export function parseConfigFile(text: string, fileName: string): RawOptions {
  const raw: RawOptions = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const match = /^(\S+)\s*(.*)$/.exec(trimmed);
    const name = match ? match[1].toLowerCase() : '';
    if (!isOptionName(name)) throw new ConfigError(`${fileName}:${index + 1}: unknown option '${name}'`);
    let value = match ? match[2].trim() : '';
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1);
    raw[name] = name === 'save' && raw.save && value ? `${raw.save} ${value}` : value;
  });
  return raw;
}

export function loadConfig(sources: ConfigSources = {}): MnemoConfig {
  const flags = parseFlags(sources.argv ?? []);
  const env = parseEnv(sources.env ?? {});
  const file = flags.config ?? env.config;
  let fromFile: RawOptions = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`option 'config': cannot read '${file}': ${(error as Error).message}`);
    }
    fromFile = parseConfigFile(text, file);
  }
  const merged: RawOptions = { ...fromFile, ...env, ...flags };
  const config: Record<string, unknown> = {};
  for (const name of Object.keys(OPTION_DEFINITIONS) as OptionName[]) {
    const definition = OPTION_DEFINITIONS[name];
    const text = merged[name];
    try {
      config[name] = text === undefined ? definition.default : definition.parse(text, name);
    } catch (error) {
      // Say where the bad value came from: a flag, a MNEMO_* variable or a line of the file.
      const source = name in flags ? `--${name}` : name in env ? envName(name) : `${file} (${name} line)`;
      throw error instanceof ConfigError ? new ConfigError(`${error.message} (from ${source})`) : error;
    }
  }
  // Two listeners cannot share a port (0 picks a free one for each).
  const ports = (['http-port', 'resp-port', 'admin-port'] as const).filter((name) => config[name] !== 0);
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      if (config[ports[i]] === config[ports[j]]) throw new ConfigError(`options '${ports[i]}' and '${ports[j]}' are both ${config[ports[i]]}; each listener needs its own port`);
    }
  }
  // A copy made by spreading keeps V8's fast properties. The loop above adds its 33 options
  // with keyed stores, and V8 turns an object into a hash table after a dozen of those: every
  // read of an option then went through a dictionary lookup (~50 ns), and the RESP listener
  // reads some on every command (limits, requirepass).
  return { ...config } as MnemoConfig;
}
