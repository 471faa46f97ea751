'use client';
// One socket.io connection to the server's /admin namespace per tab, shared by every page: it
// feeds the LiveStore, re-subscribes after reconnects and sends commands with acks.

import { createContext, ReactNode, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { io, Socket } from 'socket.io-client';
import {
  ADMIN_NAMESPACE,
  ADMIN_UNAUTHORIZED,
  AdminAck,
  AdminCommand,
  AdminCommandName,
  AdminStream,
  KeyspaceBatch,
  PersistenceEvent,
  RemovalBatch,
  StatsFrame,
} from '@mnemo/contracts';
import { MnemoClient } from '../mnemo-client';
import { LiveSnapshot, LiveStore } from './live-store';

/** Browser HTTP calls go through the same-origin proxy (app/api/mnemo). */
const PROXY_BASE = '/api/mnemo';

/** How long a command waits for its ack before it is reported as failed. */
const ACK_TIMEOUT_MS = 5000;

export interface LiveApi {
  store: LiveStore;
  /** HTTP API client for the browser, signed with the operator's token. */
  http: MnemoClient;
  /** Sends a command and resolves with its ack; never rejects (transport failures become error acks). */
  command<T = Record<string, never>>(name: AdminCommandName, payload?: unknown): Promise<AdminAck<T>>;
  /** Streams keyspace changes for `pattern` to `listener` until the returned function is called. */
  watchKeyspace(pattern: string, listener: (batch: KeyspaceBatch) => void): () => void;
}

const LiveContext = createContext<LiveApi | null>(null);

/**
 * Opens the connection when mounted and closes it when unmounted. Reconnection is socket.io's
 * (exponential back-off up to 5 s), except after a refusal (bad token), which needs a new login,
 * and after a server-side disconnect, which socket.io does not retry by itself.
 */
export function LiveProvider({ serverUrl, token, children }: { serverUrl: string; token: string; children: ReactNode }) {
  const api = useMemo(() => createLive(serverUrl, token), [serverUrl, token]);
  useEffect(() => api.start(), [api]);
  return <LiveContext.Provider value={api}>{children}</LiveContext.Provider>;
}

function createLive(serverUrl: string, token: string): LiveApi & { start(): () => void } {
  const store = new LiveStore();
  const patterns = new Map<string, number>();
  let socket: Socket | null = null;

  const start = () => {
    const s: Socket = io(serverUrl + ADMIN_NAMESPACE, {
      auth: { token },
      // WebSocket only: no long-polling requests, so no CORS preflights against the server.
      transports: ['websocket'],
      reconnectionDelayMax: 5000,
    });
    socket = s;
    store.setConnection('connecting');
    s.on('connect', () => {
      store.setConnection('connected');
      for (const pattern of patterns.keys()) s.emit(AdminCommand.subscribeKeyspace, { pattern }, noop);
    });
    s.on('connect_error', (error: Error) => {
      if (error.message === ADMIN_UNAUTHORIZED) {
        // The saved token is refused (a restarted server generates a new one unless
        // MNEMO_ADMIN_TOKEN is set): forget it and go to the login page, which says why.
        store.setConnection('unauthorized', error.message);
        const here = window.location.pathname + window.location.search;
        window.location.assign(`/login/refused?next=${encodeURIComponent(here)}`);
      } else if (!s.active) {
        store.setConnection('unauthorized', error.message);
      } else {
        store.setConnection('reconnecting', error.message);
      }
    });
    s.on('disconnect', (reason) => {
      store.setConnection('reconnecting', reason);
      // The server closed the socket (e.g. restart draining clients): socket.io won't retry.
      if (reason === 'io server disconnect') s.connect();
    });
    s.on(AdminStream.stats, (frame: StatsFrame) => store.pushStats(frame));
    s.on(AdminStream.evictions, (batch: RemovalBatch) => store.pushRemovals(batch));
    s.on(AdminStream.expirations, (batch: RemovalBatch) => store.pushRemovals(batch));
    s.on(AdminStream.persistence, (event: PersistenceEvent) => store.pushPersistenceEvent(event));
    s.on(AdminStream.keyspace, (batch: KeyspaceBatch) => store.pushKeyspace(batch));
    return () => {
      s.removeAllListeners();
      s.disconnect();
      socket = null;
      store.setConnection('offline');
    };
  };

  const command = async <T,>(name: AdminCommandName, payload: unknown = {}): Promise<AdminAck<T>> => {
    const s = socket;
    if (!s || !s.connected) {
      return { status: 'error', error: { code: 'NOT_CONNECTED', message: 'Not connected to the server; retrying…' } };
    }
    try {
      return (await s.timeout(ACK_TIMEOUT_MS).emitWithAck(name, payload)) as AdminAck<T>;
    } catch (error) {
      return { status: 'error', error: { code: 'TIMEOUT', message: `No answer from the server: ${(error as Error).message}` } };
    }
  };

  const watchKeyspace = (pattern: string, listener: (batch: KeyspaceBatch) => void) => {
    const off = store.onKeyspace(listener);
    const count = patterns.get(pattern) ?? 0;
    patterns.set(pattern, count + 1);
    if (count === 0 && socket?.connected) socket.emit(AdminCommand.subscribeKeyspace, { pattern }, noop);
    return () => {
      off();
      const left = (patterns.get(pattern) ?? 1) - 1;
      if (left > 0) {
        patterns.set(pattern, left);
      } else {
        patterns.delete(pattern);
        if (socket?.connected) socket.emit(AdminCommand.unsubscribeKeyspace, { pattern }, noop);
      }
    };
  };

  return { store, http: new MnemoClient(PROXY_BASE, token), start, command, watchKeyspace };
}

function noop(): void {
  // Subscription acks carry nothing the UI needs; errors show up as a silent table.
}

export function useLive(): LiveApi {
  const api = useContext(LiveContext);
  if (!api) throw new Error('useLive() outside <LiveProvider>');
  return api;
}

/** The live snapshot; re-renders the caller on every change. */
export function useLiveSnapshot(): LiveSnapshot {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
