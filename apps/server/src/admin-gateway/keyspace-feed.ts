// The live keyspace feed: records the engine's changes on the write path into a fixed ring, and
// turns them every flush into one coalesced, sampled, pattern-filtered batch per subscriber.
//
// Design note. `changed()` runs inside engine writes (the ones the engine samples for the feed,
// and removals: see Write-path sampling), so it only stores three references and a number into
// preallocated arrays: no allocation, no
// hashing, nothing per subscriber, and it keeps no record object alive (keys and the constant
// reason / kind strings only). The ring keeps the latest `windowCapacity` changes of the window;
// older ones are overwritten and counted as dropped. Everything else happens in `drain()`, on a
// timer, off the write path: coalescing per key (the latest change of each key wins), pattern
// tests (once per distinct key per group of subscribers with the same patterns), the key's current
// type / TTL / size (engine.keyInfo), and an even sample of at most `maxChangesPerBatch`.
// Example, one window, capacity 4, cap 2, subscribers A ("*") and B ("user:*"):
//
//   writes:  SET cart:9, SET user:1, SET user:1, SET user:2, DEL cart:9, SET user:3   (6 changes)
//   ring:    [SET user:1, SET user:2, DEL cart:9, SET user:3]   (the first 2 overwritten)
//   keys:    user:1 (1) | user:2 (1) | cart:9 (1, del) | user:3 (1)
//   A: 4 keys, 2 sent (user:1, cart:9), dropped = 6 - 2 = 4
//   B: 3 keys, 2 sent (user:1, user:2), dropped = 3 - 2 + 2 overwritten (unexamined) = 3
//
// A FLUSHALL supersedes what came before it in the window: it is sent as one change and the
// changes before it count as dropped.
//
// Write-path sampling. Under heavy load nearly every ring entry is overwritten before the drain
// reads it (1M writes/s is 200k changes a 200 ms window against 2,048 slots). So the engine hands
// the feed one value change in `stride` (a sampled sink: the engine counts down and makes no call
// for the others; see SampledSinkHandle in the engine's mutation.ts), and every removal, of which
// `removed()` keeps one in `stride` by its own countdown (the removal feed wants each, the ring
// does not: an eviction per SET would otherwise fill it with evictions). The stride comes from
// the previous window's count so that a steady load fills about half the ring.
// The window's count comes from the engine's seq (every change has one), so every change is still
// counted, and those not stored count as dropped, exactly as overwritten ones do. Up to
// capacity/2 changes a window (~5k writes/s) the stride is 1 and every change is stored. Example,
// capacity 2048:
//   window 1: 200,000 changes, stride 1   -> ring holds the last 2,048, dropped counts the rest
//   window 2: stride 200,000 / 1,024 = 195 -> every 195th change is stored (~1,025 entries)
//   a window with 600 changes             -> the next one has stride 1 again

import { isUtf8 } from 'node:buffer';
import { bytesFromText, bytesToBuffer, bytesToText } from '@mnemo/engine';
import type { Bytes, KeyInfo, KeyRecordKind } from '@mnemo/engine';
import type { KeyspaceBatch, KeyspaceChange } from '@mnemo/contracts';
import { compileGlobs, KeyMatcher } from './glob';

export interface KeyspaceFeedOptions {
  /** Reads a key's current type, TTL and size without touching its LRU state. */
  keyInfo: (key: Bytes) => KeyInfo | null;
  /** The engine's last seq: the window's change count is its advance (flushes aside). */
  lastSeq: () => number;
  /** Tells the engine the stride for the next window (0: no value changes, nobody subscribed). */
  setStride: (stride: number) => void;
  /** max-key-length: longer keys are sent as not addressable (the HTTP key routes refuse them). */
  maxKeyBytes: () => number;
  /** Changes kept per window (rounded up to a power of two). Default 2048. */
  windowCapacity?: number;
  maxChangesPerBatch?: number;
}

interface Group {
  matcher: KeyMatcher;
  members: Set<string>;
}

interface Subscription {
  patterns: string[];
  signature: string;
  /** Dropped changes not yet reported (batches skipped for backpressure). */
  carried: number;
}

/** One distinct key of a drained window. */
interface KeyState {
  key: Bytes;
  /** Ring index of the key's latest change. */
  last: number;
  /** Changes to the key in the window (ring part after any flush). */
  count: number;
}

export const DEFAULT_WINDOW_CAPACITY = 2048;
export const DEFAULT_MAX_CHANGES_PER_BATCH = 200;
export const MAX_PATTERNS_PER_SUBSCRIBER = 16;

export class KeyspaceFeed {
  private readonly mask: number;
  private readonly keys: Bytes[];
  private readonly kinds: KeyRecordKind[];
  private readonly reasons: string[];
  private readonly seqs: Float64Array;
  /** The engine's last seq when this window began. */
  private windowStartSeq = 0;
  /** FLUSHALLs of this window (records with a seq that are not key changes). */
  private flushes = 0;
  /** Changes stored in the ring this window (may exceed its capacity: older entries are overwritten). */
  private stored = 0;
  /** One change in `stride` reaches the ring this window (see Write-path sampling). */
  private stride = 1;
  /** Removals to let pass before the next one is stored. */
  private removalCountdown = 1;
  /** A FLUSHALL of this window; `at` is the ring position where what it supersedes ends. */
  private flush: { seq: number; reason: string; at: number } | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly groups = new Map<string, Group>();
  private readonly maxChangesPerBatch: number;

