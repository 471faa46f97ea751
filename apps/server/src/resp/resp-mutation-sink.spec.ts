// The RESP listener's engine sink is registered only while a key is watched or notifications are on.
import { Engine, ManualClock } from '@mnemo/engine';
import { KeyspaceNotifier } from './pubsub/keyspace-events';
import type { PubSubHub } from './pubsub/pubsub-hub';
import type { RespClient } from './resp-client';
import { RespMutationSink } from './resp-mutation-sink';
import { WatchRegistry } from './transaction/watch-registry';

function setup() {
  const engine = new Engine({ clock: new ManualClock() });
  const published: string[] = [];
  const hub = { empty: false, publish: (channel: string, message: string) => published.push(`${channel} ${message}`) } as unknown as PubSubHub;
  const notifier = new KeyspaceNotifier(hub);
  const watches = new WatchRegistry();
  const sink = new RespMutationSink(watches, notifier);
  sink.attach(engine);
  const client = { watched: new Set<string>(), watchDirty: false } as unknown as RespClient;
  return { engine, published, notifier, watches, sink, client };
}

describe('RespMutationSink', () => {
  it('is not registered while nothing needs it, so writes do not reach it', () => {
    const { engine, sink, published } = setup();
    expect(sink.attached).toBe(false);
    engine.execute(['SET', 'k', 'v']);
    expect(published).toEqual([]);
  });

  it('follows notify-keyspace-events on and off', () => {
    const { engine, sink, notifier, published } = setup();
    notifier.configure('KE$');
    expect(sink.attached).toBe(true);
    engine.execute(['SET', 'k', 'v']);
    expect(published).toEqual(['__keyspace@0__:k set', '__keyevent@0__:set k']);
    notifier.configure('');
    expect(sink.attached).toBe(false);
    engine.execute(['SET', 'k', 'w']);
    expect(published).toHaveLength(2);
  });

  it('is registered while a key is watched: a change dirties the watcher, UNWATCH lets go', () => {
    const { engine, sink, watches, client } = setup();
    watches.watch(client, 'k');
    watches.watch(client, 'j');
    expect(sink.attached).toBe(true);
    engine.execute(['SET', 'other', '1']);
    expect(client.watchDirty).toBe(false);
    engine.execute(['SET', 'j', '1']);
    expect(client.watchDirty).toBe(true);
    watches.unwatchAll(client);
    expect(sink.attached).toBe(false);
    expect(client.watchDirty).toBe(false);
  });

  it('stays registered while either reason holds, and stop() lets go for good', () => {
    const { sink, notifier, watches, client } = setup();
    notifier.configure('Eg');
    watches.watch(client, 'k');
    notifier.configure('');
    expect(sink.attached).toBe(true);
    sink.stop();
    expect(sink.attached).toBe(false);
    notifier.configure('KEA');
    expect(sink.attached).toBe(false);
  });
});
