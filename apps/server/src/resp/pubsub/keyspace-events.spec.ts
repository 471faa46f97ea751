// notify-keyspace-events parsing and the events published for mutation records.
import { deliverRecord, MnemoError, MutationRecord, MutationSink } from '@mnemo/engine';
import { RespMutationSink } from '../resp-mutation-sink';
import { WatchRegistry } from '../transaction/watch-registry';
import { formatKeyspaceEvents, KeyspaceNotifier, parseKeyspaceEvents } from './keyspace-events';
import type { PubSubHub } from './pubsub-hub';

/** A notifier with these flags, fed records through the RESP listener's engine sink. */
function notifier(flags: string): { published: string[]; notifier: { onMutation(record: MutationRecord): void } } {
  const published: string[] = [];
  const hub = { empty: false, publish: (channel: string, message: string) => published.push(`${channel} ${message}`) } as unknown as PubSubHub;
  const result = new KeyspaceNotifier(hub);
  result.configure(flags);
  const sink: MutationSink = new RespMutationSink(new WatchRegistry(), result);
  return { published, notifier: { onMutation: (record) => deliverRecord(sink, record) } };
}

describe('notify-keyspace-events flags', () => {
  it.each([
    ['', ''],
    ['KEA', 'AKE'],
    ['AKE', 'AKE'],
    ['Ex', 'xE'],
    ['Kg$', 'g$K'],
    ['KEg$lshzxetd', 'AKE'],
    ['KEn', 'nKE'],
    ['Em', 'Em'],
  ])('%j is shown as %j by CONFIG GET', (input, canonical) => {
    expect(formatKeyspaceEvents(parseKeyspaceEvents(input))).toBe(canonical);
  });

  it('refuses unknown class characters with Redis\'s text', () => {
    expect(() => parseKeyspaceEvents('KQ')).toThrow(new MnemoError('ERR', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  });
});

describe('KeyspaceNotifier', () => {
  const set: MutationRecord = { kind: 'string', seq: 1, reason: 'set', key: 'k', value: 'v', expiresAt: null };
  const expired: MutationRecord = { kind: 'del', seq: 2, reason: 'expired', key: 'k' };
  const lastField: MutationRecord = { kind: 'del', seq: 3, reason: 'hdel', key: 'h' };
  const evicted: MutationRecord = { kind: 'del', seq: 4, reason: 'evicted', key: 'e' };

  it('publishes keyspace and keyevent messages for enabled classes only', () => {
    const { published, notifier: n } = notifier('KE$');
    n.onMutation(set);
    n.onMutation(expired);
    expect(published).toEqual(['__keyspace@0__:k set', '__keyevent@0__:set k']);
  });

  it('sends expired and evicted to keyevent channels with Ex / Ee', () => {
    const { published, notifier: n } = notifier('Exe');
    n.onMutation(set);
    n.onMutation(expired);
    n.onMutation(evicted);
    expect(published).toEqual(['__keyevent@0__:expired k', '__keyevent@0__:evicted e']);
  });

  it('follows the hdel of a last field with a generic del, as Redis', () => {
    const { published, notifier: n } = notifier('EA');
    n.onMutation(lastField);
    expect(published).toEqual(['__keyevent@0__:hdel h', '__keyevent@0__:del h']);
  });

  it('publishes nothing without K or E, or for flushes', () => {
    const { published, notifier: n } = notifier('A');
    n.onMutation(set);
    n.onMutation({ kind: 'flush', seq: 5, reason: 'flushall' });
    expect(published).toEqual([]);
  });
});
