// Hash commands (t_hash.c): HSET, HGET, HDEL, HGETALL, HINCRBY... (HSCAN is in scan.ts).
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import type { Entry, HashValue } from '../entry';
import { MnemoError, notAnInteger, wrongArity, wrongType } from '../errors';
import type { Keyspace } from '../keyspace';
import { HASH_ENTRY_OVERHEAD, HASH_FIELD_OVERHEAD } from '../memory';
import { addLongDouble, formatLongDoubleExact, LONG_DOUBLE_ZERO, parseLongDoubleExact } from '../long-double';
import { addInt64, formatInt, parseInt64 } from '../number-format';
import { MapReply, OK, type Reply } from '../reply';
import { floatArg } from './args';
import { overflowError } from './counters';

function hashForRead(ks: Keyspace, key: Bytes): HashValue | null {
  const e = ks.lookupRead(key);
  if (e === undefined) return null;
  if (e.hash === null) throw wrongType();
  return e.hash;
}

function hashForWrite(ks: Keyspace, key: Bytes): Entry | undefined {
  const e = ks.lookupWrite(key);
  if (e !== undefined && e.hash === null) throw wrongType();
  return e;
}

/**
 * Worst-case memory growth of setting fields (pairs from `from`) on `e`: new fields cost their
 * bytes plus the per-field overhead, existing ones only what their value grows by.
 */
function hashDelta(e: Entry | undefined, key: Bytes, fields: Bytes[], from: number): number {
  let delta = e === undefined ? HASH_ENTRY_OVERHEAD + key.length : 0;
  const map = e === undefined ? null : (e.hash as HashValue).map;
  for (let i = from; i + 1 < fields.length; i += 2) {
    const old = map === null ? undefined : map.get(fields[i]);
    if (old === undefined) delta += HASH_FIELD_OVERHEAD + fields[i].length + fields[i + 1].length;
    else if (fields[i + 1].length > old.length) delta += fields[i + 1].length - old.length;
  }
  return delta;
}

/** HSET/HMSET body: returns the number of new fields. */
export function hsetGeneric(ks: Keyspace, argv: Bytes[], name: string): number {
  if (argv.length % 2 === 1) throw wrongArity(name);
  for (let i = 2; i < argv.length; i++) ks.checkLength(argv[i].length);
  const key = argv[1];
  const e = hashForWrite(ks, key);
  ks.reserve(hashDelta(e, key, argv, 2), e, null, true);
  return ks.hashPut(e, key, argv, 2, 'hset');
}

function hsetnxCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const key = argv[1];
  ks.checkLength(argv[3].length);
  const e = hashForWrite(ks, key);
  if (e !== undefined && (e.hash as HashValue).map.has(argv[2])) return 0;
  ks.reserve(hashDelta(e, key, argv, 2), e, null, true);
  ks.hashPut(e, key, [argv[2], argv[3]], 0, 'hset');
  return 1;
}

function hgetCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const h = hashForRead(ks, argv[1]);
  if (h === null) return null;
  return h.map.get(argv[2]) ?? null;
}

function hmgetCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const h = hashForRead(ks, argv[1]);
  const out: Reply[] = new Array<Reply>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = h === null ? null : (h.map.get(argv[i]) ?? null);
  return out;
}

/** HGETALL as a flat field, value list (null if missing). */
export function hgetallFlat(ks: Keyspace, key: Bytes): Bytes[] | null {
  const h = hashForRead(ks, key);
  if (h === null) return null;
  const out: Bytes[] = new Array<Bytes>(h.map.size * 2);
  let i = 0;
  for (const [f, v] of h.map) {
    out[i++] = f;
    out[i++] = v;
  }
  return out;
}

function hdelCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const e = hashForWrite(ks, argv[1]);
  if (e === undefined) return 0;
  return ks.hashDel(e, argv, 2);
}

function hincrbyCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const key = argv[1];
  const field = argv[2];
  const incr = parseInt64(argv[3]);
  if (incr === null) throw notAnInteger();
  const e = hashForWrite(ks, key);
  const old = e === undefined ? undefined : (e.hash as HashValue).map.get(field);
  let current: number | bigint = 0;
  if (old !== undefined) {
    const parsed = parseInt64(old);
    if (parsed === null) throw new MnemoError('ERR', 'hash value is not an integer');
    current = parsed;
  }
  const result = addInt64(current, incr);
  if (result === null) throw overflowError();
  const pair = [field, formatInt(result)];
  ks.reserve(hashDelta(e, key, pair, 0), e, null, true);
  ks.hashPut(e, key, pair, 0, 'hincrby');
  return result;
}

/** Redis's hincrbyfloatCommand: the increment is checked first, then the key's type, then the field. */
function hincrbyfloatCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const key = argv[1];
  const field = argv[2];
  const incr = floatArg(argv[3]);
  if (typeof incr === 'string') throw new MnemoError('ERR', 'value is NaN or Infinity');
  const e = hashForWrite(ks, key);
  const old = e === undefined ? undefined : (e.hash as HashValue).map.get(field);
  const current = old === undefined ? LONG_DOUBLE_ZERO : parseLongDoubleExact(old);
  if (current === null) throw new MnemoError('ERR', 'hash value is not a float');
  const sum = addLongDouble(current, incr);
  if (sum === null) throw new MnemoError('ERR', 'increment would produce NaN or Infinity');
  const text = formatLongDoubleExact(sum);
  const pair = [field, text];
  ks.reserve(hashDelta(e, key, pair, 0), e, null, true);
  ks.hashPut(e, key, pair, 0, 'hincrbyfloat');
  return text;
}

function hashRead<T extends Reply>(empty: T, read: (h: HashValue, argv: Bytes[]) => T): (ks: Keyspace, argv: Bytes[]) => Reply {
  return (ks, argv) => {
    const h = hashForRead(ks, argv[1]);
    return h === null ? empty : read(h, argv);
  };
}

export const hashCommands: CommandDef[] = [
  command('hset', -4, 'write denyoom fast', [1, 1, 1], 'hash', 'Creates or modifies the value of a field in a hash.', (ks, a) => hsetGeneric(ks, a, 'hset')),
  command('hmset', -4, 'write denyoom fast', [1, 1, 1], 'hash', 'Sets the values of multiple fields.', (ks, a) => {
    hsetGeneric(ks, a, 'hmset');
    return OK;
  }),
  command('hsetnx', 4, 'write denyoom fast', [1, 1, 1], 'hash', 'Sets the value of a field in a hash only when the field doesn\'t exist.', hsetnxCommand),
  command('hget', 3, 'readonly fast', [1, 1, 1], 'hash', 'Returns the value of a field in a hash.', hgetCommand),
  command('hmget', -3, 'readonly fast', [1, 1, 1], 'hash', 'Returns the values of all fields in a hash.', hmgetCommand),
  command('hgetall', 2, 'readonly', [1, 1, 1], 'hash', 'Returns all fields and values in a hash.', (ks, a) => new MapReply(hgetallFlat(ks, a[1]) ?? [])),
  command('hdel', -3, 'write fast', [1, 1, 1], 'hash', 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.', hdelCommand),
  command('hexists', 3, 'readonly fast', [1, 1, 1], 'hash', 'Determines whether a field exists in a hash.', hashRead(0, (h, a) => (h.map.has(a[2]) ? 1 : 0))),
  command('hlen', 2, 'readonly fast', [1, 1, 1], 'hash', 'Returns the number of fields in a hash.', hashRead(0, (h) => h.map.size)),
  command('hkeys', 2, 'readonly', [1, 1, 1], 'hash', 'Returns all fields in a hash.', hashRead([] as Reply[], (h) => [...h.map.keys()])),
  command('hvals', 2, 'readonly', [1, 1, 1], 'hash', 'Returns all values in a hash.', hashRead([] as Reply[], (h) => [...h.map.values()])),
  command('hstrlen', 3, 'readonly fast', [1, 1, 1], 'hash', 'Returns the length of the value of a field.', hashRead(0, (h, a) => h.map.get(a[2])?.length ?? 0)),
  command('hincrby', 4, 'write denyoom fast', [1, 1, 1], 'hash', 'Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn\'t exist.', hincrbyCommand),
  command('hincrbyfloat', 4, 'write denyoom fast', [1, 1, 1], 'hash', 'Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn\'t exist.', hincrbyfloatCommand),
];
