// String commands (t_string.c): GET, SET and its variants, MGET/MSET, APPEND, ranges.
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import { NO_EXPIRY, type Entry } from '../entry';
import { MnemoError, notAnInteger, syntaxError, wrongArity, wrongType } from '../errors';
import { KEEP_TTL, type Keyspace } from '../keyspace';
import { stringMemory } from '../memory';
import { parseInt64 } from '../number-format';
import { OK, type Reply } from '../reply';
import { expireArg, intArg, UNIT_EX, UNIT_EXAT, UNIT_NONE, UNIT_PX, UNIT_PXAT } from './args';

/** GET: the string value, null if missing; WRONGTYPE on a hash. */
export function getValue(ks: Keyspace, key: Bytes): Bytes | null {
  const e = ks.lookupRead(key);
  if (e === undefined) return null;
  if (e.hash !== null) throw wrongType();
  return e.value;
}

/**
 * Redis's setGenericCommand after parsing. expiresAt: absolute ms, NO_EXPIRY or KEEP_TTL.
 * Returns true when written, false when NX/XX prevented it. When `get` is set, WRONGTYPE is
 * thrown for a hash and the previous value is left in ks.previousValue (null if none).
 * Positional flags and no result object: this is the hot path of SET.
 */
export function setGeneric(ks: Keyspace, key: Bytes, value: Bytes, nx: boolean, xx: boolean, get: boolean, expiresAt: number): boolean {
  ks.checkLength(value.length);
  const e = ks.lookupWrite(key);
  if (get) {
    // The GET part is a read, as Redis's getGenericCommand: a hit or a miss (and its keymiss event).
    if (e === undefined) {
      ks.misses++;
      if (ks.keyEvents !== null && !ks.silent) ks.keyEvents('keymiss', key);
    } else ks.hits++;
    if (e !== undefined && e.hash !== null) throw wrongType();
    ks.previousValue = e !== undefined ? e.value : null;
  }
  if ((nx && e !== undefined) || (xx && e === undefined)) return false;
  if (ks.config.maxmemory !== 0) ks.reserve(stringMemory(key.length, value.length) - (e === undefined ? 0 : e.mem), e, null, true);
  ks.putString(e, key, value, expiresAt, 'set');
  // Redis notifies 'set' then 'expire' for a SET with EX/PX/EXAT/PXAT (not KEEPTTL).
  if (ks.keyEvents !== null && expiresAt !== NO_EXPIRY && expiresAt !== KEEP_TTL && !ks.silent) ks.keyEvents('expire', key);
  return true;
}

function setCommand(ks: Keyspace, argv: Bytes[]): Reply {
  let nx = false;
  let xx = false;
  let get = false;
  let keepTtl = false;
  let unit = UNIT_NONE;
  let expire: Bytes | null = null;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !xx) nx = true;
    else if (opt === 'xx' && !nx) xx = true;
    else if (opt === 'get') get = true;
    else if (opt === 'keepttl' && unit === UNIT_NONE) keepTtl = true;
    else if (opt === 'ex' && !keepTtl && (unit === UNIT_NONE || unit === UNIT_EX) && hasNext) {
      unit = UNIT_EX;
      expire = argv[++j];
    } else if (opt === 'px' && !keepTtl && (unit === UNIT_NONE || unit === UNIT_PX) && hasNext) {
      unit = UNIT_PX;
      expire = argv[++j];
    } else if (opt === 'exat' && !keepTtl && (unit === UNIT_NONE || unit === UNIT_EXAT) && hasNext) {
      unit = UNIT_EXAT;
      expire = argv[++j];
    } else if (opt === 'pxat' && !keepTtl && (unit === UNIT_NONE || unit === UNIT_PXAT) && hasNext) {
      unit = UNIT_PXAT;
      expire = argv[++j];
    } else throw syntaxError();
  }
  const expiresAt = expire !== null ? expireArg(expire, unit, 'set', ks.now) : keepTtl ? KEEP_TTL : NO_EXPIRY;
  const done = setGeneric(ks, argv[1], argv[2], nx, xx, get, expiresAt);
  if (get) return ks.previousValue;
  return done ? OK : null;
}

