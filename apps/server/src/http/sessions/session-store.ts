// Sessions kept in the engine, so they persist, expire and are evicted like any key.
//
// Design note. Layout (visible over RESP, e.g. `HGETALL session:<id>`):
//
//   session:<id>          hash  data       JSON text of the session object (UTF-8)
//                               user       user id ("" if none)
//                               version    1, 2, ... (+1 per update; optimistic checks)
//                               createdAt  ms since epoch        updatedAt  ms since epoch
//                               ttlMs      the session's TTL (rolling gets and touch reuse it)
//                         the key's own expiry is the session's expiry.
//   user-sessions:<user>  hash  <id> -> createdAt|seq, one field per session of the user; expires
//                         with the user's longest-living session. Entries whose session has
//                         expired or been evicted are pruned when the index is next read. Every
//                         read of a session through this API also TOUCHes its user's index, so
//                         under an LRU or LFU policy the index is never colder than the user's
//                         sessions and is not evicted before them (log-out-everywhere and
//                         maxPerUser find sessions through it). A create also prunes the index
//                         once it has doubled since its last prune (so a user who keeps logging in
//                         while old sessions expire keeps an index of about twice the live ones,
//                         at an amortized cost of ~2 session lookups a create).
//
// Example: create { userId: "u1", ttlMs: 60000, data: { cart: 2 } } at t=1000 ->
//   HSET session:Xy.. data {"cart":2} user u1 version 1 createdAt 1000 updatedAt 1000 ttlMs 60000
//   PEXPIREAT session:Xy.. 61000 ; HSET user-sessions:u1 Xy.. 1000|<seq> ; PEXPIREAT user-sessions:u1 61000
//
// Ids are 24 bytes from crypto.randomBytes (192 bits) in base64url (32 characters). Every method
// is one synchronous run of engine calls, so a version check and its write are atomic.

import { randomBytes } from 'node:crypto';
import { bytesFromText, bytesToText, MnemoError } from '@mnemo/engine';
import type { Bytes, Clock, Engine } from '@mnemo/engine';
import { MAX_SESSION_DATA_DEPTH, nestedDeeperThan } from '@mnemo/contracts';
import type { SessionView } from '@mnemo/contracts';

export const SESSION_PREFIX = 'session:';
export const USER_INDEX_PREFIX = 'user-sessions:';

/** Users whose last prune size is remembered (in memory; a forgotten user is pruned at 16 entries). */
const PRUNE_MEMORY = 10_000;
const PRUNE_FLOOR = 8;

export type SessionOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'version'; current: number };

interface StoredSession {
  id: string;
  fields: Map<string, Bytes>;
  /** Set for an index entry whose key was rewritten over RESP into a string: view() refuses it. */
  holdsString?: true;
}

function pairs(flat: Bytes[]): Map<string, Bytes> {
  const map = new Map<string, Bytes>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
  return map;
}

export class SessionStore {
  /** Live entries each user's index kept at its last prune (insertion order = least recent first). */
  private readonly prunedTo = new Map<Bytes, number>();

  constructor(
    private readonly engine: Engine,
    private readonly clock: Clock,
  ) {}

  static newId(): string {
    return randomBytes(24).toString('base64url');
  }

  /**
   * Creates a session. With a user id and maxPerUser > 0, the user's oldest sessions are
   * destroyed first so that the user has at most maxPerUser afterwards.
   */
  create(input: { dataJson: Bytes; ttlMs: number; userId: Bytes | null; maxPerUser: number }): SessionView {
    const id = SessionStore.newId();
    const now = this.clock.now();
    const key = SESSION_PREFIX + id;
    const expiresAt = now + input.ttlMs;
    if (input.userId !== null) this.checkIndex(input.userId); // before any write: a refused create leaves nothing behind
    if (input.userId !== null && input.maxPerUser > 0) this.evictOldest(input.userId, input.maxPerUser - 1);
    const createdAt = String(now);
    this.engine.execute(['HSET', key, 'data', input.dataJson, 'user', input.userId ?? '', 'version', '1', 'createdAt', createdAt, 'updatedAt', createdAt, 'ttlMs', String(input.ttlMs)]);
    this.engine.execute(['PEXPIREAT', key, String(expiresAt)]);
    if (input.userId !== null) {
      const indexKey = USER_INDEX_PREFIX + input.userId;
      // createdAt|seq: the seq of the session's own record orders sessions created in one ms.
      this.engine.execute(['HSET', indexKey, id, `${createdAt}|${this.engine.lastSeq}`]);
      this.extendIndex(input.userId, expiresAt);
      this.pruneIfDoubled(input.userId);
    }
    return this.view(this.readOrFail(id));
  }

  /** The session's version, or null when there is no such session. */
  version(id: string): number | null {
    const session = this.read(id);
    return session ? this.view(session).version : null;
  }

