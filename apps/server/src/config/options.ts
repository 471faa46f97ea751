// Every option Mnemo understands: its name (as in a config file and CONFIG GET, Redis-style
// lower-case with dashes), its default, and how a text value becomes a typed one.
// Environment variable: MNEMO_ + the name in upper snake case (http-port -> MNEMO_HTTP_PORT).
// Command-line flag: --name value or --name=value.

import { bytesFromText, EVICTION_POLICIES } from '@mnemo/engine';
import { parseKeyspaceEvents } from './keyspace-event-flags';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Parser<T> = (text: string, name: string) => T;

const UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
};

/** Parses a byte size the way redis.conf does: 100, 1k, 1kb, 64mb, 2gb (case-insensitive). */
export function parseBytes(text: string, name: string): number {
  const match = /^(\d+)([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new ConfigError(`option '${name}': '${text}' is not a size (examples: 0, 1048576, 100mb, 2gb)`);
  }
  return Number(match[1]) * unit;
}

export function parseInteger(min: number, max: number): Parser<number> {
  return (text, name) => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
      throw new ConfigError(`option '${name}': '${text}' is not an integer from ${min} to ${max}`);
    }
    return value;
  };
}

export function parseChoice<T extends string>(choices: readonly T[]): Parser<T> & { choices: readonly T[] } {
  const parse = (text: string, name: string): T => {
    const value = text.trim().toLowerCase() as T;
    if (!choices.includes(value)) {
      throw new ConfigError(`option '${name}': '${text}' is not one of ${choices.join(', ')}`);
    }
    return value;
  };
  return Object.assign(parse, { choices });
}

export function parseYesNo(text: string, name: string): boolean {
  return parseChoice(['yes', 'no'] as const)(text, name) === 'yes';
}

const parseText: Parser<string> = (text) => text;
/**
 * A password as the bytes a Redis client sends: its UTF-8, held as a byte string (as RESP
 * arguments and CONFIG SET values are). Kept as text, `--requirepass пароль` was compared
 * against the low byte of each character, and the real password was refused.
 */
const parseSecretBytes: Parser<string> = (text) => bytesFromText(text);

/** The least proto-max-bulk-len and client-query-buffer-limit can be, at start-up as with CONFIG SET (Redis's bound). */
export const MIN_PROTOCOL_LIMIT = 1024 * 1024;

/** A byte size of at least `min`, as CONFIG SET takes it (proto-max-bulk-len: 1mb and up). */
export function parseBytesAtLeast(min: number): Parser<number> {
  return (text, name) => {
    const value = parseBytes(text, name);
    if (value < min) throw new ConfigError(`option '${name}': '${text}' is below the least it can be, ${min} bytes`);
    return value;
  };
}

/** notify-keyspace-events as Redis spells it (e.g. "KEA", "Ex"); checked here so a bad one stops start-up with its name. */
function parseNotifyFlags(text: string, name: string): string {
  try {
    parseKeyspaceEvents(text);
  } catch (error) {
    throw new ConfigError(`option '${name}': '${text}': ${(error as Error).message}`);
  }
  return text;
}

export function parsePort(text: string, name: string): number {
  return parseInteger(0, 65535)(text, name);
}

/** Redis's save points: "3600 1 300 100" means after 3600 s if 1 change, after 300 s if 100; "" disables. */
export function parseSavePoints(text: string, name: string): Array<{ seconds: number; changes: number }> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length % 2 !== 0 || words.some((word) => !/^\d+$/.test(word))) {
    throw new ConfigError(`option '${name}': '${text}' must be pairs of "<seconds> <changes>", or "" to disable`);
  }
  const points: Array<{ seconds: number; changes: number }> = [];
  for (let i = 0; i < words.length; i += 2) points.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) });
  return points;
}

/** The engine's policies are the only source of their names. */
export const EVICTION_POLICY_NAMES = EVICTION_POLICIES;

