// A small in-memory keyspace implementing PersistedEngine, used by the persistence tests as the
// "simple model": it emits state-based records the way the real engine's contract describes.

import { deliverRecord, type Bytes, type MutationRecord, type MutationSink, type RestoreSink, type SnapshotEntry } from '@mnemo/engine';

type Value = { type: 'string'; value: Bytes; expiresAt: number | null } | { type: 'hash'; fields: Map<Bytes, Bytes>; expiresAt: number | null };

export class ModelEngine {
  readonly data = new Map<Bytes, Value>();
  private sinks: MutationSink[] = [];
  private nextSeq = 1;
  lastSeq = 0;

  constructor(readonly now: () => number = Date.now) {}

  get keyCount(): number {
    return this.data.size;
  }

  addMutationSink(sink: MutationSink): () => void {
    this.sinks.push(sink);
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  private emit(record: Omit<MutationRecord, 'seq'>): number {
    const full = { ...record, seq: this.nextSeq++ } as MutationRecord;
    this.lastSeq = full.seq;
    for (const sink of this.sinks) deliverRecord(sink, full);
    return full.seq;
  }

  private live(key: Bytes): Value | undefined {
    const value = this.data.get(key);
    if (value && value.expiresAt !== null && value.expiresAt <= this.now()) {
      this.data.delete(key);
      this.emit({ kind: 'del', key, reason: 'expired' } as Omit<MutationRecord, 'seq'>);
      return undefined;
    }
    return value;
  }

  // Commands (each returns the seq of its record).
  set(key: Bytes, value: Bytes, expiresAt: number | null = null): number {
    this.data.set(key, { type: 'string', value, expiresAt });
    return this.emit({ kind: 'string', key, value, expiresAt, reason: 'set' } as Omit<MutationRecord, 'seq'>);
  }

  incr(key: Bytes): number {
    const current = this.live(key);
    const next = String(Number(current?.type === 'string' ? current.value : '0') + 1);
    const expiresAt = current?.expiresAt ?? null;
    this.data.set(key, { type: 'string', value: next, expiresAt });
    return this.emit({ kind: 'string', key, value: next, expiresAt, reason: 'incrby' } as Omit<MutationRecord, 'seq'>);
  }

  hset(key: Bytes, field: Bytes, value: Bytes): number {
    let current = this.live(key);
    if (!current || current.type !== 'hash') {
      current = { type: 'hash', fields: new Map(), expiresAt: null };
      this.data.set(key, current);
    }
    current.fields.set(field, value);
    return this.emit({ kind: 'hash', key, fields: [field, value], replace: false, expiresAt: current.expiresAt, reason: 'hset' } as Omit<MutationRecord, 'seq'>);
  }

  hdel(key: Bytes, field: Bytes): number | null {
    const current = this.live(key);
    if (!current || current.type !== 'hash' || !current.fields.has(field)) return null;
    current.fields.delete(field);
    if (current.fields.size === 0) {
      this.data.delete(key);
      return this.emit({ kind: 'del', key, reason: 'hdel' } as Omit<MutationRecord, 'seq'>);
    }
    return this.emit({ kind: 'hdel', key, fields: [field], reason: 'hdel' } as Omit<MutationRecord, 'seq'>);
  }

  expireAt(key: Bytes, expiresAt: number | null): number | null {
    const current = this.live(key);
    if (!current) return null;
    current.expiresAt = expiresAt;
    return this.emit({ kind: 'ttl', key, expiresAt, reason: expiresAt === null ? 'persist' : 'expire' } as Omit<MutationRecord, 'seq'>);
  }

  del(key: Bytes): number | null {
    if (!this.live(key)) return null;
    this.data.delete(key);
    return this.emit({ kind: 'del', key, reason: 'del' } as Omit<MutationRecord, 'seq'>);
  }

  flush(): number {
    this.data.clear();
    return this.emit({ kind: 'flush', reason: 'flushall' } as Omit<MutationRecord, 'seq'>);
  }

  get(key: Bytes): Bytes | null {
    const current = this.live(key);
    return current?.type === 'string' ? current.value : null;
  }

  // Persistence hooks.
  apply(record: MutationRecord): void {
    this.lastSeq = record.seq;
    switch (record.kind) {
      case 'string':
        this.data.set(record.key, { type: 'string', value: record.value, expiresAt: record.expiresAt });
        return;
      case 'hash': {
        const current = this.data.get(record.key);
        const fields = !record.replace && current?.type === 'hash' ? current.fields : new Map<Bytes, Bytes>();
        for (let i = 0; i < record.fields.length; i += 2) fields.set(record.fields[i], record.fields[i + 1]);
        this.data.set(record.key, { type: 'hash', fields, expiresAt: record.expiresAt });
        return;
      }
      case 'hdel': {
        const current = this.data.get(record.key);
        if (current?.type === 'hash') for (const field of record.fields) current.fields.delete(field);
        return;
      }
      case 'ttl': {
        const current = this.data.get(record.key);
        if (current) current.expiresAt = record.expiresAt;
        return;
      }
      case 'del':
        this.data.delete(record.key);
        return;
      case 'flush':
        this.data.clear();
        return;
    }
  }

  /** Cursor = last key returned; pages walk keys in sorted order (SCAN's guarantee holds). */
  snapshotChunk(cursor: string, count: number): { cursor: string; entries: SnapshotEntry[] } {
    const after = cursor === '0' ? null : cursor.slice(1);
    const keys = [...this.data.keys()].filter((key) => after === null || key > after).sort();
    const page = keys.slice(0, count);
    const entries = page.map((key) => this.entry(key));
    return { cursor: keys.length > count ? `k${page[page.length - 1]}` : '0', entries };
  }

  restoreEntry(entry: SnapshotEntry): void {
    if (entry.type === 'string') this.data.set(entry.key, { type: 'string', value: entry.value, expiresAt: entry.expiresAt });
    else {
      const fields = new Map<Bytes, Bytes>();
      for (let i = 0; i < entry.fields.length; i += 2) fields.set(entry.fields[i], entry.fields[i + 1]);
      this.data.set(entry.key, { type: 'hash', fields, expiresAt: entry.expiresAt });
    }
  }

  /** Engine.restore's contract on top of restoreEntry / apply (the model has no fast path to test). */
  restore<T>(load: (sink: RestoreSink) => T): T {
    const reason = 'restore';
    return load({
      string: (key, value, expiresAt) => this.restoreEntry({ type: 'string', key, value, expiresAt }),
      hash: (key, fields, expiresAt) => this.restoreEntry({ type: 'hash', key, fields, expiresAt }),
      applyString: (seq, key, value, expiresAt) => this.apply({ kind: 'string', seq, reason, key, value, expiresAt }),
      applyHash: (seq, key, fields, replace, expiresAt) => this.apply({ kind: 'hash', seq, reason, key, fields, replace, expiresAt }),
      applyHdel: (seq, key, fields) => this.apply({ kind: 'hdel', seq, reason, key, fields }),
      applyTtl: (seq, key, expiresAt) => this.apply({ kind: 'ttl', seq, reason, key, expiresAt }),
      applyDel: (seq, key) => this.apply({ kind: 'del', seq, reason, key }),
      applyFlush: (seq) => this.apply({ kind: 'flush', seq, reason }),
    });
  }

  finishRestore(): void {
    // nothing to settle: the model always looks keys up
  }

  setNextSeq(seq: number): void {
    this.nextSeq = seq;
    this.lastSeq = seq - 1;
  }

  private entry(key: Bytes): SnapshotEntry {
    const value = this.data.get(key) as Value;
    return value.type === 'string'
      ? { type: 'string', key, value: value.value, expiresAt: value.expiresAt }
      : { type: 'hash', key, fields: [...value.fields].flat(), expiresAt: value.expiresAt };
  }

  /** Live state as plain JSON (expired keys left out), for comparing two engines. */
  dump(now = this.now()): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.data.keys()].sort()) {
      const value = this.data.get(key) as Value;
      if (value.expiresAt !== null && value.expiresAt <= now) continue;
      out[key] = value.type === 'string' ? [value.value, value.expiresAt] : [[...value.fields].sort(), value.expiresAt];
    }
    return out;
  }
}
