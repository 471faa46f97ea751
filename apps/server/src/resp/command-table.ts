// The command table: the listener's own commands plus every command the engine runs, looked up
// by the name as the client sent it (any case).

import type { CommandSpec, Engine } from '@mnemo/engine';
import type { CommandEntry, CommandHandler } from './resp-context';
import { SUBCOMMAND_ARITY } from './subcommands';

/** Engine command groups -> Redis COMMAND DOCS groups. */
const ENGINE_GROUPS: Record<string, string> = {
  string: 'string',
  counter: 'string',
  hash: 'hash',
  keyspace: 'generic',
  ttl: 'generic',
  server: 'server',
};

export interface CommandOptions {
  firstKey?: number;
  lastKey?: number;
  step?: number;
  since?: string;
  pubsubContext?: boolean;
  transactionControl?: boolean;
  /** The handler runs an engine command, which the engine counts: the listener does not count it again. */
  countedByEngine?: boolean;
}

/** Declares a listener command; `flags` are Redis's (write, readonly, fast, admin, no_auth, loading, no_multi, ...). */
export function defineCommand(
  name: string,
  arity: number,
  flags: string[],
  group: string,
  summary: string,
  handler: CommandHandler,
  options: CommandOptions = {},
): CommandEntry {
  return {
    name,
    arity,
    container: name in SUBCOMMAND_ARITY,
    flags,
    firstKey: options.firstKey ?? 0,
    lastKey: options.lastKey ?? 0,
    step: options.step ?? 0,
    group,
    summary,
    since: options.since ?? '1.0.0',
    handler,
    write: flags.includes('write'),
    denyoom: flags.includes('denyoom'),
    noAuth: flags.includes('no_auth'),
    pubsubContext: options.pubsubContext ?? false,
    transactionControl: options.transactionControl ?? false,
    noMulti: flags.includes('no_multi'),
    loading: flags.includes('loading'),
    countedByEngine: options.countedByEngine ?? false,
  };
}

function fromEngineSpec(spec: CommandSpec): CommandEntry {
  return {
    name: spec.name,
    arity: spec.arity,
    container: spec.name in SUBCOMMAND_ARITY,
    flags: [...spec.flags],
    firstKey: spec.firstKey,
    lastKey: spec.lastKey,
    step: spec.step,
    group: ENGINE_GROUPS[spec.group] ?? 'generic',
    summary: spec.summary,
    since: '1.0.0',
    write: spec.flags.includes('write'),
    denyoom: spec.flags.includes('denyoom'),
    noAuth: false,
    pubsubContext: false,
    transactionControl: false,
    noMulti: false,
    loading: false,
    countedByEngine: true,
  };
}

/** Raw names (as clients spell them) remembered after a hit; bounded so junk cannot grow it. */
const CACHE_LIMIT = 4096;

export class CommandTable {
  private readonly byName = new Map<string, CommandEntry>();
  private readonly cache = new Map<string, CommandEntry>();

  /**
   * `own` commands win over the engine's, except those in `fallbacks` (DBSIZE, FLUSHALL, ...),
   * which the listener implements only for an engine that does not.
   */
  constructor(engine: Engine, own: CommandEntry[], fallbacks: ReadonlySet<string>) {
    for (const spec of engine.commands()) this.byName.set(spec.name, fromEngineSpec(spec));
    for (const entry of own) {
      if (fallbacks.has(entry.name) && this.byName.has(entry.name)) continue;
      this.byName.set(entry.name, entry);
    }
  }

  /** The entry for a command name in any case, or undefined. */
  lookup(raw: string): CommandEntry | undefined {
    const cached = this.cache.get(raw);
    if (cached) return cached;
    if (raw.length > 64) return undefined;
    const entry = this.byName.get(raw.toLowerCase());
    if (entry && this.cache.size < CACHE_LIMIT) this.cache.set(raw, entry);
    return entry;
  }

  all(): CommandEntry[] {
    return [...this.byName.values()];
  }
}

/** True if argc satisfies Redis's arity convention. */
export function arityOk(entry: CommandEntry, argc: number): boolean {
  return entry.arity >= 0 ? argc === entry.arity : argc >= -entry.arity;
}