export const OPTION_DEFINITIONS = {
  config: { default: '', parse: parseText, help: 'path of a config file (redis.conf style: "name value" lines)' },
  host: { default: '127.0.0.1', parse: parseText, help: 'address the HTTP and RESP listeners bind to' },
  'http-port': { default: 8080, parse: parsePort, help: 'HTTP API port (0 picks a free one)' },
  'resp-port': { default: 6380, parse: parsePort, help: 'Redis-protocol port (0 picks a free one)' },
  'admin-port': { default: 3000, parse: parsePort, help: 'admin dashboard port' },
  db: { default: './data/mnemo.db', parse: parseText, help: 'SQLite database file' },
  'migrations-dir': { default: '', parse: parseText, help: "the project's prisma/migrations directory (empty: found from the server's own location)" },
  'admin-token': { default: '', parse: parseText, help: 'bearer token for /v1/admin and the dashboard; random if empty' },
  'api-keys': { default: '', parse: parseText, help: 'comma-separated API keys required on data endpoints; none if empty' },
  'http-allowed-hosts': {
    default: '',
    parse: parseText,
    help: "comma-separated Host names the HTTP API answers besides loopback ones ('*': any); empty: any name when host is not loopback",
  },
  requirepass: { default: '', parse: parseSecretBytes, help: 'password for AUTH on the Redis protocol; none if empty' },
  maxmemory: { default: 0, parse: parseBytes, help: 'memory limit for the keyspace (0: none)' },
  'maxmemory-policy': { default: 'noeviction', parse: parseChoice(EVICTION_POLICY_NAMES), help: 'eviction policy' },
  'maxmemory-samples': { default: 5, parse: parseInteger(1, 2_147_483_647), help: 'keys sampled per eviction' },
  'lfu-log-factor': { default: 10, parse: parseInteger(0, 2_147_483_647), help: 'LFU counter logarithm factor' },
  'lfu-decay-time': { default: 1, parse: parseInteger(0, 2_147_483_647), help: 'LFU counter decay period in minutes' },
  appendonly: { default: true, parse: parseYesNo, help: 'keep the event log (yes|no)' },
  appendfsync: { default: 'everysec', parse: parseChoice(['always', 'everysec', 'no'] as const), help: 'log fsync policy' },
  save: { default: parseSavePoints('3600 1 300 100 60 10000', 'save'), parse: parseSavePoints, help: 'snapshot save points' },
  'auto-aof-rewrite-percentage': { default: 100, parse: parseInteger(0, 2_147_483_647), help: 'log growth that triggers a rewrite (0: off)' },
  'auto-aof-rewrite-min-size': { default: 64 * 1024 * 1024, parse: parseBytes, help: 'smallest log size that is rewritten automatically' },
  'aof-load-truncated': { default: true, parse: parseYesNo, help: 'skip a torn last log batch at start-up (yes|no)' },
  maxclients: { default: 10000, parse: parseInteger(1, 4_294_967_295), help: 'most Redis-protocol clients at once' },
  'proto-max-bulk-len': { default: 512 * 1024 * 1024, parse: parseBytesAtLeast(MIN_PROTOCOL_LIMIT), help: 'largest bulk string (and value); at least 1mb, as CONFIG SET takes it' },
  'client-query-buffer-limit': { default: 1024 * 1024 * 1024, parse: parseBytesAtLeast(MIN_PROTOCOL_LIMIT), help: 'largest unparsed input per client; at least 1mb, as CONFIG SET takes it' },
  timeout: { default: 0, parse: parseInteger(0, 2_147_483_647), help: 'close Redis-protocol clients idle this many seconds (0: never)' },
  'notify-keyspace-events': { default: '', parse: parseNotifyFlags, help: 'keyspace notification classes, as Redis' },
  'http-request-timeout': {
    default: 60_000,
    parse: parseInteger(0, 2_147_483_647),
    help: 'milliseconds a client has to send a whole HTTP request, headers and body (408 after; 0: no limit)',
  },
  'body-limit': { default: 1024 * 1024, parse: parseBytesAtLeast(1024), help: 'largest HTTP request body (at least 1kb)' },
  'max-key-length': { default: 1024, parse: parseInteger(1, 1024 * 1024), help: 'longest key accepted over HTTP, in bytes' },
  'max-value-size': { default: 1024 * 1024, parse: parseBytes, help: 'largest value accepted over HTTP' },
  'ratelimit-policies': {
    default: '',
    parse: parseText,
    help: 'JSON file of named rate-limit policies, rewritten on every admin edit (default: <db name>.ratelimit-policies.json beside the db)',
  },
  'session-default-ttl': { default: 24 * 60 * 60 * 1000, parse: parseInteger(1, 365 * 24 * 60 * 60 * 1000), help: 'TTL of a session created without ttlMs, in ms' },
  'sessions-max-per-user': { default: 0, parse: parseInteger(0, 100_000), help: 'most live sessions per user, oldest destroyed first (0: no limit)' },
  'http-fast-lane': { default: true, parse: parseYesNo, help: 'serve the rate-limit check routes ahead of the Nest pipeline (yes|no)' },
  'log-level': { default: 'info', parse: parseChoice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const), help: 'log level' },
} as const;

export type OptionName = keyof typeof OPTION_DEFINITIONS;

type DefinitionValue<D> = D extends { parse: Parser<infer T> } ? T : never;

export type MnemoConfig = { [K in OptionName]: DefinitionValue<(typeof OPTION_DEFINITIONS)[K]> };

export function isOptionName(name: string): name is OptionName {
  return Object.prototype.hasOwnProperty.call(OPTION_DEFINITIONS, name);
}

export function envName(option: OptionName): string {
  return `MNEMO_${option.toUpperCase().replace(/-/g, '_')}`;
}

function defaultText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return `"${value.map((point: { seconds: number; changes: number }) => `${point.seconds} ${point.changes}`).join(' ')}"`;
  return value === '' ? 'none' : String(value);
}

/** `--help`: every option with its help text, default and environment variable. */
export function optionsHelp(): string {
  const lines = ['usage: mnemo [--name value | --name=value]...  (npm start -- --name value)', '', 'options (flags win over MNEMO_* variables, which win over the --config file):'];
  for (const [name, definition] of Object.entries(OPTION_DEFINITIONS) as Array<[OptionName, { default: unknown; help: string; parse: { choices?: readonly string[] } }]>) {
    lines.push(`  --${name}`.padEnd(32) + `${definition.help}`);
    if (definition.parse.choices) lines.push(''.padEnd(32) + `one of: ${definition.parse.choices.join(', ')}`);
    lines.push(''.padEnd(32) + `default: ${defaultText(definition.default)}; env: ${envName(name)}`);
  }
  return lines.join('\n');
}
