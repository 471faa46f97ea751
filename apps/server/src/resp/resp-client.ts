// One Redis-protocol connection: reads requests, runs them in order, writes the replies of each
// read in one batch, and holds the reply of a write until the event log says it is durable.
//
// Design note: ordered replies with group commit.
// Under `appendfsync always` a write's reply may only leave once its record is fsynced, but the
// event loop must keep serving every other client meanwhile. Each read is one batch: its replies
// are rendered into the shared writer, then
//
//   batch without writes                 -> written now (or after earlier pending batches);
//                                           under always, once the newest write it may have
//                                           read is committed (Durability.readsWait)
//   batch whose last write has seq 1042  -> bytes wait for durability.waitFor(1042), then write
//
// Batches of one client form a promise chain (`tail`), so replies never overtake each other;
// other clients have their own chains, so one client's wait never blocks another, and all
// writes that arrive while a commit is in flight share the next commit (group commit happens in
// the persistence layer). If the commit fails, each write's reply in the batch is replaced by the
// MISCONF error (the byte ranges are remembered), reads in the batch keep their replies.
// "Written" means handed to TurnWrites: the bytes leave at the end of the turn (turn-writes.ts).

import type { Socket } from 'node:net';
import { MnemoError } from '@mnemo/engine';
import { ProtocolError, ProtocolVersion, RequestParser } from '@mnemo/protocol';
import type { Render, RespContext } from './resp-context';
import type { Dispatcher } from './dispatcher';

/** A subscriber whose unsent output grows beyond this is disconnected (Redis's pubsub hard limit). */
const PUBSUB_OUTPUT_LIMIT = 32 * 1024 * 1024;
/**
 * Replies one read may build before its remaining commands wait for them to leave (see
 * continueWhenDrained): a 64 KB read of `GET big` (a 100 KB value) made 280 MB of replies at once.
 */
const REPLY_BATCH_BYTES = 1024 * 1024;

/** A pub/sub message or other out-of-band push, encoded lazily per protocol version. */
export interface PushMessage {
  encode(protocol: ProtocolVersion): Buffer;
}

export class RespClient {
  readonly id: number;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  readonly addr: string;
  readonly laddr: string;
  name = '';
  libName = '';
  libVersion = '';
  /** CLIENT NO-TOUCH: this client's commands leave LRU/LFU metadata alone (TOUCH excepted). */
  noTouch = false;
  /**
   * A database this client asked for with SELECT and Mnemo does not have (only 0 exists), else
   * null. While set, its data commands are refused (see Dispatcher): some clients (ioredis with
   * `db: 3`) send SELECT on connecting, only log its refusal and go on, and would otherwise read,
   * write and flush database 0 thinking it is another one. Set only by a SELECT before the
   * connection's first data command, or inside EXEC for the rest of that transaction: a refused
   * SELECT later on leaves the connection on database 0, as in Redis, since a client such as
   * node-redis has no way to learn of a refusal that outlasts its SELECT.
   */
  refusedDatabase: number | null = null;
  /** A data command has run on this connection (see refusedDatabase). */
  usedDatabase = false;
  /** CLIENT NO-EVICT: shown in CLIENT LIST only (Mnemo never evicts clients). */
  noEvict = false;
  protocol: ProtocolVersion = 2;
  authenticated: boolean;
  lastCommand = 'NULL';
  /** Queued commands while in MULTI, else null. */
  multi: string[][] | null = null;
  /** A command was rejected while queuing: EXEC answers EXECABORT. */
  multiFailed = false;
  /** True while EXEC runs this client's queued commands (MONITOR is refused there, as in Redis). */
  inExec = false;
  readonly watched = new Set<string>();
  /** A watched key changed since WATCH: EXEC answers nil. */
  watchDirty = false;
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly parser: RequestParser;
  private closing = false;
  private closed = false;
  /** The client half-closed (sent FIN, as `nc -N` does): what it sent still runs, then the connection ends. */
  private peerEnded = false;
  /** An asynchronous command is running; later commands wait in the parser. */
  private busy = false;
  private pausedForDrain = false;
  /** Last pending output batch, or null when everything was handed to the socket. */
  private tail: Promise<void> | null = null;
  /** Pushes for this client raised while its own command runs; written after that command's reply. */
  private pushes: Buffer[] = [];

