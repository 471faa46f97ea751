// What the RESP listener hears of engine writes: WATCH invalidation and keyspace notifications.
// A MutationSink (plain arguments, no record object per write), registered with the engine only
// while some client watches a key or notify-keyspace-events is on. Usually neither is, and then
// the listener costs writes nothing (every sink call is work on every write, from every door).

import type { Bytes, Engine, MutationSink } from '@mnemo/engine';
import type { KeyspaceNotifier } from './pubsub/keyspace-events';
import type { WatchRegistry } from './transaction/watch-registry';

export class RespMutationSink implements MutationSink {
  private remove: (() => void) | null = null;

  constructor(
    private readonly watches: WatchRegistry,
    private readonly notifier: KeyspaceNotifier,
  ) {}

  /** Keeps this sink registered with `engine` exactly while it has something to do; call stop() to end. */
  attach(engine: Pick<Engine, 'addMutationSink'>): void {
    const update = (): void => {
      const needed = this.watches.size > 0 || this.notifier.enabled;
      if (needed && this.remove === null) this.remove = engine.addMutationSink(this);
      else if (!needed && this.remove !== null) this.detach();
    };
    this.watches.onActiveChange = update;
    this.notifier.onActiveChange = update;
    update();
  }

  /** Unregisters from the engine and stops following WATCH and notification changes. */
  stop(): void {
    this.watches.onActiveChange = () => undefined;
    this.notifier.onActiveChange = () => undefined;
    this.detach();
  }

  /** True while registered with the engine. */
  get attached(): boolean {
    return this.remove !== null;
  }

  private detach(): void {
    this.remove?.();
    this.remove = null;
  }

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

  /** FLUSHALL's watchers were dirtied as it began (the engine's 'flush' key event, resp.service.ts). */
  onFlush(): void {
    return;
  }
}
