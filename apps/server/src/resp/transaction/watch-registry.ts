// WATCH bookkeeping: which clients watch which keys, and marking them dirty when a key changes.

import type { RespClient } from '../resp-client';

export class WatchRegistry {
  private readonly byKey = new Map<string, Set<RespClient>>();
  /** Called when a first key is watched and when no key is watched any more (may repeat). */
  onActiveChange: () => void = () => undefined;

  get size(): number {
    return this.byKey.size;
  }

  watch(client: RespClient, key: string): void {
    if (client.watched.has(key)) return;
    client.watched.add(key);
    let watchers = this.byKey.get(key);
    if (!watchers) this.byKey.set(key, (watchers = new Set()));
    watchers.add(client);
    if (this.byKey.size === 1) this.onActiveChange();
  }

  /** Forgets every key `client` watches and clears its dirty flag (UNWATCH, EXEC, DISCARD, RESET, close). */
  unwatchAll(client: RespClient): void {
    for (const key of client.watched) {
      const watchers = this.byKey.get(key);
      if (!watchers) continue;
      watchers.delete(client);
      if (watchers.size === 0) this.byKey.delete(key);
    }
    client.watched.clear();
    client.watchDirty = false;
    if (this.byKey.size === 0) this.onActiveChange();
  }

  /** Any change to a watched key (expiry and eviction included) dirties its watchers. */
  touched(key: string): void {
    if (this.byKey.size === 0) return;
    const watchers = this.byKey.get(key);
    if (watchers) for (const client of watchers) client.watchDirty = true;
  }

  /** FLUSHALL, as it begins: the watchers of every watched key that `exists` are dirty. */
  touchedWhere(exists: (key: string) => boolean): void {
    for (const [key, watchers] of this.byKey) if (exists(key)) for (const client of watchers) client.watchDirty = true;
  }
}