  constructor(private readonly options: KeyspaceFeedOptions) {
    let capacity = 1;
    while (capacity < (options.windowCapacity ?? DEFAULT_WINDOW_CAPACITY)) capacity *= 2;
    this.mask = capacity - 1;
    this.keys = new Array<Bytes>(capacity).fill('');
    this.kinds = new Array<KeyRecordKind>(capacity).fill('del');
    this.reasons = new Array<string>(capacity).fill('');
    this.seqs = new Float64Array(capacity);
    this.maxChangesPerBatch = options.maxChangesPerBatch ?? DEFAULT_MAX_CHANGES_PER_BATCH;
  }

  /** True while anyone is subscribed; the host skips `changed` otherwise. */
  get active(): boolean {
    return this.subscriptions.size > 0;
  }

  /** The stride the engine should sample at now: 0 while nobody is subscribed. */
  get currentStride(): number {
    return this.active ? this.stride : 0;
  }

  /** Hot path, a key changed (one the engine sampled, or a removal): O(1), never throws, never allocates. */
  changed(seq: number, kind: KeyRecordKind, key: Bytes, reason: string): void {
    const i = this.stored & this.mask;
    this.keys[i] = key;
    this.kinds[i] = kind;
    this.reasons[i] = reason;
    this.seqs[i] = seq;
    this.stored++;
  }

  /** Hot path, a key was removed (the engine hands over every removal): stores one in `stride`. */
  removed(seq: number, key: Bytes, reason: string): void {
    if (--this.removalCountdown > 0) return;
    this.removalCountdown = this.stride;
    this.changed(seq, 'del', key, reason);
  }

  /** Every key went (FLUSHALL): supersedes the window's earlier changes. */
  flushed(seq: number, reason: string): void {
    this.flushes++;
    this.flush = { seq, reason, at: this.stored };
  }

  /**
   * Adds a pattern (text; matched against keys' UTF-8 bytes) for a subscriber. Returns the
   * subscriber's patterns, or an error message if it already has MAX_PATTERNS_PER_SUBSCRIBER.
   */
  subscribe(id: string, pattern: string): string[] | { error: string } {
    const current = this.subscriptions.get(id)?.patterns ?? [];
    if (current.includes(pattern)) return [...current];
    if (current.length >= MAX_PATTERNS_PER_SUBSCRIBER) {
      return { error: `at most ${MAX_PATTERNS_PER_SUBSCRIBER} patterns per connection` };
    }
    this.setPatterns(id, [...current, pattern]);
    return this.patternsOf(id);
  }

  /** Removes one pattern, or all of them when `pattern` is undefined; returns what is left. */
  unsubscribe(id: string, pattern?: string): string[] {
    const current = this.subscriptions.get(id)?.patterns ?? [];
    this.setPatterns(id, pattern === undefined ? [] : current.filter((p) => p !== pattern));
    return this.patternsOf(id);
  }

  patternsOf(id: string): string[] {
    return [...(this.subscriptions.get(id)?.patterns ?? [])];
  }

  /** A batch for `id` was not sent (slow client): its changes count as dropped next time. */
  carryDropped(id: string, count: number): void {
    const subscription = this.subscriptions.get(id);
    if (subscription) subscription.carried += count;
  }

  /**
   * Ends the window and empties it: returns the batches to send, each with the subscribers it is
   * for (subscribers of one group share a batch unless some carry dropped counts), leaving out
   * subscribers with nothing to hear. `now` turns expiries into remaining TTLs.
   */
  drain(now: number): Array<{ ids: string[]; batch: KeyspaceBatch }> {
    const out: Array<{ ids: string[]; batch: KeyspaceBatch }> = [];
    const count = this.windowCount();
    if (this.subscriptions.size === 0 || (count === 0 && this.flush === null)) {
      this.reset(count);
      return this.carriedOnly(out);
    }
    const capacity = this.mask + 1;
    const first = Math.max(this.stored - capacity, this.flush?.at ?? 0);
    // Changes not sampled, overwritten, or superseded by a flush: no one sees them.
    const unseen = count - (this.stored - first);
    const states: KeyState[] = [];
    const byKey = new Map<Bytes, KeyState>();
    for (let position = first; position < this.stored; position++) {
      const i = position & this.mask;
      const key = this.keys[i];
      const state = byKey.get(key);
      if (state) {
        state.last = i;
        state.count++;
      } else {
        const fresh = { key, last: i, count: 1 };
        byKey.set(key, fresh);
        states.push(fresh);
      }
    }
    const flushChange: KeyspaceChange | null = this.flush
      ? { kind: 'del', event: this.flush.reason, key: '*', addressable: false, type: null, ttlMs: null, size: null, seq: this.flush.seq }
      : null;
    const built = new Map<KeyState, KeyspaceChange>();
    for (const group of this.groups.values()) {
      const matched: KeyState[] = [];
      let changesSeen = unseen;
      for (const state of states) {
        if (group.matcher(state.key)) {
          matched.push(state);
          changesSeen += state.count;
        }
      }
      const sample = strideSample(matched, this.maxChangesPerBatch);
      const changes: KeyspaceChange[] = flushChange ? [flushChange] : [];
      for (const state of sample) {
        let change = built.get(state);
        if (!change) {
          change = this.toChange(state.key, state.last, now);
          built.set(state, change);
        }
        changes.push(change);
      }
      const dropped = changesSeen - sample.length;
      const shared: string[] = [];
      for (const id of group.members) {
        const subscription = this.subscriptions.get(id);
        const carried = subscription?.carried ?? 0;
        if (carried === 0) {
          shared.push(id);
        } else if (subscription) {
          subscription.carried = 0;
          out.push({ ids: [id], batch: { changes, dropped: dropped + carried } });
        }
      }
      if (shared.length > 0 && (changes.length > 0 || dropped > 0)) out.push({ ids: shared, batch: { changes, dropped } });
    }
    this.reset(count);
    return out;
  }