  /** Reads a session; `rolling` moves its expiry to now + its ttlMs. */
  get(id: string, rolling: boolean): SessionView | null {
    const session = this.read(id);
    if (!session) return null;
    const current = this.view(session); // WRONGTYPE before any write if it is not a session
    this.touchIndex(session);
    if (!rolling) return current;
    this.expire(session, current.ttlMs);
    return this.view(session);
  }

  /**
   * Replaces the data (the caller computed it from `current`) when the version matches
   * `expectedVersion` (if given); version + 1. `ttlMs` also restarts the expiry.
   */
  update(id: string, compute: (current: unknown) => Bytes, expectedVersion: number | undefined, ttlMs: number | undefined): SessionOutcome<SessionView> {
    const session = this.read(id);
    if (!session) return { ok: false, reason: 'not-found' };
    const current = this.view(session);
    const version = current.version;
    if (expectedVersion !== undefined && expectedVersion !== version) return { ok: false, reason: 'version', current: version };
    this.touchIndex(session);
    const dataJson = compute(current.data);
    const argv = ['HSET', SESSION_PREFIX + id, 'data', dataJson, 'version', String(version + 1), 'updatedAt', String(this.clock.now())];
    if (ttlMs !== undefined) argv.push('ttlMs', String(ttlMs));
    this.engine.execute(argv);
    const updated = this.readOrFail(id);
    if (ttlMs !== undefined) this.expire(updated, ttlMs);
    return { ok: true, value: this.view(updated) };
  }

  /** Restarts the expiry at now + ttlMs (or the session's own ttlMs). */
  touch(id: string, ttlMs: number | undefined): SessionView | null {
    const session = this.read(id);
    if (!session) return null;
    this.view(session); // WRONGTYPE before any write if it is not a session
    this.touchIndex(session);
    if (ttlMs !== undefined) {
      this.engine.execute(['HSET', SESSION_PREFIX + id, 'ttlMs', String(ttlMs)]);
      session.fields.set('ttlMs', String(ttlMs));
    }
    this.expire(session, Number(session.fields.get('ttlMs')));
    return this.view(session);
  }

  /** Destroys a session; false if there was none. */
  destroy(id: string): boolean {
    const session = this.read(id);
    if (!session) return false;
    this.view(session); // WRONGTYPE, and nothing deleted, if it is not a session
    this.engine.del([SESSION_PREFIX + id]);
    const user = session.fields.get('user');
    if (user) this.dropFromIndex(user, [id]);
    return true;
  }

  /**
   * The user's live sessions, oldest first (stale index entries are pruned). A session:<id> hash
   * rewritten over RESP into something that is not a session is left out, so one damaged entry
   * does not hide the others (reading it by id answers WRONGTYPE; log-out-everywhere removes it).
   */
  listUser(userId: Bytes): SessionView[] {
    const views: SessionView[] = [];
    for (const session of this.liveSessionsOf(userId)) {
      try {
        views.push(this.view(session));
      } catch (error) {
        if (!(error instanceof MnemoError && error.code === 'WRONGTYPE')) throw error;
      }
    }
    return views;
  }

  /** Destroys every session of the user ("log out everywhere"); returns how many. */
  destroyUser(userId: Bytes): number {
    const sessions = this.liveSessionsOf(userId);
    if (sessions.length > 0) this.engine.del(sessions.map((session) => SESSION_PREFIX + session.id));
    this.engine.del([USER_INDEX_PREFIX + userId]);
    return sessions.length;
  }

  private read(id: string): StoredSession | null {
    const flat = this.engine.hgetall(SESSION_PREFIX + id);
    if (!flat || flat.length === 0) return null;
    return { id, fields: pairs(flat) };
  }

  /** Reads a session this same synchronous run just wrote (so it exists). */
  private readOrFail(id: string): StoredSession {
    const session = this.read(id);
    if (!session) throw new Error(`session ${id} vanished while being written`);
    return session;
  }

  private expire(session: StoredSession, ttlMs: number): void {
    const expiresAt = this.clock.now() + ttlMs;
    this.engine.execute(['PEXPIREAT', SESSION_PREFIX + session.id, String(expiresAt)]);
    const user = session.fields.get('user');
    if (user) this.extendIndex(user, expiresAt);
  }

  /** An access to the user's index (LRU/LFU), not a write: see the design note. */
  private touchIndex(session: StoredSession): void {
    const user = session.fields.get('user');
    if (user) this.engine.execute(['TOUCH', USER_INDEX_PREFIX + user]);
  }

  /** The index lives as long as the user's longest-living session. */
  private extendIndex(userId: Bytes, expiresAt: number): void {
    const indexKey = USER_INDEX_PREFIX + userId;
    const info = this.engine.keyInfo(indexKey);
    if (!info) return;
    if (info.expiresAt === null || info.expiresAt < expiresAt) this.engine.execute(['PEXPIREAT', indexKey, String(expiresAt)]);
  }

