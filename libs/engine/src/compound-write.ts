// One write made of several commands: a transaction's EXEC, a script, or a host operation of
// several steps (an HTTP session create: the session's HSET, its PEXPIREAT, the user index's
// HSET). Used through Engine.compound.
//
// Design note: maxmemory inside such a write. A command alone either fits or is refused whole
// (Keyspace.reserve), but a write of several commands refused halfway would leave the steps
// before it applied, and an eviction made for a later step could pick a key an earlier step just
// wrote (a new session evicted by its own index entry). Redis has the same problem for scripts
// and answers it in scriptVerifyOOM: "commands that could enlarge the memory usage are not
// allowed, but only if this is the first write in the context of this script, otherwise we can't
// stop in the middle". So here, likewise:
//   - until the compound has written anything, a step that does not fit is refused with OOM, and
//     nothing has changed (evictions and expirations are changes of their own, not the compound's);
//   - once it has written, a later step still evicts per policy to make room, but is never
//     refused: if nothing more can go, the write finishes over maxmemory (as a Redis script may),
//     and the next command's own check brings memory back under the limit or refuses it;
//   - eviction never picks a key the compound has written.
import type { Bytes } from './bytes';
import type { MutationSink } from './mutation';

/** Listens to the records of one compound write (a mutation sink for its duration). */
export class CompoundWrite implements MutationSink {
  /** True once the compound has changed a key (not counting evictions and expirations). */
  wrote = false;
  /** The keys it has written: eviction must not pick them. */
  readonly keys = new Set<Bytes>();

  private written(key: Bytes): void {
    this.wrote = true;
    this.keys.add(key);
  }

  onString(_seq: number, key: Bytes): void {
    this.written(key);
  }

  onHash(_seq: number, key: Bytes): void {
    this.written(key);
  }

  onHdel(_seq: number, key: Bytes): void {
    this.written(key);
  }

  onTtl(_seq: number, key: Bytes): void {
    this.written(key);
  }

  onDel(_seq: number, _key: Bytes, reason: string): void {
    if (reason !== 'evicted' && reason !== 'expired') this.wrote = true;
  }

  onFlush(): void {
    this.wrote = true;
  }
}