  /** Key changes in this window, stored or not. */
  private windowCount(): number {
    return Math.max(0, this.options.lastSeq() - this.windowStartSeq - this.flushes);
  }

  /** With an empty window, only subscribers carrying dropped counts hear something. */
  private carriedOnly(out: Array<{ ids: string[]; batch: KeyspaceBatch }>): Array<{ ids: string[]; batch: KeyspaceBatch }> {
    for (const [id, subscription] of this.subscriptions) {
      if (subscription.carried === 0) continue;
      out.push({ ids: [id], batch: { changes: [], dropped: subscription.carried } });
      subscription.carried = 0;
    }
    return out;
  }

  /** The change for a key's latest ring entry, with its state now. */
  private toChange(key: Bytes, i: number, now: number): KeyspaceChange {
    const kind = this.kinds[i];
    const event = this.reasons[i];
    const seq = this.seqs[i];
    const text = bytesToText(key);
    // Decoding put U+FFFD only where bytes were not UTF-8, or where the key holds U+FFFD itself.
    const addressable = key.length <= this.options.maxKeyBytes() && (!text.includes('\ufffd') || isUtf8(bytesToBuffer(key)));
    if (kind === 'del') {
      const removal = event === 'expired' ? 'expire' : event === 'evicted' ? 'evict' : 'del';
      return { kind: removal, event, key: text, addressable, type: null, ttlMs: null, size: null, seq };
    }
    const info = this.options.keyInfo(key);
    if (info === null) {
      // Written in this window and gone since without a record yet (e.g. expired in between).
      const type = kind === 'string' ? 'string' : kind === 'ttl' ? null : 'hash';
      return { kind: 'set', event, key: text, addressable, type, ttlMs: null, size: null, seq };
    }
    return {
      kind: 'set',
      event,
      key: text,
      addressable,
      type: info.type,
      ttlMs: info.expiresAt === null ? null : Math.max(0, info.expiresAt - now),
      size: info.memory,
      seq,
    };
  }

  private setPatterns(id: string, patterns: string[]): void {
    const previous = this.subscriptions.get(id);
    if (previous) {
      const group = this.groups.get(previous.signature);
      group?.members.delete(id);
      if (group && group.members.size === 0) this.groups.delete(previous.signature);
    }
    const wasActive = this.active;
    if (patterns.length === 0) {
      this.subscriptions.delete(id);
      if (wasActive && !this.active) this.options.setStride(0);
      return;
    }
    const signature = [...patterns].sort().join('\n');
    let group = this.groups.get(signature);
    if (!group) {
      group = { matcher: compileGlobs(patterns.map(bytesFromText)), members: new Set() };
      this.groups.set(signature, group);
    }
    group.members.add(id);
    this.subscriptions.set(id, { patterns, signature, carried: previous?.carried ?? 0 });
    if (!wasActive) {
      // The first subscriber: a fresh window that stores every change.
      this.reset(0);
    }
  }

  /** Starts the next window after one of `count` changes. */
  private reset(count: number): void {
    // Drop references to keys of the window so deleted keys are not kept alive.
    const used = Math.min(this.stored, this.mask + 1);
    for (let i = 0; i < used; i++) this.keys[i] = '';
    // A steady load at this window's rate fills about half the ring in the next one.
    this.stride = Math.max(1, Math.floor(count / ((this.mask + 1) / 2)));
    this.windowStartSeq = this.options.lastSeq();
    this.removalCountdown = 1;
    this.flushes = 0;
    this.stored = 0;
    this.flush = null;
    this.options.setStride(this.currentStride);
  }
}

/** Up to `cap` items spread evenly over `items` (all of them if there are few enough). */
export function strideSample<T>(items: T[], cap: number): T[] {
  if (items.length <= cap) return items;
  const step = items.length / cap;
  const sample: T[] = new Array(cap);
  for (let i = 0; i < cap; i++) sample[i] = items[Math.floor(i * step)];
  return sample;
}
