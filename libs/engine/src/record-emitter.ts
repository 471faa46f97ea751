// Mutation record emission: gapless seq numbers and dispatch to the registered sinks (see mutation.ts).
import type { Bytes } from './bytes';
import { NO_EXPIRY } from './entry';
import type { MutationSink } from './mutation';

/**
 * Each method assigns the next seq even when nobody listens (the seq stays gapless and equal to
 * the log's), then calls every sink's method for that kind, synchronously, in registration order.
 * Sinks must not throw (a throw would reach the caller of the command after its state change).
 * One counter only (the next seq is lastSeq + 1): every write of the hot path bumps it.
 */
export class RecordEmitter {
  lastSeq: number;
  sinks: MutationSink[] = [];

  constructor(firstSeq: number) {
    this.lastSeq = firstSeq - 1;
  }

  /** Adds a sink (a new array, so a dispatch in progress is not disturbed); returns its remover. */
  add(sink: MutationSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  string(key: Bytes, value: Bytes, expiresAt: number, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onString(seq, key, value, expiresAt === NO_EXPIRY ? null : expiresAt, reason);
  }

  /** A hash record of `fields` from index `from` on (the caller's array: copied only if someone listens). */
  hash(key: Bytes, fields: Bytes[], from: number, replace: boolean, expiresAt: number, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    if (sinks.length === 0) return;
    const copy = fields.slice(from);
    for (let i = 0; i < sinks.length; i++) sinks[i].onHash(seq, key, copy, replace, expiresAt === NO_EXPIRY ? null : expiresAt, reason);
  }

  hdel(key: Bytes, fields: Bytes[]): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onHdel(seq, key, fields);
  }

  ttl(key: Bytes, expiresAt: number, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onTtl(seq, key, expiresAt === NO_EXPIRY ? null : expiresAt, reason);
  }

  del(key: Bytes, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onDel(seq, key, reason);
  }

  flush(reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onFlush(seq, reason);
  }
}
