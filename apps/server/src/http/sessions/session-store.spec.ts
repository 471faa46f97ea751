// Sessions in the engine under a fake clock: expiry, rolling reads, touch, versions, the
// per-user index and its maximum.

import { bytesFromText, Engine, ManualClock } from '@mnemo/engine';
import { mergePatch } from './merge-patch';
import { dataBytes, SessionStore } from './session-store';

function setup() {
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new Engine({ clock });
  return { clock, engine, store: new SessionStore(engine, clock) };
}

const create = (store: SessionStore, ttlMs = 1000, userId: string | null = null, maxPerUser = 0) =>
  store.create({ dataJson: dataBytes({ a: 1 }), ttlMs, userId, maxPerUser });

describe('SessionStore', () => {
  it('expires a session after its TTL; a rolling get pushes the expiry', () => {
    const { clock, store } = setup();
    const session = create(store, 1000);
    clock.advance(900);
    expect(store.get(session.id, true)?.expiresAt).toBe(clock.now() + 1000);
    clock.advance(900);
    expect(store.get(session.id, false)).not.toBeNull();
    clock.advance(100);
    expect(store.get(session.id, false)).not.toBeNull(); // at its expiry ms, as Redis (expired when now > at)
    clock.advance(1);
    expect(store.get(session.id, false)).toBeNull();
  });

  it('touch restarts the TTL, optionally with a new one that later touches reuse', () => {
    const { clock, store } = setup();
    const session = create(store, 1000);
    clock.advance(500);
    expect(store.touch(session.id, 5000)?.expiresAt).toBe(clock.now() + 5000);
    clock.advance(4000);
    expect(store.touch(session.id, undefined)?.expiresAt).toBe(clock.now() + 5000);
    expect(store.touch('missing', undefined)).toBeNull();
  });

  it('updates only at the expected version and bumps it', () => {
    const { store } = setup();
    const session = create(store);
    const replace = () => dataBytes({ b: 2 });
    expect(store.update(session.id, replace, 2, undefined)).toEqual({ ok: false, reason: 'version', current: 1 });
    const updated = store.update(session.id, (current) => dataBytes(mergePatch(current, { b: 2 })), 1, undefined);
    expect(updated).toMatchObject({ ok: true, value: { version: 2, data: { a: 1, b: 2 } } });
    expect(store.update('missing', replace, undefined, undefined)).toEqual({ ok: false, reason: 'not-found' });
  });

  it('keeps the user index in step: expired sessions drop out, the index expires with the last one', () => {
    const { clock, engine, store } = setup();
    const user = bytesFromText('ünï');
    const short = create(store, 1000, user);
    const long = create(store, 5000, user);
    expect(store.listUser(user).map((session) => session.id)).toEqual([short.id, long.id]);
    expect(engine.keyInfo(`user-sessions:${user}`)?.expiresAt).toBe(long.expiresAt);
    clock.advance(1001);
    expect(store.listUser(user).map((session) => session.id)).toEqual([long.id]);
    clock.advance(4000);
    expect(engine.keyInfo(`user-sessions:${user}`)).toBeNull();
    expect(store.listUser(user)).toEqual([]);
  });

  it('destroys the oldest sessions beyond the per-user maximum, even within one ms', () => {
    const { store } = setup();
    const ids = Array.from({ length: 4 }, () => create(store, 1000, 'u', 2).id);
    expect(store.listUser('u').map((session) => session.id)).toEqual(ids.slice(2));
    expect(store.get(ids[0], false)).toBeNull();
    expect(store.destroyUser('u')).toBe(2);
    expect(store.listUser('u')).toEqual([]);
  });
});

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces the rest, and never touches prototypes', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: 5 })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: 5 });
    expect(mergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(mergePatch({ a: 1 }, 'x')).toBe('x');
    const patched = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(Object.keys(patched)).toEqual(['__proto__']);
  });
});
