// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// Queued commands are checked when queued (unknown command, arity, auth, MISCONF) as Redis
// does; any refusal dooms the transaction and EXEC answers EXECABORT. EXEC runs the queue
// synchronously, so no other client's command can run between its commands. Its replies form
// one array; a runtime error of one command is an error element, the others still run.

import { MnemoError } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import { databaseRefusal, type Dispatcher } from '../dispatcher';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';

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
  return (ctx: RespContext, client: RespClient): void => {
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
    writer.arrayHeader(queued.length);
    const run = dispatcher();
    client.inExec = true;
    try {
      runQueued(ctx, client, run, queued);
    } finally {
      client.inExec = false;
    }
  };
}

/** Runs EXEC's queued commands, one reply element each. */
function runQueued(ctx: RespContext, client: RespClient, run: Dispatcher, queued: string[][]): void {
  const writer = ctx.writer;
  for (const argv of queued) {
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
    const pending = run.run(client, entry, argv);
    if (pending) {
      // Only an asynchronous command (CONFIG SET of a persistence option) gets here; it cannot
      // keep the transaction's atomicity, so its outcome is reported as an error element.
      writer.error(`ERR '${entry.name}' with these arguments cannot run inside a transaction`);
      pending.catch((error: unknown) => console.error('RESP asynchronous command in EXEC failed:', error));
    }
  }
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
