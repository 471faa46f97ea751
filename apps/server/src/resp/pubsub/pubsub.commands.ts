// Pub/sub commands: SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.

import { MnemoError, quoted } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';

/** One confirmation frame: [kind, name or nil, subscription count]; a push in RESP3, as Redis. */
function confirm(ctx: RespContext, client: RespClient, kind: string, name: string | null): void {
  const writer = ctx.writer;
  writer.pushHeader(3);
  writer.bulk(kind);
  if (name === null) writer.nullBulk();
  else writer.bulk(name);
  writer.integer(client.subscriptionCount);
}

function subscribe(ctx: RespContext, client: RespClient, argv: string[]): void {
  for (let i = 1; i < argv.length; i++) {
    ctx.pubsub.subscribe(client, argv[i]);
    confirm(ctx, client, 'subscribe', argv[i]);
  }
}

function psubscribe(ctx: RespContext, client: RespClient, argv: string[]): void {
  for (let i = 1; i < argv.length; i++) {
    ctx.pubsub.psubscribe(client, argv[i]);
    confirm(ctx, client, 'psubscribe', argv[i]);
  }
}

function unsubscribe(ctx: RespContext, client: RespClient, argv: string[]): void {
  const channels = argv.length > 1 ? argv.slice(1) : [...client.channels];
  if (channels.length === 0) confirm(ctx, client, 'unsubscribe', null);
  for (const channel of channels) {
    ctx.pubsub.unsubscribe(client, channel);
    confirm(ctx, client, 'unsubscribe', channel);
  }
}

function punsubscribe(ctx: RespContext, client: RespClient, argv: string[]): void {
  const patterns = argv.length > 1 ? argv.slice(1) : [...client.patterns];
  if (patterns.length === 0) confirm(ctx, client, 'punsubscribe', null);
  for (const pattern of patterns) {
    ctx.pubsub.punsubscribe(client, pattern);
    confirm(ctx, client, 'punsubscribe', pattern);
  }
}

function publish(ctx: RespContext, _client: RespClient, argv: string[]): void {
  ctx.writer.integer(ctx.pubsub.publish(argv[1], argv[2]));
}

function pubsub(ctx: RespContext, _client: RespClient, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const writer = ctx.writer;
  if (sub === 'channels' && argv.length <= 3) {
    const names = ctx.pubsub.channelNames(argv[2]);
    writer.arrayHeader(names.length);
    for (const name of names) writer.bulk(name);
  } else if (sub === 'numsub') {
    // A flat array in RESP3 too, as Redis 7.0 answers it.
    writer.arrayHeader((argv.length - 2) * 2);
    for (let i = 2; i < argv.length; i++) {
      writer.bulk(argv[i]);
      writer.integer(ctx.pubsub.subscriberCount(argv[i]));
    }
  } else if (sub === 'numpat' && argv.length === 2) {
    writer.integer(ctx.pubsub.patternCount);
  } else if (['channels', 'numpat'].includes(sub)) {
    throw new MnemoError('ERR', `wrong number of arguments for 'pubsub|${sub}' command`);
  } else {
    throw new MnemoError('ERR', `unknown subcommand '${quoted(argv[1])}'. Try PUBSUB HELP.`);
  }
}

const PUBSUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'];

export const PUBSUB_COMMANDS: CommandEntry[] = [
  defineCommand('subscribe', -2, PUBSUB_FLAGS, 'pubsub', 'Listens for messages published to channels.', subscribe, { pubsubContext: true, since: '2.0.0' }),
  defineCommand('psubscribe', -2, PUBSUB_FLAGS, 'pubsub', 'Listens for messages published to channels that match one or more patterns.', psubscribe, {
    pubsubContext: true,
    since: '2.0.0',
  }),
  defineCommand('unsubscribe', -1, PUBSUB_FLAGS, 'pubsub', 'Stops listening to messages posted to channels.', unsubscribe, { pubsubContext: true, since: '2.0.0' }),
  defineCommand('punsubscribe', -1, PUBSUB_FLAGS, 'pubsub', 'Stops listening to messages published to channels that match one or more patterns.', punsubscribe, {
    pubsubContext: true,
    since: '2.0.0',
  }),
  defineCommand('publish', 3, ['pubsub', 'loading', 'stale', 'fast'], 'pubsub', 'Posts a message to a channel.', publish, { since: '2.0.0' }),
  defineCommand('pubsub', -2, ['pubsub', 'loading', 'stale'], 'pubsub', 'A container for Pub/Sub commands.', pubsub, { since: '2.8.0' }),
];
