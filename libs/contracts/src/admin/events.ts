// The admin socket.io protocol: namespace, event names and payloads shared by the server's
// gateway and the dashboard. The dashboard imports these; it never re-declares them.

export const ADMIN_NAMESPACE = '/admin';

/** Server → dashboard streams. */
export const AdminStream = {
  stats: 'stats',
  keyspace: 'keyspace',
  evictions: 'evictions',
  expirations: 'expirations',
  persistence: 'persistence',
} as const;

/** Dashboard → server commands; each is acknowledged with an AdminAck. */
export const AdminCommand = {
  subscribeKeyspace: 'keyspace:subscribe',
  unsubscribeKeyspace: 'keyspace:unsubscribe',
  setConfig: 'config:set',
  bgsave: 'persistence:bgsave',
  rewrite: 'persistence:rewrite',
  deleteKey: 'key:delete',
} as const;

export type AdminCommandName = (typeof AdminCommand)[keyof typeof AdminCommand];

/** One envelope for every acknowledgement. */
export type AdminAck<T = Record<string, never>> =
  | ({ status: 'ok' } & T)
  | { status: 'error'; error: { code: string; message: string; field?: string } };

/** Sent every second on `stats`. Rates are per second over the last interval. */
export interface StatsFrame {
  at: number;
  opsPerSec: number;
  /** ops/s per command family (string, hash, counter, keyspace, ttl, server). */
  opsByFamily: Record<string, number>;
  /** hits / (hits + misses) over the interval; null when there were no reads. */
  hitRate: number | null;
  keys: number;
  keysWithTtl: number;
  usedMemory: number;
  maxmemory: number;
  maxmemoryPolicy: string;
  evictionsPerSec: number;
  expirationsPerSec: number;
  connectedClients: number;
  persistence: {
    status: 'ok' | 'error' | 'off';
    /** The event log is on (appendonly yes); false: snapshots only, or nothing ('off'). */
    logEnabled: boolean;
    appendfsync: string;
    /** ms since the last successful fsync of the log, null if none. */
    lagMs: number | null;
    logBytes: number;
    bgsaveInProgress: boolean;
    rewriteInProgress: boolean;
    lastError: string | null;
  };
  rateLimit: { allowedPerSec: number; deniedPerSec: number };
}

export interface KeyspaceSubscribeRequest {
  /** Redis glob pattern, e.g. "session:*"; "*" for everything. */
  pattern: string;
}

export type KeyspaceEventKind = 'set' | 'del' | 'expire' | 'evict';

export interface KeyspaceChange {
  kind: KeyspaceEventKind;
  /** The Redis keyspace event name of the change (set, hset, incrby, expired, evicted, ...). */
  event: string;
  /** Key as text (UTF-8 decoded; invalid bytes shown as U+FFFD). */
  key: string;
  /**
   * True when `key` names this key exactly and the HTTP key routes take it: its bytes are UTF-8
   * and at most max-key-length. False: show it, but act on it (open, delete) only by other means,
   * as its text may name another key ("a\xff" and "a\ufffd" read alike).
   */
  addressable: boolean;
  type: 'string' | 'hash' | null;
  /** Remaining TTL in ms, null if none or deleted. */
  ttlMs: number | null;
  /** Estimated bytes, null if deleted. */
  size: number | null;
  seq: number;
}

/** Sent on `keyspace`: coalesced per key over a short window; `dropped` counts changes not sent. */
export interface KeyspaceBatch {
  changes: KeyspaceChange[];
  dropped: number;
}

export interface RemovalEvent {
  at: number;
  key: string;
  /** 'evicted' or 'expired'. */
  reason: 'evicted' | 'expired';
  policy: string;
  usedMemory: number;
  maxmemory: number;
}

export type PersistenceEventKind =
  | 'snapshot-started'
  | 'snapshot-finished'
  | 'snapshot-failed'
  | 'rewrite-started'
  | 'rewrite-finished'
  | 'rewrite-failed'
  | 'fsync-error'
  | 'fsync-recovered'
  | 'recovery-progress'
  | 'recovery-finished';

