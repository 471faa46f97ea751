// Keyspace notifications: turns engine mutation records into `__keyspace@0__:<key>` and
// `__keyevent@0__:<event>` messages, filtered by `notify-keyspace-events` as Redis does.
//
// Design note. The flags string picks classes of events and where they go:
//
//   "KEA"  -> K: __keyspace@0__:<key> gets the event name;  E: __keyevent@0__:<event> gets the key;
//             A: g$lshzxetd (every class but key-miss m and new-key n)
//   "Ex"   -> only __keyevent@0__:expired
//
//   SET k v      record { kind: 'string', reason: 'set', key: 'k' }
//                -> class '$'  -> PUBLISH __keyspace@0__:k set ; PUBLISH __keyevent@0__:set k
//   HDEL h f     (last field) record { kind: 'del', reason: 'hdel' } -> 'hdel' (class h), then 'del' (class g)
//   expiry       record { kind: 'del', reason: 'expired' } -> class 'x'
//
//   a key created      engine key event 'new'     -> class 'n' (before the write's own event)
//   GET of a missing key  engine key event 'keymiss' -> class 'm'
//   SET k v EX 10      record 'set', then engine key event 'expire' -> class 'g', as Redis
//
// With no subscriber at all, or no flags, a record or key event costs one check.

import type { KeyRecordKind } from '@mnemo/engine';
import type { PubSubHub } from './pubsub-hub';

import { CLASS_BITS, KEYEVENT, KEYSPACE, parseKeyspaceEvents } from '../../config/keyspace-event-flags';

export { formatKeyspaceEvents, parseKeyspaceEvents } from '../../config/keyspace-event-flags';

const EVENT_CLASSES: Record<string, string> = {
  set: '$',
  setrange: '$',
  incrby: '$',
  incrbyfloat: '$',
  append: '$',
  hset: 'h',
  hincrby: 'h',
  hincrbyfloat: 'h',
  hdel: 'h',
  del: 'g',
  expire: 'g',
  persist: 'g',
  rename_from: 'g',
  rename_to: 'g',
  copy_to: 'g',
  restore: 'g',
  expired: 'x',
  evicted: 'e',
  new: 'n',
};

function classOf(kind: KeyRecordKind, reason: string): number {
  const known = EVENT_CLASSES[reason];
  if (known) return CLASS_BITS[known];
  if (kind === 'string') return CLASS_BITS.$;
  if (kind === 'hash' || kind === 'hdel') return CLASS_BITS.h;
  return CLASS_BITS.g;
}

export class KeyspaceNotifier {
  private flags = 0;
  /** Called after every configure (notifications may have been switched on or off). */
  onActiveChange: () => void = () => undefined;

  constructor(private readonly hub: PubSubHub) {}

  /** Applies a validated flag string (config value). */
  configure(text: string): void {
    this.flags = parseKeyspaceEvents(text);
    this.onActiveChange();
  }

  /** True when some notification class is on (the listener then needs to hear every change). */
  get enabled(): boolean {
    return this.flags !== 0;
  }

  /** A key changed (every record kind but flush, which Redis does not notify). */
  changed(kind: KeyRecordKind, reason: string, key: string): void {
    if (this.flags === 0 || this.hub.empty) return;
    this.notify(classOf(kind, reason), reason, key);
    // Redis follows the hdel of a hash's last field with a generic del.
    if (kind === 'del' && reason === 'hdel') this.notify(CLASS_BITS.g, 'del', key);
  }

  /** Engine key-event listener: 'new' (class n) and 'keymiss' (class m), which 'A' leaves out, and a SET's 'expire' (class g). */
  onKeyEvent(event: 'new' | 'keymiss' | 'expire', key: string): void {
    if (this.flags === 0 || this.hub.empty) return;
    this.notify(event === 'new' ? CLASS_BITS.n : event === 'keymiss' ? CLASS_BITS.m : CLASS_BITS.g, event, key);
  }

  private notify(eventClass: number, event: string, key: string): void {
    if (!(this.flags & eventClass)) return;
    if (this.flags & KEYSPACE) this.hub.publish(`__keyspace@0__:${key}`, event);
    if (this.flags & KEYEVENT) this.hub.publish(`__keyevent@0__:${event}`, key);
  }
}
