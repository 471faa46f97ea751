// What the RESP listener hears of every engine write: WATCH invalidation and keyspace notifications.
// A MutationSink (plain arguments, no record object per write); both consumers return at once
// when no client watches a key and no notification is configured, which is the common case.

import type { Bytes, MutationSink } from '@mnemo/engine';
import type { KeyspaceNotifier } from './pubsub/keyspace-events';
import type { WatchRegistry } from './transaction/watch-registry';

export class RespMutationSink implements MutationSink {
  constructor(
    private readonly watches: WatchRegistry,
    private readonly notifier: KeyspaceNotifier,
  ) {}

  onString(_seq: number, key: Bytes, _value: Bytes, _expiresAt: number | null, reason: string): void {
    this.watches.touched(key);
    this.notifier.changed('string', reason, key);
  }

  onHash(_seq: number, key: Bytes, _fields: Bytes[], _replace: boolean, _expiresAt: number | null, reason: string): void {
    this.watches.touched(key);
    this.notifier.changed('hash', reason, key);
  }

  onHdel(_seq: number, key: Bytes): void {
    this.watches.touched(key);
    this.notifier.changed('hdel', 'hdel', key);
  }

  onTtl(_seq: number, key: Bytes, _expiresAt: number | null, reason: string): void {
    this.watches.touched(key);
    this.notifier.changed('ttl', reason, key);
  }

  onDel(_seq: number, key: Bytes, reason: string): void {
    this.watches.touched(key);
    this.notifier.changed('del', reason, key);
  }

  onFlush(): void {
    this.watches.touchedAll();
  }
}
