// TTL commands (expire.c): EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT, TTL, PTTL,
// EXPIRETIME, PEXPIRETIME, PERSIST.
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import { NO_EXPIRY } from '../entry';
import { MnemoError, notAnInteger, quoted } from '../errors';
import type { Keyspace } from '../keyspace';
import { normalizeInt, parseInt64 } from '../number-format';
import type { Reply } from '../reply';
import { absoluteMs, invalidExpire } from './args';

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

function parseExpireFlags(argv: Bytes[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else throw new MnemoError('ERR', `Unsupported option ${quoted(argv[j])}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    throw new MnemoError('ERR', 'NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) throw new MnemoError('ERR', 'GT and LT options at the same time are not compatible');
  return flags;
}

/**
 * Redis's expireGenericCommand. basetime is now for relative forms, 0 for *AT forms. Returns 1
 * when the TTL was set (or the key deleted because the time is already past, reason 'del'),
 * 0 when the key is missing or NX/XX/GT/LT said no. Negative times are allowed (they delete).
 */
function expireGeneric(ks: Keyspace, argv: Bytes[], basetime: number, seconds: boolean, name: string): Reply {
  const flags = parseExpireFlags(argv);
  const parsed = parseInt64(argv[2]);
  if (parsed === null) throw notAnInteger();
  const when = absoluteMs(parsed, seconds, basetime);
  if (when === null) throw invalidExpire(name);
  const e = ks.lookupWrite(argv[1]);
  if (e === undefined) return 0;
  if (flags !== 0) {
    const current = e.expiresAt;
    if (flags & EXPIRE_NX && current !== NO_EXPIRY) return 0;
    if (flags & EXPIRE_XX && current === NO_EXPIRY) return 0;
    if (flags & EXPIRE_GT && (current === NO_EXPIRY || when <= current)) return 0;
    if (flags & EXPIRE_LT && current !== NO_EXPIRY && when >= current) return 0;
  }
  if (when <= ks.now) {
    ks.deleteEntry(e, 'del');
    return 1;
  }
  ks.setExpiry(e, when, 'expire');
  return 1;
}

/** Redis's ttlGenericCommand: -2 missing, -1 no TTL; seconds round half up. */
function ttlGeneric(ks: Keyspace, argv: Bytes[], ms: boolean, absolute: boolean): Reply {
  const e = ks.lookupRead(argv[1], false);
  if (e === undefined) return -2;
  if (e.expiresAt === NO_EXPIRY) return -1;
  if (e.expiresAt > Number.MAX_SAFE_INTEGER) return hugeTtl(e.expiresAt, ks.now, ms, absolute);
  let ttl = absolute ? e.expiresAt : e.expiresAt - ks.now;
  if (ttl < 0) ttl = 0;
  return ms ? ttl : Math.floor((ttl + 500) / 1000);
}

/** ttlGeneric's arithmetic in 64-bit integers, for expiry times beyond 2^53 ms (see absoluteMs). */
function hugeTtl(expiresAt: number, now: number, ms: boolean, absolute: boolean): Reply {
  const ttl = absolute ? BigInt(expiresAt) : BigInt(expiresAt) - BigInt(now);
  return normalizeInt(ms ? ttl : (ttl + 500n) / 1000n);
}

function persistCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const e = ks.lookupWrite(argv[1]);
  if (e === undefined || e.expiresAt === NO_EXPIRY) return 0;
  ks.setExpiry(e, NO_EXPIRY, 'persist');
  return 1;
}

export const ttlCommands: CommandDef[] = [
  command('expire', -3, 'write fast', [1, 1, 1], 'ttl', 'Sets the expiration time of a key in seconds.', (ks, a) => expireGeneric(ks, a, ks.now, true, 'expire')),
  command('pexpire', -3, 'write fast', [1, 1, 1], 'ttl', 'Sets the expiration time of a key in milliseconds.', (ks, a) => expireGeneric(ks, a, ks.now, false, 'pexpire')),
  command('expireat', -3, 'write fast', [1, 1, 1], 'ttl', 'Sets the expiration time of a key to a Unix timestamp.', (ks, a) => expireGeneric(ks, a, 0, true, 'expireat')),
  command('pexpireat', -3, 'write fast', [1, 1, 1], 'ttl', 'Sets the expiration time of a key to a Unix milliseconds timestamp.', (ks, a) => expireGeneric(ks, a, 0, false, 'pexpireat')),
  command('ttl', 2, 'readonly fast', [1, 1, 1], 'ttl', 'Returns the expiration time in seconds of a key.', (ks, a) => ttlGeneric(ks, a, false, false)),
  command('pttl', 2, 'readonly fast', [1, 1, 1], 'ttl', 'Returns the expiration time in milliseconds of a key.', (ks, a) => ttlGeneric(ks, a, true, false)),
  command('expiretime', 2, 'readonly fast', [1, 1, 1], 'ttl', 'Returns the expiration time of a key as a Unix timestamp.', (ks, a) => ttlGeneric(ks, a, false, true)),
  command('pexpiretime', 2, 'readonly fast', [1, 1, 1], 'ttl', 'Returns the expiration time of a key as a Unix milliseconds timestamp.', (ks, a) => ttlGeneric(ks, a, true, true)),
  command('persist', 2, 'write fast', [1, 1, 1], 'ttl', 'Removes the expiration time of a key.', persistCommand),
];
