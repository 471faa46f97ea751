// Applying one logged mutation record to the keyspace (recovery and replay through Engine.apply).

import { NO_EXPIRY } from './entry';
import { MnemoError } from './errors';
import type { Keyspace } from './keyspace';
import type { MutationRecord } from './mutation';

/**
 * Makes the keyspace hold what `record` says its key is (records are state-based, so applying
 * one twice gives the same state). The caller sets `silent` so nothing is emitted, and sets the
 * seq afterwards. No eviction, no OOM: the log already decided what stayed.
 */
export function applyRecord(ks: Keyspace, record: MutationRecord): void {
  switch (record.kind) {
    case 'string':
      ks.putString(ks.map.get(record.key), record.key, record.value, record.expiresAt ?? NO_EXPIRY, record.reason);
      break;
    case 'hash': {
      const e = ks.map.get(record.key);
      if (record.replace || e === undefined || e.hash === null) {
        ks.hashReplace(e, record.key, record.fields, record.expiresAt ?? NO_EXPIRY, record.reason);
      } else {
        ks.hashPut(e, record.key, record.fields, 0, record.reason);
        ks.setExpiry(e, record.expiresAt ?? NO_EXPIRY, record.reason);
      }
      break;
    }
    case 'hdel': {
      const e = ks.map.get(record.key);
      if (e !== undefined && e.hash !== null) ks.hashDel(e, record.fields, 0);
      break;
    }
    case 'ttl': {
      const e = ks.map.get(record.key);
      if (e !== undefined) ks.setExpiry(e, record.expiresAt ?? NO_EXPIRY, record.reason);
      break;
    }
    case 'del': {
      const e = ks.map.get(record.key);
      if (e !== undefined) ks.deleteEntry(e, record.reason);
      break;
    }
    case 'flush':
      ks.flushAll(record.reason);
      break;
    default:
      throw new MnemoError('ERR', `unknown mutation record kind '${String((record as { kind: unknown }).kind)}'`);
  }
}
