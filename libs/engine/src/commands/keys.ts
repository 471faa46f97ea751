// Generic key commands (db.c): DEL, EXISTS, TYPE, RENAME, TOUCH, RANDOMKEY, DBSIZE, FLUSHALL, KEYS.
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import { MnemoError, syntaxError } from '../errors';
import { globMatch } from '../glob';
import type { Keyspace } from '../keyspace';
import { OK, StatusReply, type Reply } from '../reply';

const TYPE_STRING = new StatusReply('string');
const TYPE_HASH = new StatusReply('hash');
const TYPE_NONE = new StatusReply('none');

/** DEL/UNLINK: deletes each live key (reason 'del'); returns how many existed. */
export function delGeneric(ks: Keyspace, keys: Bytes[], from: number): number {
  let n = 0;
  for (let i = from; i < keys.length; i++) {
    const e = ks.lookupQuiet(keys[i]);
    if (e === undefined) continue;
    ks.deleteEntry(e, 'del');
    n++;
  }
  return n;
}

function existsCommand(ks: Keyspace, argv: Bytes[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ks.lookupRead(argv[i], false) !== undefined) n++;
  return n;
}

function touchCommand(ks: Keyspace, argv: Bytes[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ks.lookupRead(argv[i]) !== undefined) n++;
  return n;
}

function typeCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const e = ks.lookupRead(argv[1], false);
  if (e === undefined) return TYPE_NONE;
  return e.hash === null ? TYPE_STRING : TYPE_HASH;
}

/**
 * RENAME/RENAMENX (Redis's renameGenericCommand): the value, TTL and access metadata move to the
 * new name. Records: del of the source ('rename_from'), full put of the target ('rename_to').
 */
function renameGeneric(ks: Keyspace, argv: Bytes[], nx: boolean): Reply {
  const from = argv[1];
  const to = argv[2];
  const src = ks.lookupWrite(from);
  if (src === undefined) throw new MnemoError('ERR', 'no such key');
  if (from === to) return nx ? 0 : OK;
  const dst = ks.lookupWrite(to);
  if (dst !== undefined && nx) return 0;
  ks.reserve(to.length - from.length - (dst === undefined ? 0 : dst.mem), src, [to], false);
  const { value, hash, expiresAt, lruSec, lruSub, lfu } = src;
  // Redis's order of events: 'new' for the target (its dbAdd, after deleting any old target, so
  // even when the target existed), then rename_from, then rename_to. The target is created after
  // the source is gone, so its 'new' is said first and not again.
  const events = ks.keyEvents;
  if (events !== null && !ks.silent) events('new', to);
  ks.deleteEntry(src, 'rename_from');
  const target = ks.lookupQuiet(to);
  ks.keyEvents = null;
  let moved;
  try {
    moved = hash === null ? ks.putString(target, to, value, expiresAt, 'rename_to') : ks.hashReplace(target, to, flatten(hash.map), expiresAt, 'rename_to');
  } finally {
    ks.keyEvents = events;
  }
  moved.lruSec = lruSec;
  moved.lruSub = lruSub;
  moved.lfu = lfu;
  return nx ? 1 : OK;
}

function flatten(map: Map<Bytes, Bytes>): Bytes[] {
  const out: Bytes[] = [];
  for (const [f, v] of map) out.push(f, v);
  return out;
}

/** RANDOMKEY: a random live key, lazily expiring the expired ones it meets; null if empty. */
function randomkeyCommand(ks: Keyspace): Reply {
  // As Redis's dbRandomKey on a master: every expired key met is deleted, so this ends with a
  // live key or an empty keyspace (never a dead name, however many keys expired at once).
  for (;;) {
    const e = ks.table.random(ks.random);
    if (e === null) return null;
    if (!ks.isExpired(e)) return e.key;
    ks.deleteEntry(e, 'expired');
  }
}

function flushCommand(ks: Keyspace, argv: Bytes[], reason: string): Reply {
  if (argv.length > 2) throw syntaxError();
  if (argv.length === 2) {
    const mode = argv[1].toLowerCase();
    if (mode !== 'async' && mode !== 'sync') throw syntaxError();
  }
  ks.flushAll(reason);
  return OK;
}

/** KEYS: every live key matching the glob, in insertion order (expired keys are skipped, not deleted). */
export function keysMatching(ks: Keyspace, pattern: Bytes): Bytes[] {
  const out: Bytes[] = [];
  const all = pattern === '*';
  const table = ks.table;
  const slots = table.slots;
  for (let i = table.skipGap(0); i < slots.length; i = table.skipGap(i + 1)) {
    const e = slots[i];
    if (e.slot === -1 || ks.isExpired(e)) continue;
    if (all || globMatch(pattern, e.key)) out.push(e.key);
  }
  return out;
}

export const keyCommands: CommandDef[] = [
  command('del', -2, 'write', [1, -1, 1], 'keyspace', 'Deletes one or more keys.', (ks, a) => delGeneric(ks, a, 1)),
  command('unlink', -2, 'write fast', [1, -1, 1], 'keyspace', 'Asynchronously deletes one or more keys.', (ks, a) => delGeneric(ks, a, 1)),
  command('exists', -2, 'readonly fast', [1, -1, 1], 'keyspace', 'Determines whether one or more keys exist.', existsCommand),
  command('type', 2, 'readonly fast', [1, 1, 1], 'keyspace', 'Determines the type of value stored at a key.', typeCommand),
  command('rename', 3, 'write', [1, 2, 1], 'keyspace', 'Renames a key and overwrites the destination.', (ks, a) => renameGeneric(ks, a, false)),
  command('renamenx', 3, 'write fast', [1, 2, 1], 'keyspace', 'Renames a key only when the target key name doesn\'t exist.', (ks, a) => renameGeneric(ks, a, true)),
  command('touch', -2, 'readonly fast', [1, -1, 1], 'keyspace', 'Returns the number of existing keys out of those specified after updating the time they were last accessed.', touchCommand),
  command('randomkey', 1, 'readonly', [0, 0, 0], 'keyspace', 'Returns a random key name from the database.', (ks) => randomkeyCommand(ks)),
  command('dbsize', 1, 'readonly fast', [0, 0, 0], 'server', 'Returns the number of keys in the database.', (ks) => ks.map.size),
  command('flushall', -1, 'write', [0, 0, 0], 'server', 'Removes all keys from all databases.', (ks, a) => flushCommand(ks, a, 'flushall')),
  command('flushdb', -1, 'write', [0, 0, 0], 'server', 'Remove all keys from the current database.', (ks, a) => flushCommand(ks, a, 'flushdb')),
  command('keys', 2, 'readonly', [0, 0, 0], 'keyspace', 'Returns all key names that match a pattern.', (ks, a) => keysMatching(ks, a[1])),
];
