// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// Queued commands are checked when queued (unknown command, arity, auth, MISCONF) as Redis
// does; any refusal dooms the transaction and EXEC answers EXECABORT. EXEC runs the queue
// synchronously, so no other client's command can run between its commands. Its replies form
// one array; a runtime error of one command is an error element, the others still run.
//
// Design note: asynchronous commands in EXEC. A few commands finish in the writer thread (SAVE,
// BGSAVE, BGREWRITEAOF, CONFIG SET appendfsync|appendonly). In EXEC they start in their place,
// like the others, and the array reply waits for them, and for the fsync of the transaction's
// writes, since such a reply leaves later than the batch it was read in:
//   MULTI, SET k v, CONFIG SET appendfsync always, GET k, EXEC
//   -> SET and GET run at once; the array [+OK, +OK, $v] is written once the CONFIG SET and the
//      SET's commit are done (before: the element was an error while the change took effect).

import { MnemoError } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import { databaseRefusal, type Dispatcher } from '../dispatcher';
import { errorText, type RespClient } from '../resp-client';
import type { CommandEntry, Render, RespContext } from '../resp-context';

function multi(ctx: RespContext, client: RespClient): void {
  if (client.multi !== null) throw new MnemoError('ERR', 'MULTI calls can not be nested');
  client.multi = [];
  client.multiFailed = false;
  ctx.writer.status('OK');
}

function discard(ctx: RespContext, client: RespClient): void {
  if (client.multi === null) throw new MnemoError('ERR', 'DISCARD without MULTI');
  client.multi = null;
  client.multiFailed = false;
  ctx.watches.unwatchAll(client);
  ctx.writer.status('OK');
}

function watch(ctx: RespContext, client: RespClient, argv: string[]): void {
  if (client.multi !== null) throw new MnemoError('ERR', 'WATCH inside MULTI is not allowed');
  for (let i = 1; i < argv.length; i++) ctx.watches.watch(client, argv[i]);
  ctx.writer.status('OK');
}

function unwatch(ctx: RespContext, client: RespClient): void {
  ctx.watches.unwatchAll(client);
  ctx.writer.status('OK');
}

/** EXEC needs the dispatcher to run queued commands, hence a factory. */
function execCommand(dispatcher: () => Dispatcher) {
  return (ctx: RespContext, client: RespClient): void | Promise<Render> => {
    const queued = client.multi;
    if (queued === null) throw new MnemoError('ERR', 'EXEC without MULTI');
    client.multi = null;
    const failed = client.multiFailed;
    const dirty = client.watchDirty;
    client.multiFailed = false;
    ctx.watches.unwatchAll(client);
    if (failed) throw new MnemoError('EXECABORT', 'Transaction discarded because of previous errors.');
    const writer = ctx.writer;
    if (dirty) {
      writer.nullArray();
      return;
    }
    const arrayStart = writer.size;
    writer.arrayHeader(queued.length);
    const run = dispatcher();
    client.inExec = true;
    let outcome: QueuedOutcome;
    try {
      // One write for maxmemory: not refused halfway, no eviction of its own keys (compound-write.ts).
      outcome = ctx.engine.compound(() => runQueued(ctx, client, run, queued));
    } finally {
      client.inExec = false;
    }
    if (outcome.pending.size > 0) return deferReply(ctx, arrayStart, outcome);
  };
}

interface QueuedOutcome {
  /** Where each element's reply begins in the writer, then where the last one ends. */
  marks: number[];
  /** The asynchronous commands' replies, by element index (they wrote nothing yet). */
  pending: Map<number, Promise<Render>>;
}

/** Runs EXEC's queued commands, one reply element each. */
function runQueued(ctx: RespContext, client: RespClient, run: Dispatcher, queued: string[][]): QueuedOutcome {
  const writer = ctx.writer;
  const marks: number[] = [];
  const pending = new Map<number, Promise<Render>>();
  for (let index = 0; index < queued.length; index++) {
    const argv = queued[index];
    marks.push(writer.size);
    const entry = run.table.lookup(argv[0]);
    if (!entry) {
      writer.error(`ERR unknown command '${argv[0]}'`);
      continue;
    }
    const refusal = databaseRefusal(client, entry) ?? (entry.write ? (ctx.keyspace.durability.writeError()?.toRedisText() ?? null) : null);
    if (refusal !== null) {
      writer.error(refusal);
      continue;
    }
    const later = run.run(client, entry, argv);
    if (later) pending.set(index, later);
  }
  marks.push(writer.size);
  // A refused SELECT refuses the transaction's later data commands; it outlasts EXEC only if no
  // data command has run on the connection yet (see RespClient.refusedDatabase):
  //   fresh connection: MULTI, SELECT 3, SET k v, EXEC -> SET refused, and later commands too
  //   after a GET:      MULTI, SELECT 3, SET k v, EXEC -> SET refused; later commands run
  if (client.usedDatabase) client.refusedDatabase = null;
  return { marks, pending };
}

/**
 * EXEC's reply once its asynchronous commands and the commit of its writes are done (see the
 * design note): the elements already rendered are taken out of the writer and put back in order
 * with the others. A failed command is its error element; a failed commit fails the whole reply.
 */
function deferReply(ctx: RespContext, arrayStart: number, { marks, pending }: QueuedOutcome): Promise<Render> {
  const writer = ctx.writer;
  const elements: Array<Promise<Buffer | Render | string>> = [];
  for (let i = 0; i < marks.length - 1; i++) {
    const later = pending.get(i);
    elements.push(later ? later.then((render): Render | string => render, errorText) : Promise.resolve(writer.copy(marks[i], marks[i + 1])));
  }
  writer.truncate(arrayStart);
  const writesDone = ctx.keyspace.durability.waitFor(ctx.engine.lastSeq);
  writesDone.catch(() => undefined); // awaited below, after the commands
  return Promise.all(elements).then((parts) =>
    writesDone.then((): Render => (out) => {
      out.arrayHeader(parts.length);
      for (const part of parts) {
        if (typeof part === 'string') out.error(part);
        else if (Buffer.isBuffer(part)) out.raw(part);
        else part(out);
      }
    }),
  );
}

export function transactionCommands(dispatcher: () => Dispatcher): CommandEntry[] {
  return [
    defineCommand('multi', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], 'transactions', 'Starts a transaction.', multi, {
      transactionControl: true,
    }),
    defineCommand('exec', 1, ['noscript', 'loading', 'stale', 'skip_slowlog'], 'transactions', 'Executes all commands in a transaction.', execCommand(dispatcher), {
      transactionControl: true,
    }),
    defineCommand('discard', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], 'transactions', 'Discards a transaction.', discard, {
      transactionControl: true,
    }),
    defineCommand('watch', -2, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], 'transactions', 'Monitors changes to keys to determine the execution of a transaction.', watch, {
      transactionControl: true,
      firstKey: 1,
      lastKey: -1,
      step: 1,
      since: '2.2.0',
    }),
    defineCommand('unwatch', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], 'transactions', 'Forgets about watched keys of a transaction.', unwatch, {
      since: '2.2.0',
    }),
  ];
}
