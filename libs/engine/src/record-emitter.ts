// Mutation record emission: gapless seq numbers and listener dispatch (see mutation.ts).
import type { Bytes } from './bytes';
import { NO_EXPIRY } from './entry';
import type { MutationListener, MutationRecord } from './mutation';

/**
 * Each method assigns the next seq even when nobody listens (the seq stays gapless and equal to
 * the log's), and only allocates the record object when there is a listener. Listeners are
 * called synchronously, in registration order, and must not throw (a throw would reach the
 * caller of the command after its state change). One counter only (the next seq is
 * lastSeq + 1): every write of the hot path bumps it.
 */
export class RecordEmitter {
  lastSeq: number;
  listeners: MutationListener[] = [];

  constructor(firstSeq: number) {
    this.lastSeq = firstSeq - 1;
  }

  private emit(record: MutationRecord): void {
    record.seq = ++this.lastSeq;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i](record);
  }

  private skip(): boolean {
    if (this.listeners.length > 0) return false;
    this.lastSeq++;
    return true;
  }

  string(key: Bytes, value: Bytes, expiresAt: number, reason: string): void {
    if (this.skip()) return;
    this.emit({ kind: 'string', seq: 0, reason, key, value, expiresAt: expiresAt === NO_EXPIRY ? null : expiresAt });
  }

  hash(key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number, reason: string): void {
    if (this.skip()) return;
    this.emit({ kind: 'hash', seq: 0, reason, key, fields, replace, expiresAt: expiresAt === NO_EXPIRY ? null : expiresAt });
  }

  hdel(key: Bytes, fields: Bytes[]): void {
    if (this.skip()) return;
    this.emit({ kind: 'hdel', seq: 0, reason: 'hdel', key, fields });
  }

  ttl(key: Bytes, expiresAt: number, reason: string): void {
    if (this.skip()) return;
    this.emit({ kind: 'ttl', seq: 0, reason, key, expiresAt: expiresAt === NO_EXPIRY ? null : expiresAt });
  }

  del(key: Bytes, reason: string): void {
    if (this.skip()) return;
    this.emit({ kind: 'del', seq: 0, reason, key });
  }

  flush(reason: string): void {
    if (this.skip()) return;
    this.emit({ kind: 'flush', seq: 0, reason });
  }
}
