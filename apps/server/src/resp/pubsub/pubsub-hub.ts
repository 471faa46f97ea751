// Channels and patterns: who is subscribed to what, and delivery of PUBLISH messages.

import type { ProtocolVersion } from '@mnemo/protocol';
import { compileGlob, KeyMatcher } from '../../admin-gateway/glob';
import type { PushMessage, RespClient } from '../resp-client';

function bulk(bytes: string): string {
  return `$${bytes.length}\r\n${bytes}\r\n`;
}

/** A push frame (message or pmessage) encoded at most once per protocol version. */
class Message implements PushMessage {
  private resp2: Buffer | null = null;
  private resp3: Buffer | null = null;

  constructor(private readonly items: string[]) {}

  encode(protocol: ProtocolVersion): Buffer {
    if (protocol === 3) return (this.resp3 ??= this.build('>'));
    return (this.resp2 ??= this.build('*'));
  }

  private build(marker: string): Buffer {
    return Buffer.from(`${marker}${this.items.length}\r\n${this.items.map(bulk).join('')}`, 'latin1');
  }
}

interface PatternSubscription {
  matcher: KeyMatcher;
  clients: Set<RespClient>;
}

/**
 * A pattern matcher for channel names with Redis's stringmatchlen quirk: an empty name matches
 * only the empty pattern, so PSUBSCRIBE * does not hear PUBLISH "" and PUBSUB CHANNELS * does
 * not list "" (KEYS * and SCAN, which Redis special-cases, do list the empty key).
 */
function channelMatcher(pattern: string): KeyMatcher {
  const matcher = compileGlob(pattern);
  return pattern === '' ? matcher : (channel) => channel !== '' && matcher(channel);
}

export class PubSubHub {
  private readonly channels = new Map<string, Set<RespClient>>();
  private readonly patterns = new Map<string, PatternSubscription>();

  /** True when nobody is subscribed to anything: publishers can skip all work. */
  get empty(): boolean {
    return this.channels.size === 0 && this.patterns.size === 0;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }

  /** Channel names with subscribers, optionally filtered by a glob (PUBSUB CHANNELS). */
  channelNames(pattern?: string): string[] {
    const names = [...this.channels.keys()];
    if (pattern === undefined) return names;
    const matcher = channelMatcher(pattern);
    return names.filter((name) => matcher(name));
  }

  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  /** Returns false if the client was already subscribed. */
  subscribe(client: RespClient, channel: string): boolean {
    if (client.channels.has(channel)) return false;
    client.channels.add(channel);
    let clients = this.channels.get(channel);
    if (!clients) this.channels.set(channel, (clients = new Set()));
    clients.add(client);
    return true;
  }

  unsubscribe(client: RespClient, channel: string): boolean {
    if (!client.channels.delete(channel)) return false;
    const clients = this.channels.get(channel);
    if (clients) {
      clients.delete(client);
      if (clients.size === 0) this.channels.delete(channel);
    }
    return true;
  }

  psubscribe(client: RespClient, pattern: string): boolean {
    if (client.patterns.has(pattern)) return false;
    client.patterns.add(pattern);
    let subscription = this.patterns.get(pattern);
    if (!subscription) this.patterns.set(pattern, (subscription = { matcher: channelMatcher(pattern), clients: new Set() }));
    subscription.clients.add(client);
    return true;
  }

  punsubscribe(client: RespClient, pattern: string): boolean {
    if (!client.patterns.delete(pattern)) return false;
    const subscription = this.patterns.get(pattern);
    if (subscription) {
      subscription.clients.delete(client);
      if (subscription.clients.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /** Drops every subscription of a client (close, RESET). */
  removeClient(client: RespClient): void {
    for (const channel of [...client.channels]) this.unsubscribe(client, channel);
    for (const pattern of [...client.patterns]) this.punsubscribe(client, pattern);
  }

  /** Delivers `message` on `channel`; returns how many clients received it (PUBLISH's reply). */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const clients = this.channels.get(channel);
    if (clients) {
      const push = new Message(['message', channel, message]);
      for (const client of clients) {
        client.deliver(push);
        receivers++;
      }
    }
    for (const [pattern, subscription] of this.patterns) {
      if (!subscription.matcher(channel)) continue;
      const push = new Message(['pmessage', pattern, channel, message]);
      for (const client of subscription.clients) {
        client.deliver(push);
        receivers++;
      }
    }
    return receivers;
  }
}
