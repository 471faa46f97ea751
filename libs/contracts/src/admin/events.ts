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