  private dropFromIndex(userId: Bytes, ids: string[]): void {
    const indexKey = USER_INDEX_PREFIX + userId;
    if (this.engine.keyInfo(indexKey)) this.engine.execute(['HDEL', indexKey, ...ids]);
  }

  /** WRONGTYPE when the user's index key holds something else than a hash (written over RESP). */
  private checkIndex(userId: Bytes): void {
    const info = this.engine.keyInfo(USER_INDEX_PREFIX + userId);
    if (info !== null && info.type !== 'hash') throw new MnemoError('WRONGTYPE', `${USER_INDEX_PREFIX}${userId} does not hold a session index (it holds a ${info.type})`);
  }

  /** Live sessions of a user, oldest first; prunes index entries whose session is gone. */
  private liveSessionsOf(userId: Bytes): StoredSession[] {
    this.checkIndex(userId);
    const index = this.engine.hgetall(USER_INDEX_PREFIX + userId);
    if (!index) return [];
    const live: Array<StoredSession & { createdAt: number; seq: number }> = [];
    const stale: string[] = [];
    for (const [id, order] of pairs(index)) {
      const [createdAt, seq] = order.split('|').map(Number);
      const session = this.readListed(id);
      if (session && (session.holdsString || session.fields.get('user') === userId)) live.push({ ...session, createdAt, seq: seq || 0 });
      else stale.push(id);
    }
    if (stale.length > 0) this.dropFromIndex(userId, stale);
    return live.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
  }

  /**
   * A session listed in a user's index, as read() reads it; a key rewritten into a string is kept
   * as the user's damaged entry (lists leave it out, log-out-everywhere deletes it) instead of
   * failing the whole user with WRONGTYPE.
   */
  private readListed(id: string): StoredSession | null {
    try {
      return this.read(id);
    } catch (error) {
      if (error instanceof MnemoError && error.code === 'WRONGTYPE') return { id, fields: new Map(), holdsString: true };
      throw error;
    }
  }

  /** Prunes the user's index of ended sessions once it has doubled since its last prune. */
  private pruneIfDoubled(userId: Bytes): void {
    const entries = Number(this.engine.execute(['HLEN', USER_INDEX_PREFIX + userId]));
    if (entries < 2 * (this.prunedTo.get(userId) ?? PRUNE_FLOOR)) return;
    const live = this.liveSessionsOf(userId).length;
    this.prunedTo.delete(userId);
    this.prunedTo.set(userId, Math.max(PRUNE_FLOOR, live));
    if (this.prunedTo.size > PRUNE_MEMORY) this.prunedTo.delete(this.prunedTo.keys().next().value as Bytes);
  }

  /** Destroys the user's oldest sessions until at most `keep` remain. */
  private evictOldest(userId: Bytes, keep: number): void {
    const sessions = this.liveSessionsOf(userId);
    const excess = sessions.slice(0, Math.max(0, sessions.length - keep));
    if (excess.length === 0) return;
    this.engine.del(excess.map((session) => SESSION_PREFIX + session.id));
    this.dropFromIndex(userId, excess.map((session) => session.id));
  }

  /** The API's view of a stored session; WRONGTYPE naming the field if the hash is not one (written over RESP). */
  private view(session: StoredSession): SessionView {
    const fields = session.fields;
    const notASession = (why: string) => new MnemoError('WRONGTYPE', `${SESSION_PREFIX}${session.id} does not hold a session (${why})`);
    if (session.holdsString) throw notASession('it holds a string');
    const text = bytesToText(fields.get('data') ?? '');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw notASession('its data field is not JSON');
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw notASession('its data field is not a JSON object');
    // Data written over RESP may nest deeper than the API accepts, and serializing it recurses
    // (thousands of levels overflow the stack): refused as not a session, before any write.
    // Nesting past the limit takes at least two characters a level, so short data is not walked.
    if (text.length > 2 * MAX_SESSION_DATA_DEPTH && nestedDeeperThan(data, MAX_SESSION_DATA_DEPTH)) {
      throw notASession(`its data is nested deeper than ${MAX_SESSION_DATA_DEPTH} levels`);
    }
    const integer = (name: string, min: number): number => {
      const text = fields.get(name) ?? '';
      const value = Number(text);
      if (!/^\d{1,16}$/.test(text) || value < min) throw notASession(`its ${name} field is not an integer of at least ${min}`);
      return value;
    };
    const info = this.engine.keyInfo(SESSION_PREFIX + session.id);
    const expiresAt = info?.expiresAt ?? 0;
    const user = fields.get('user') ?? '';
    return {
      id: session.id,
      userId: user ? bytesToText(user) : null,
      data: data as Record<string, unknown>,
      version: integer('version', 1),
      createdAt: integer('createdAt', 0),
      updatedAt: integer('updatedAt', 0),
      expiresAt,
      ttlMs: integer('ttlMs', 0),
    };
  }
}

/** Serializes session data as the UTF-8 bytes of its JSON. */
export function dataBytes(data: unknown): Bytes {
  return bytesFromText(JSON.stringify(data));
}
