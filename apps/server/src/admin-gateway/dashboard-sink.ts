// What the dashboards hear of engine writes, registered only while one is connected: evictions
// and expirations always, key changes while some dashboard follows the keyspace. The engine's
// sampled sink: every removal, and one value change in the keyspace feed's stride (see
// SampledSinkHandle in the engine's mutation.ts); plain arguments, no record object per write.

import type { Bytes, MutationSink } from '@mnemo/engine';
import type { KeyspaceFeed } from './keyspace-feed';
import type { RemovalFeed } from './removal-feed';

export class DashboardSink implements MutationSink {
  constructor(
    private readonly removals: RemovalFeed,
    private readonly keyspace: KeyspaceFeed,
  ) {}

  onString(seq: number, key: Bytes, _value: Bytes, _expiresAt: number | null, reason: string): void {
    if (this.keyspace.active) this.keyspace.changed(seq, 'string', key, reason);
  }

  onHash(seq: number, key: Bytes, _fields: Bytes[], _replace: boolean, _expiresAt: number | null, reason: string): void {
    if (this.keyspace.active) this.keyspace.changed(seq, 'hash', key, reason);
  }

  onHdel(seq: number, key: Bytes): void {
    if (this.keyspace.active) this.keyspace.changed(seq, 'hdel', key, 'hdel');
  }

  onTtl(seq: number, key: Bytes, _expiresAt: number | null, reason: string): void {
    if (this.keyspace.active) this.keyspace.changed(seq, 'ttl', key, reason);
  }

  onDel(seq: number, key: Bytes, reason: string): void {
    this.removals.removed(key, reason);
    if (this.keyspace.active) this.keyspace.removed(seq, key, reason);
  }

  onFlush(seq: number, reason: string): void {
    if (this.keyspace.active) this.keyspace.flushed(seq, reason);
  }
}