function setexGeneric(ks: Keyspace, argv: Bytes[], unit: number, name: string): Reply {
  const expiresAt = expireArg(argv[2], unit, name, ks.now);
  setGeneric(ks, argv[1], argv[3], false, false, false, expiresAt);
  return OK;
}

function getsetCommand(ks: Keyspace, argv: Bytes[]): Reply {
  setGeneric(ks, argv[1], argv[2], false, false, true, NO_EXPIRY);
  return ks.previousValue;
}

function getdelCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const e = ks.lookupRead(argv[1]);
  if (e === undefined) return null;
  if (e.hash !== null) throw wrongType();
  const value = e.value;
  ks.deleteEntry(e, 'del');
  return value;
}

function getexCommand(ks: Keyspace, argv: Bytes[]): Reply {
  let unit = UNIT_NONE;
  let persist = false;
  let expire: Bytes | null = null;
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'persist' && unit === UNIT_NONE) persist = true;
    else if (!persist && hasNext && (opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat')) {
      const u = opt === 'ex' ? UNIT_EX : opt === 'px' ? UNIT_PX : opt === 'exat' ? UNIT_EXAT : UNIT_PXAT;
      if (unit !== UNIT_NONE && unit !== u) throw syntaxError();
      unit = u;
      expire = argv[++j];
    } else throw syntaxError();
  }
  // As Redis: a missing key is nil and a hash WRONGTYPE before the expiry value is checked.
  const e = ks.lookupRead(argv[1]);
  if (e === undefined) return null;
  if (e.hash !== null) throw wrongType();
  const at = expire !== null ? expireArg(expire, unit, 'getex', ks.now) : NO_EXPIRY;
  const value = e.value;
  if ((unit === UNIT_EXAT || unit === UNIT_PXAT) && at <= ks.now) {
    ks.deleteEntry(e, 'del');
  } else if (expire !== null) {
    ks.setExpiry(e, at, 'expire');
  } else if (persist && e.expiresAt !== NO_EXPIRY) {
    ks.setExpiry(e, NO_EXPIRY, 'persist');
  }
  return value;
}

function mgetCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const out: Reply[] = new Array<Reply>(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = ks.lookupRead(argv[i]);
    out[i - 1] = e === undefined || e.hash !== null ? null : e.value;
  }
  return out;
}

/** MSET/MSETNX body: reserves the worst-case growth, then sets every pair without TTL. */
function msetPairs(ks: Keyspace, argv: Bytes[]): void {
  const keys: Bytes[] = [];
  const seen = new Set<Bytes>();
  let delta = 0;
  for (let i = 1; i < argv.length; i += 2) {
    ks.checkLength(argv[i + 1].length);
    keys.push(argv[i]);
    delta += stringMemory(argv[i].length, argv[i + 1].length);
    if (!seen.has(argv[i])) {
      seen.add(argv[i]);
      const e = ks.peek(argv[i]);
      if (e !== undefined) delta -= e.mem;
    }
  }
  ks.reserve(delta, undefined, keys, true);
  for (let i = 1; i < argv.length; i += 2) {
    ks.putString(ks.lookupWrite(argv[i]), argv[i], argv[i + 1], NO_EXPIRY, 'set');
  }
}

function msetCommand(ks: Keyspace, argv: Bytes[]): Reply {
  if (argv.length % 2 === 0) throw wrongArity('mset');
  msetPairs(ks, argv);
  return OK;
}

function msetnxCommand(ks: Keyspace, argv: Bytes[]): Reply {
  if (argv.length % 2 === 0) throw wrongArity('msetnx');
  for (let i = 1; i < argv.length; i += 2) {
    if (ks.lookupWrite(argv[i]) !== undefined) return 0;
  }
  msetPairs(ks, argv);
  return 1;
}

function stringEntry(ks: Keyspace, key: Bytes): Entry | undefined {
  const e = ks.lookupWrite(key);
  if (e !== undefined && e.hash !== null) throw wrongType();
  return e;
}

function appendCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const key = argv[1];
  const add = argv[2];
  const e = stringEntry(ks, key);
  const old = e === undefined ? '' : e.value;
  ks.checkLength(old.length + add.length);
  const value = old + add;
  ks.reserve(stringMemory(key.length, value.length) - (e === undefined ? 0 : e.mem), e, null, true);
  ks.putString(e, key, value, KEEP_TTL, 'append');
  return value.length;
}

function strlenCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const e = ks.lookupRead(argv[1]);
  if (e === undefined) return 0;
  if (e.hash !== null) throw wrongType();
  return e.value.length;
}

function getrangeCommand(ks: Keyspace, argv: Bytes[]): Reply {
  let start = intArg(argv[2]);
  let end = intArg(argv[3]);
  const e = ks.lookupRead(argv[1]);
  if (e === undefined) return '';
  if (e.hash !== null) throw wrongType();
  const s = e.value;
  const len = s.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  return s.slice(start, end + 1);
}

function setrangeCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const key = argv[1];
  const parsed = parseInt64(argv[2]);
  if (parsed === null) throw notAnInteger();
  if (parsed < 0) throw new MnemoError('ERR', 'offset is out of range');
  const add = argv[3];
  const e = stringEntry(ks, key);
  const old = e === undefined ? '' : e.value;
  if (add.length === 0) return old.length;
  const offset = Number(parsed);
  ks.checkLength(offset + add.length);
  const base = old.length < offset ? old + '\0'.repeat(offset - old.length) : old;
  const value = base.slice(0, offset) + add + base.slice(offset + add.length);
  ks.reserve(stringMemory(key.length, value.length) - (e === undefined ? 0 : e.mem), e, null, true);
  ks.putString(e, key, value, KEEP_TTL, 'setrange');
  return value.length;
}

export const stringCommands: CommandDef[] = [
  command('get', 2, 'readonly fast', [1, 1, 1], 'string', 'Returns the string value of a key.', (ks, a) => getValue(ks, a[1])),
  command('set', -3, 'write denyoom', [1, 1, 1], 'string', 'Sets the string value of a key, ignoring its type. The key is created if it does not exist.', setCommand),
  command('setnx', 3, 'write denyoom fast', [1, 1, 1], 'string', 'Set the string value of a key only when the key does not exist.', (ks, a) =>
    setGeneric(ks, a[1], a[2], true, false, false, NO_EXPIRY) ? 1 : 0,
  ),
  command('setex', 4, 'write denyoom', [1, 1, 1], 'string', 'Sets the string value and expiration time of a key.', (ks, a) => setexGeneric(ks, a, UNIT_EX, 'setex')),
  command('psetex', 4, 'write denyoom', [1, 1, 1], 'string', 'Sets both string value and expiration time in milliseconds of a key.', (ks, a) =>
    setexGeneric(ks, a, UNIT_PX, 'psetex'),
  ),
  command('getset', 3, 'write denyoom fast', [1, 1, 1], 'string', 'Returns the previous string value of a key after setting it to a new value.', getsetCommand),
  command('getdel', 2, 'write fast', [1, 1, 1], 'string', 'Returns the string value of a key after deleting the key.', getdelCommand),
  command('getex', -2, 'write fast', [1, 1, 1], 'string', 'Returns the string value of a key after setting its expiration time.', getexCommand),
  command('mget', -2, 'readonly fast', [1, -1, 1], 'string', 'Atomically returns the string values of one or more keys.', mgetCommand),
  command('mset', -3, 'write denyoom', [1, -1, 2], 'string', 'Atomically creates or modifies the string values of one or more keys.', msetCommand),
  command('msetnx', -3, 'write denyoom', [1, -1, 2], 'string', 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.', msetnxCommand),
  command('append', 3, 'write denyoom fast', [1, 1, 1], 'string', 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.', appendCommand),
  command('strlen', 2, 'readonly fast', [1, 1, 1], 'string', 'Returns the length of a string value.', strlenCommand),
  command('getrange', 4, 'readonly', [1, 1, 1], 'string', 'Returns a substring of the string stored at a key.', getrangeCommand),
  command('setrange', 4, 'write denyoom', [1, 1, 1], 'string', 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.', setrangeCommand),
];

