// Subcommands of Redis's container commands and their arities (name and subcommand included), as
// redis-server 7.0.15 reports them in COMMAND INFO, plus CLIENT SETINFO and NO-TOUCH from Redis 7.2
// (client libraries send SETINFO when they connect). The dispatcher checks them before a command
// runs or is queued in MULTI, as Redis's processCommand does:
//   OBJECT NOPE k        -> -ERR unknown subcommand 'NOPE'. Try OBJECT HELP.
//   OBJECT ENCODING      -> -ERR wrong number of arguments for 'object|encoding' command
// (inside MULTI both are refused at once and doom the transaction, instead of failing in EXEC).
// Subcommands Mnemo does not implement (CLIENT TRACKING, MEMORY DOCTOR, ...) pass this check and
// get their handler's error.

import { quoted } from '@mnemo/engine';

export const SUBCOMMAND_ARITY: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  object: { help: 2, encoding: 3, idletime: 3, freq: 3, refcount: 3 },
  config: { resetstat: 2, help: 2, rewrite: 2, get: -3, set: -4 },
  client: {
    tracking: -3,
    setname: 3,
    unpause: 2,
    reply: 3,
    getname: 2,
    'no-evict': 3,
    unblock: -3,
    help: 2,
    getredir: 2,
    pause: -3,
    id: 2,
    info: 2,
    kill: -3,
    list: -2,
    caching: 3,
    trackinginfo: 2,
    setinfo: 4,
    'no-touch': 3,
  },
  memory: { help: 2, purge: 2, doctor: 2, 'malloc-stats': 2, usage: -3, stats: 2 },
  command: { getkeys: -4, info: -2, getkeysandflags: -4, list: -2, docs: -2, help: 2, count: 2 },
  script: { debug: 3, exists: -3, flush: -2, help: 2, kill: 2, load: 3 },
  slowlog: { get: -2, len: 2, reset: 2, help: 2 },
  latency: { doctor: 2, latest: 2, history: 3, reset: -2, histogram: -2, graph: 3, help: 2 },
  pubsub: { help: 2, channels: -2, numsub: -2, numpat: 2, shardchannels: -2, shardnumsub: -2 },
};

/** Redis's refusal of `argv` (a container command with a subcommand), or null if it may run. */
export function subcommandError(command: string, argv: string[]): string | null {
  const subcommands = SUBCOMMAND_ARITY[command];
  if (subcommands === undefined || argv.length < 2) return null;
  const sub = argv[1].toLowerCase();
  const arity = Object.prototype.hasOwnProperty.call(subcommands, sub) ? subcommands[sub] : undefined;
  if (arity === undefined) return `ERR unknown subcommand '${quoted(argv[1]).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`;
  if (arity >= 0 ? argv.length !== arity : argv.length < -arity) return `ERR wrong number of arguments for '${command}|${sub}' command`;
  return null;
}
