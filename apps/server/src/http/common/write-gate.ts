// Wraps every write of the HTTP API so it follows the durability contract (core/durability.ts):
// refuse with MISCONF while the log cannot commit, and answer only once the write's record is
// as durable as the fsync policy promises.

import type { KeyspaceService } from '../../core/keyspace.service';

/**
 * Runs `write` (a synchronous sequence of engine calls, hence atomic) and resolves with its
 * result after the records it emitted are durable. Throws the durability's MISCONF error before
 * running anything if the log is failing; engine errors (WRONGTYPE, OOM, ...) propagate as is.
 */
export async function commitWrite<T>(keyspace: KeyspaceService, write: () => T): Promise<T> {
  const failure = keyspace.durability.writeError();
  if (failure) throw failure;
  const engine = keyspace.engine;
  const before = engine.lastSeq;
  // One time for the whole write, as a RESP command run has (turn-clock.ts): a session created
  // with a 1 ms TTL must not expire between its HSET and the read that answers it.
  const clock = keyspace.clock;
  clock.enter();
  let result: T;
  try {
    // The steps are one write for maxmemory (an HTTP session create is three commands): only a
    // step before the first change may be refused with OOM, and eviction spares the keys it wrote.
    result = engine.compound(write);
  } finally {
    clock.exit();
  }
  const after = engine.lastSeq;
  if (after === before) {
    // Wrote nothing (a denied rate-limit check) but may show a write not yet durable: the fast
    // lane answers without Fastify's onSend hook (useReadFence), so the fence is here too.
    await readFence(keyspace);
  } else if (!keyspace.durability.isDurable(after)) {
    await keyspace.durability.waitFor(after);
  }
  return result;
}

/**
 * Under appendfsync always, resolves once the newest write an answer may show is committed
 * (Durability.readsWait): a GET must not show a value that a crash then takes back. Undefined
 * when there is nothing to wait for (everysec, no, or all committed), so answers pay no promise.
 * Never rejects: a failed commit does not hold a read back (reads go on while the log fails).
 */
function readFence(keyspace: KeyspaceService): Promise<void> | undefined {
  const durability = keyspace.durability;
  if (!durability.readsWait()) return undefined;
  const seq = keyspace.engine.lastSeq;
  return durability.isDurable(seq) ? undefined : durability.waitFor(seq).catch(() => undefined);
}

type OnSendHook = (request: unknown, reply: unknown, payload: unknown, done: (error: null, payload: unknown) => void) => void;

/** Holds every Fastify answer behind readFence (a callback hook: no promise per answer). */
export function useReadFence(fastify: { addHook(name: 'onSend', hook: OnSendHook): unknown }, keyspace: KeyspaceService): void {
  fastify.addHook('onSend', (_request, _reply, payload, done) => {
    const fence = readFence(keyspace);
    if (fence === undefined) done(null, payload);
    else void fence.then(() => done(null, payload));
  });
}