  constructor(
    readonly socket: Socket,
    private readonly ctx: RespContext,
    private readonly dispatcher: Dispatcher,
  ) {
    this.id = ctx.nextClientId();
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    this.authenticated = ctx.config.requirepass === '';
    this.parser = new RequestParser({
      maxBulkLength: ctx.config['proto-max-bulk-len'],
      maxQueryBufferBytes: ctx.config['client-query-buffer-limit'],
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // The listener allows half-open sockets: a client that is done sending still gets the
    // replies of what it sent, including those waiting for a commit or an asynchronous command.
    socket.on('end', () => {
      this.peerEnded = true;
      if (!this.busy) this.endWhenFlushed();
    });
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  /** True while commands must be refused with NOAUTH (requirepass set and no successful AUTH). */
  get authRequired(): boolean {
    return !this.authenticated && this.ctx.config.requirepass !== '';
  }

  /** In MONITOR mode: sees every command run (commands/monitor.commands.ts). Cheap when nobody monitors. */
  get monitoring(): boolean {
    return this.ctx.monitors.size !== 0 && this.ctx.monitors.has(this);
  }

  /** RESP2 clients with subscriptions may only run (P)SUBSCRIBE, (P)UNSUBSCRIBE, PING, QUIT, RESET. */
  get inPubSubMode(): boolean {
    return this.protocol === 2 && this.subscriptionCount > 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes written to the socket but not yet sent (CLIENT LIST omem). */
  get pendingOutputBytes(): number {
    return this.socket.writableLength;
  }

  private onData(chunk: Buffer): void {
    this.ctx.stats.netInputBytes += chunk.length;
    if (this.closing) return;
    this.parser.feed(chunk);
    // drain() notes the interaction with the time its commands run at.
    if (!this.busy) this.drain();
    else this.lastInteraction = Date.now();
  }

  /** Runs every complete command buffered, then flushes their replies as one batch. */
  private drain(): void {
    const ctx = this.ctx;
    const writer = ctx.writer;
    const engine = ctx.engine;
    writer.protocol = this.protocol;
    ctx.current = this;
    const config = ctx.config;
    let durableSeq = 0;
    let writeRanges: number[] | null = null;
    let pending: Promise<Render> | null = null;
    let held = false;
    // One clock read for every command of this read (turn-clock.ts).
    const clock = ctx.keyspace.clock;
    this.lastInteraction = clock.enter();
    try {
      while (!this.closing) {
        // Limits are live: CONFIG SET applies to connected clients too, as in Redis, from the
        // next command on (a CONFIG SET earlier in this same read included).
        this.parser.maxBulkLength = config['proto-max-bulk-len'];
        this.parser.maxQueryBufferBytes = config['client-query-buffer-limit'];
        this.parser.authRequired = this.authRequired;
        let argv: string[] | null;
        try {
          argv = this.parser.next();
        } catch (error) {
          // Nothing may escape this socket's handler (it would end the process): a request the
          // parser cannot read for another reason is answered and closed like a protocol error.
          if (!(error instanceof ProtocolError)) console.error(`RESP client ${this.id} (${this.addr}): request could not be read:`, error);
          writer.error(error instanceof ProtocolError ? error.toRedisText() : 'ERR Protocol error: request could not be read');
          this.closing = true;
          break;
        }
        if (argv === null) break;
        const seqBefore = engine.lastSeq;
        const start = writer.size;
        const result = this.dispatcher.execute(this, argv);
        if (engine.lastSeq !== seqBefore) {
          durableSeq = engine.lastSeq;
          (writeRanges ??= []).push(start, writer.size);
        }
        if (this.pushes.length > 0) this.writePushes();
        if (result) {
          pending = result;
          break;
        }
        if (writer.size > REPLY_BATCH_BYTES) {
          held = this.parser.bufferedBytes > 0;
          if (held) break;
        }
      }
    } finally {
      ctx.current = null;
      clock.exit();
    }
    this.flush(durableSeq, writeRanges);
    if (pending) this.waitForCommand(pending);
    else if (held && !this.closing) this.continueWhenDrained();
    else if (this.closing || this.peerEnded) this.endWhenFlushed();
  }

  /**
   * The replies of this read passed REPLY_BATCH_BYTES: the read's remaining commands wait in the
   * parser (and the socket stops reading) until those replies have been handed to the kernel,
   * then run on a later turn. So a client that pipelines commands with big replies and reads
   * none holds about REPLY_BATCH_BYTES (plus one reply) of the server's memory, not every reply
   * of its read; a client that reads gets them all, in order, and other clients run in between.
   */
  private continueWhenDrained(): void {
    this.busy = true;
    this.socket.pause();
    const go = (): void => {
      if (this.closed) return;
      if (this.socket.writableNeedDrain) {
        this.socket.once('drain', go);
        return;
      }
      this.busy = false;
      if (!this.pausedForDrain) this.socket.resume();
      this.drain();
    };
    // After a commit wait (appendfsync always) the replies reach the socket later: wait for them.
    const tail = this.tail;
    if (tail === null) setImmediate(go);
    else void tail.then(go, go);
  }

  /** Stops reading until an asynchronous command's reply is rendered, then resumes. */
  private waitForCommand(pending: Promise<Render>): void {
    this.busy = true;
    this.socket.pause();
    const seqBefore = this.ctx.engine.lastSeq;
    pending
      .then(
        (render) => render,
        (error: unknown): Render => (writer) => writer.error(errorText(error)),
      )
      .then((render) => {
        this.ctx.writer.protocol = this.protocol;
        const start = this.ctx.writer.size;
        render(this.ctx.writer);
        const seq = this.ctx.engine.lastSeq !== seqBefore ? this.ctx.engine.lastSeq : 0;
        const ranges = seq ? [start, this.ctx.writer.size] : null;
        if (this.pushes.length > 0) this.writePushes();
        this.flush(seq, ranges);
        this.busy = false;
        if (this.closed) return;
        if (!this.pausedForDrain) this.socket.resume();
        this.drain();
      })
      .catch((error: unknown) => {
        // A bug here must cost this client its connection, not the process.
        console.error(`RESP client ${this.id} (${this.addr}): failed after an asynchronous command:`, error);
        this.destroy();
      });
  }

  /** Hands the writer's bytes to this client's output chain (see the design note). */
  private flush(seq: number, writeRanges: number[] | null): void {
    if (this.ctx.writer.size === 0) return;
    this.send(this.ctx.writer.take(), seq, writeRanges);
  }

  /**
   * Queues `bytes` after this client's earlier output, once the record `seq` is durable (0: no
   * write of this client's). Under appendfsync always a batch without writes of its own waits
   * for the newest write anywhere, which it may have read (Durability.readsWait).
   */
  private send(bytes: Buffer, seq: number, writeRanges: number[] | null): void {
    const durability = this.ctx.keyspace.durability;
    if (seq === 0 && durability.readsWait()) seq = this.ctx.engine.lastSeq;
    if (seq === 0 || durability.isDurable(seq)) {
      this.enqueue(bytes);
      return;
    }
    const ranges = writeRanges ?? [];
    const durable = durability.waitFor(seq);
    // Inline arrows on purpose: this runs per write batch, and the server bundle keeps function
    // names (esbuild keepNames), which costs a defineProperty per named closure.
    if (this.tail === null) {
      this.track(
        durable.then(
          () => this.write(bytes),
          (error: unknown) => this.writeFailed(bytes, ranges, error),
        ),
      );
      return;
    }
    // Attach the failure handler now (an unhandled rejection would be reported), act in order.
    const outcome = durable.then(
      () => null,
      (error: unknown) => error,
    );
    this.track(
      this.tail.then(() => outcome).then((error) => (error === null ? this.write(bytes) : this.writeFailed(bytes, ranges, error))),
    );
  }

  /** Sends a batch whose commit failed: its write replies become the error. */
  private writeFailed(bytes: Buffer, ranges: number[], error: unknown): void {
    this.write(replaceWriteReplies(bytes, ranges, errorText(error)));
  }

  /**
   * Sends a pub/sub push. If this client's own command raised it (a RESP3 client subscribed to
   * keyspace events of its own writes), it is held until that command's reply is written, so a
   * push never lands inside an array reply (EXEC); otherwise it goes after pending output.
   */
  deliver(message: PushMessage): void {
    if (this.closed) return;
    const bytes = message.encode(this.protocol);
    if (this.ctx.current === this) this.pushes.push(bytes);
    // Not fenced under always (see Durability.readsWait): a PUBLISH flood while a commit stalls
    // would pile up in memory ahead of the pub/sub output limit, which counts sent bytes.
    else this.enqueue(bytes);
  }

  private writePushes(): void {
    for (const bytes of this.pushes) this.ctx.writer.raw(bytes);
    this.pushes = [];
  }

  private enqueue(bytes: Buffer): void {
    if (this.tail === null) this.write(bytes);
    else this.track(this.tail.then(() => this.write(bytes)));
  }

  private track(batch: Promise<void>): void {
    this.tail = batch;
    // Both arms: a rejected link (none is expected) must not become an unhandled rejection.
    const settled = (): void => {
      if (this.tail === batch) this.tail = null;
    };
    void batch.then(settled, settled);
  }

  private write(bytes: Buffer): void {
    if (this.closed) return;
    this.ctx.stats.netOutputBytes += bytes.length;
    const flushed = this.ctx.turnWrites.write(this.socket, bytes);
    if ((this.subscriptionCount > 0 || this.monitoring) && this.socket.writableLength > PUBSUB_OUTPUT_LIMIT) {
      this.destroy();
      return;
    }
    if (!flushed && !this.pausedForDrain) {
      // Backpressure: stop reading this client's commands until its replies drain.
      this.pausedForDrain = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.pausedForDrain = false;
        if (!this.busy && !this.closed) this.socket.resume();
      });
    }
  }

  /** QUIT, protocol errors, limits: stop reading, send what is pending, then close. */
  closeAfterReply(): void {
    this.closing = true;
  }

  private endWhenFlushed(): void {
    if (this.tail === null) this.socket.end();
    else {
      const end = (): void => void this.socket.end();
      void this.tail.then(end, end);
    }
  }

  /** Closes at once, dropping pending output (idle timeout, output limit, shutdown). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /** Called once when the socket closes, whatever the reason. */
  markClosed(): void {
    this.closed = true;
    this.closing = true;
  }
}

/** The error line (without '-') for anything a command may throw or reject with. */
export function errorText(error: unknown): string {
  if (error instanceof MnemoError || error instanceof ProtocolError) return error.toRedisText();
  const message = error instanceof Error ? error.message : String(error);
  return `ERR ${message}`;
}

/**
 * Returns `bytes` with each [start, end) range of `ranges` (pairs, ascending, disjoint) replaced
 * by the error line `-text\r\n`: used when a batch's writes could not be made durable.
 */
export function replaceWriteReplies(bytes: Buffer, ranges: number[], text: string): Buffer {
  const errorLine = Buffer.from(`-${text.replace(/[\r\n]/g, ' ')}\r\n`, 'latin1');
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    parts.push(bytes.subarray(at, ranges[i]), errorLine);
    at = ranges[i + 1];
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}
