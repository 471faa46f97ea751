// Pub/sub against a real Redis 7: seeded random SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE,
// PUBLISH and PUBSUB CHANNELS / NUMSUB / NUMPAT, on a subscriber and a publisher connection to
// each server, over RESP2 and RESP3. After each command both connections are read up to a PING
// marker, so every reply and every delivered message is compared.
//
// What may differ: the order of the replies to UNSUBSCRIBE / PUNSUBSCRIBE without arguments
// (Redis walks its hash table), so their channels are compared as a set, with the final count;
// and the order of PUBSUB CHANNELS (also a set).

import { seededRandom } from '@mnemo/engine';
import type { RespValue } from '@mnemo/protocol';
import { RawClient, useMnemoAndRedis } from './support/resp-support';
import { formatReply } from './support/reply-compare';

const servers = useMnemoAndRedis();
const CHANNELS = ['a', 'b', 'news.x', 'news.y', ''];
const PATTERNS = ['news.*', 'a*', '*', '[ab]', 'n?ws.x', ''];

/** A reply as text; arrays of bulk strings (PUBSUB CHANNELS) as a sorted set. */
function text(reply: RespValue): string {
  if (reply.type === 'array' && reply.value.every((item) => item.type === 'bulk')) return `set:${reply.value.map(formatReply).sort().join(',')}`;
  return formatReply(reply);
}

/** Everything `client` receives up to the reply to PING `marker`. */
async function readUpTo(client: RawClient, marker: string): Promise<string[]> {
  const items: string[] = [];
  for (;;) {
    const [reply] = await client.read(1, 3000);
    const line = text(reply);
    if (line.includes(marker)) return items;
    items.push(line);
  }
}

/** UNSUBSCRIBE / PUNSUBSCRIBE without arguments: the replies as a set, and the count left at the end. */
function unsubscribeAll(items: string[]): string {
  const last = items.length > 0 ? /"integer","value":(\d+)/.exec(items[items.length - 1])?.[1] : 'none';
  return `${items.map((item) => item.replace(/\{"type":"integer","value":\d+\}/, 'N')).sort().join(' | ')} (left ${last})`;
}

function randomCommand(rnd: () => number, i: number): { argv: string[]; onSubscriber: boolean } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const r = rnd();
  if (r < 0.2) return { argv: ['SUBSCRIBE', ...Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(CHANNELS))], onSubscriber: true };
  if (r < 0.35) return { argv: ['PSUBSCRIBE', pick(PATTERNS)], onSubscriber: true };
  if (r < 0.45) return { argv: rnd() < 0.5 ? ['UNSUBSCRIBE', pick(CHANNELS)] : ['UNSUBSCRIBE'], onSubscriber: true };
  if (r < 0.55) return { argv: rnd() < 0.5 ? ['PUNSUBSCRIBE', pick(PATTERNS)] : ['PUNSUBSCRIBE'], onSubscriber: true };
  if (r < 0.8) return { argv: ['PUBLISH', pick(CHANNELS), `m${i}`], onSubscriber: false };
  if (r < 0.87) return { argv: ['PUBSUB', 'CHANNELS', ...(rnd() < 0.5 ? [pick(PATTERNS)] : [])], onSubscriber: false };
  if (r < 0.94) return { argv: ['PUBSUB', 'NUMSUB', pick(CHANNELS), pick(CHANNELS)], onSubscriber: false };
  return { argv: ['PUBSUB', 'NUMPAT'], onSubscriber: false };
}

describe('pub/sub: the same replies and messages as Redis 7', () => {
  it.each([
    [1, 2],
    [2, 3],
    [3, 2],
  ])('seed %i over RESP%i: 200 random commands', async (seed, protocol) => {
    const rnd = seededRandom(seed);
    const [mnemoPort, redisPort] = [servers.mnemo.port, servers.redis.port];
    const connections = await Promise.all([mnemoPort, redisPort, mnemoPort, redisPort].map((port) => RawClient.connect(port)));
    const [subscribers, publishers] = [connections.slice(0, 2), connections.slice(2)];
    try {
      for (const connection of connections) await connection.command('HELLO', String(protocol));
      const differences: string[] = [];
      let messages = 0;
      for (let i = 0; i < 200; i++) {
        const { argv, onSubscriber } = randomCommand(rnd, i);
        const seen: string[] = [];
        for (let side = 0; side < 2; side++) {
          const target = onSubscriber ? subscribers[side] : publishers[side];
          target.send(...argv);
          target.send('PING', `sync${i}`);
          let items = await readUpTo(target, `sync${i}`);
          if (argv.length === 1 && argv[0].endsWith('UNSUBSCRIBE')) items = [unsubscribeAll(items)];
          if (!onSubscriber) {
            // What the publish delivered to this server's subscriber.
            subscribers[side].send('PING', `delivered${i}`);
            const delivered = await readUpTo(subscribers[side], `delivered${i}`);
            if (side === 1) messages += delivered.length;
            items.push(...delivered.map((line) => `delivered ${line}`));
          }
          seen.push(items.sort().join(' | '));
        }
        if (seen[0] !== seen[1]) differences.push(`${JSON.stringify(argv)}: mnemo ${seen[0]} / redis ${seen[1]}`);
      }
      expect(differences).toEqual([]);
      expect(messages).toBeGreaterThan(10);
    } finally {
      for (const connection of connections) connection.close();
    }
  });
});