export interface PersistenceEvent {
  at: number;
  kind: PersistenceEventKind;
  message: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface SetConfigRequest {
  name: string;
  value: string;
}

export interface DeleteKeyRequest {
  key: string;
}

// ---------------------------------------------------------------------------------------------
// Additions by the gateway (compatible with everything above).

/** The connect_error message a client gets when its handshake token is missing or wrong. */
export const ADMIN_UNAUTHORIZED = 'unauthorized';

/** Handshake auth: io(url + ADMIN_NAMESPACE, { auth: { token } }). */
export interface AdminHandshakeAuth {
  token: string;
}

/**
 * Sent on `evictions` and `expirations`: removals batched over a short window (~200 ms), at most
 * a few hundred per batch; `dropped` counts removals in the window that were not sent.
 * `usedMemory` of each event is sampled when the batch is built (at most one window later).
 */
export interface RemovalBatch {
  events: RemovalEvent[];
  dropped: number;
}

/**
 * What each stream carries. Notes:
 * - `stats`: one frame on connect (the latest), then one per second.
 * - `keyspace`: only to sockets that subscribed with `keyspace:subscribe`. A change's `kind` is
 *   'set' when the key exists after it (string/hash writes, HDEL of some fields, TTL changes:
 *   `event` tells which, e.g. 'expire', 'persist', 'hset'), 'del' when a command removed it,
 *   'expire' when it expired, 'evict' when it was evicted. A FLUSHALL is one change with kind
 *   'del', event 'flushall' and key '*'. A batch every ~200 ms with at most 200 changes (the
 *   latest change per key, an even sample when more keys changed); `type`, `ttlMs` and `size`
 *   are the key's state when the batch was built.
 * - `persistence`: on connect the recent history (oldest first, up to 50), then each event live.
 */
export interface AdminStreamPayloads {
  stats: StatsFrame;
  keyspace: KeyspaceBatch;
  evictions: RemovalBatch;
  expirations: RemovalBatch;
  persistence: PersistenceEvent;
}

/**
 * Error codes in error acks: INVALID_PAYLOAD (payload not an object / a field of the wrong type;
 * `field` names the payload field), UNKNOWN_COMMAND (event name not in AdminCommand),
 * UNKNOWN_OPTION (config:set of a name that cannot be changed live; field 'name'), INVALID_VALUE
 * (config:set value refused, e.g. maxmemory 'lots' or policy 'yolo'; `field` is the option name),
 * UNAVAILABLE (persistence is off), or the server's own codes (ERR, OOM, MISCONF, LOADING ...;
 * for config:set `field` is the option name).
 */
export type AdminErrorCode =
  | 'INVALID_PAYLOAD'
  | 'UNKNOWN_COMMAND'
  | 'UNKNOWN_OPTION'
  | 'INVALID_VALUE'
  | 'UNAVAILABLE'
  | (string & {});

/** Payload and ok-ack extra fields of each command. */
export interface AdminCommandShapes {
  'keyspace:subscribe': { request: KeyspaceSubscribeRequest; ok: { pattern: string; patterns: string[] } };
  /** `pattern` omitted: drop every pattern of this socket. */
  'keyspace:unsubscribe': { request: Partial<KeyspaceSubscribeRequest> | undefined; ok: { patterns: string[] } };
  /** `value` in the ok ack is the value now in effect, as CONFIG GET shows it. */
  'config:set': { request: SetConfigRequest; ok: { name: string; value: string } };
  'persistence:bgsave': { request: undefined; ok: { message: string } };
  'persistence:rewrite': { request: undefined; ok: { message: string } };
  'key:delete': { request: DeleteKeyRequest; ok: { deleted: number } };
}

/** maxmemory-policy values (the engine's EVICTION_POLICIES; a server test keeps the two equal). */
export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'volatile-lru',
  'allkeys-lfu',
  'volatile-lfu',
  'allkeys-random',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lrm',
  'volatile-lrm',
] as const;

/** The options `config:set` accepts (others get UNKNOWN_OPTION). */
export const ADMIN_SETTABLE_OPTIONS = [
  'maxmemory',
  'maxmemory-policy',
  'maxmemory-samples',
  'lfu-log-factor',
  'lfu-decay-time',
  'appendonly',
  'appendfsync',
  'save',
  'auto-aof-rewrite-percentage',
  'auto-aof-rewrite-min-size',
] as const;
