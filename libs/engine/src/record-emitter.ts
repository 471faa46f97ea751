// Mutation record emission: gapless seq numbers and dispatch to the registered sinks (see mutation.ts).
import type { Bytes } from './bytes';
import { NO_EXPIRY } from './entry';
import type { MutationSink, SampledSinkHandle } from './mutation';

/** Stride while no sampled sink listens: the countdown runs out only every 2^30 changes. */
const IDLE_STRIDE = 2 ** 30;

/**
 * Each method assigns the next seq even when nobody listens (the seq stays gapless and equal to
 * the log's), then calls every sink's method for that kind, synchronously, in registration order.
 * Sinks must not throw (a throw would reach the caller of the command after its state change).
 * One counter only (the next seq is lastSeq + 1): every write of the hot path bumps it.
 */
export class RecordEmitter {
  lastSeq: number;
  sinks: MutationSink[] = [];
  /** The one sampled sink (see Engine.addSampledMutationSink), or null. */
  private sampled: MutationSink | null = null;
  private stride = IDLE_STRIDE;
  /** Value changes (string, hash, hdel, ttl) left before the next one goes to the sampled sink. */
  private countdown = IDLE_STRIDE;

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

  /** Sets the one sampled sink; throws if there is one already. */
  addSampled(sink: MutationSink): SampledSinkHandle {
    if (this.sampled !== null) throw new Error('the engine has a sampled mutation sink already');
    this.sampled = sink;
    this.restartSampling(1);
    return {
      restart: (stride) => {
        if (this.sampled === sink) this.restartSampling(stride);
      },
      remove: () => {
        if (this.sampled !== sink) return;
        this.sampled = null;
        this.restartSampling(0);
      },
    };
  }

  private restartSampling(stride: number): void {
    this.stride = this.sampled === null || stride <= 0 ? IDLE_STRIDE : Math.min(Math.floor(stride), IDLE_STRIDE);
    this.countdown = this.stride === IDLE_STRIDE ? IDLE_STRIDE : 1;
  }

  /** Counts a value change down; true when it goes to the sampled sink (and the countdown restarts). */
  private sampleDue(): boolean {
    return --this.countdown === 0 && this.restartCountdown();
  }

  private restartCountdown(): boolean {
    this.countdown = this.stride;
    return this.sampled !== null;
  }

  string(key: Bytes, value: Bytes, expiresAt: number, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onString(seq, key, value, expiresAt === NO_EXPIRY ? null : expiresAt, reason);
    if (this.sampleDue()) this.sampled?.onString(seq, key, value, expiresAt === NO_EXPIRY ? null : expiresAt, reason);
  }

  /** A hash record of `fields` from index `from` on (the caller's array: copied only if someone listens). */
  hash(key: Bytes, fields: Bytes[], from: number, replace: boolean, expiresAt: number, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    const sample = this.sampleDue();
    if (sinks.length === 0 && !sample) return;
    const copy = fields.slice(from);
    const at = expiresAt === NO_EXPIRY ? null : expiresAt;
    for (let i = 0; i < sinks.length; i++) sinks[i].onHash(seq, key, copy, replace, at, reason);
    if (sample) this.sampled?.onHash(seq, key, copy, replace, at, reason);
  }

  hdel(key: Bytes, fields: Bytes[]): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onHdel(seq, key, fields);
    if (this.sampleDue()) this.sampled?.onHdel(seq, key, fields);
  }

  ttl(key: Bytes, expiresAt: number, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    const at = expiresAt === NO_EXPIRY ? null : expiresAt;
    for (let i = 0; i < sinks.length; i++) sinks[i].onTtl(seq, key, at, reason);
    if (this.sampleDue()) this.sampled?.onTtl(seq, key, at, reason);
  }

  /** Removals and flushes reach the sampled sink too, every one of them. */
  del(key: Bytes, reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onDel(seq, key, reason);
    this.sampled?.onDel(seq, key, reason);
  }

  flush(reason: string): void {
    const seq = ++this.lastSeq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].onFlush(seq, reason);
    this.sampled?.onFlush(seq, reason);
  }
}
