// Snapshot scheduling with a fake clock and a snapshotter the test finishes by hand: a rewrite
// scheduled behind a running BGSAVE, "already in progress" refusals, the 5 s pause after a failed
// automatic save, auto-rewrite on log growth, and nothing new once shutdown has begun.

import { DEFAULT_SETTINGS, type PersistenceSettings } from '../config';
import type { PersistenceEvent } from '../persistence-events';
import { memoryLogger } from '../test-support/temp-db';
import { SnapshotScheduler } from './snapshot-scheduler';
import { SnapshotAborted, type SnapshotKind, type SnapshotResult } from './snapshotter';

interface Run {
  kind: SnapshotKind;
  finish(result?: Partial<SnapshotResult>): Promise<void>;
  fail(error: Error): Promise<void>;
}

/** A snapshotter whose runs end when the test says so. */
class FakeSnapshotter {
  readonly runs: Run[] = [];
  aborted = 0;

  run(kind: SnapshotKind): Promise<SnapshotResult> {
    return new Promise((resolve, reject) => {
      const settle = async (action: () => void): Promise<void> => {
        action();
        for (let i = 0; i < 5; i++) await Promise.resolve(); // let the scheduler's handlers run
      };
      this.runs.push({
        kind,
        finish: (result = {}) =>
          settle(() =>
            resolve({ snapshotId: this.runs.length, kind, startSeq: 0, keys: 0, bytes: 0, chunks: 0, startedAt: 0, durationMs: 0, droppedBatches: 0, droppedBytes: 0, ...result }),
          ),
        fail: (error) => settle(() => reject(error)),
      });
    });
  }

  abort(): void {
    this.aborted++;
    void this.runs[this.runs.length - 1]?.fail(new SnapshotAborted());
  }
}

function setup(overrides: Partial<PersistenceSettings> = {}, recoveredSeq = 0) {
  const clock = { now: 1_700_000_000_000 };
  const engine = { lastSeq: recoveredSeq };
  const log = { bytes: 0, compacted: [] as Array<[number, number]>, noteCompaction: (b: number, n: number) => log.compacted.push([b, n]), status: () => ({ bytes: log.bytes }) };
  const snapshotter = new FakeSnapshotter();
  const events: PersistenceEvent[] = [];
  const settings: PersistenceSettings = { ...DEFAULT_SETTINGS, save: [], ...overrides };
  let closing = false;
  const scheduler = new SnapshotScheduler(
    { engine, log, snapshotter, now: () => clock.now, logger: memoryLogger(), settings: () => settings, closing: () => closing, emit: (event) => events.push(event) },
    { lastSaveAt: clock.now, lastStartSeq: 0, aofBaseSize: 0, recoveredSeq },
  );
  return { clock, engine, log, snapshotter, events, scheduler, close: () => (closing = true) };
}

describe('snapshot scheduling', () => {
  it('records replayed at start-up are not changes: save points count from the recovered seq, as Redis after loading', () => {
    const { clock, engine, snapshotter, scheduler } = setup({ save: [{ seconds: 1, changes: 1 }] }, 500);
    expect(scheduler.state).toMatchObject({ lastDurationMs: -1, lastRewriteDurationMs: -1, rewriteFailuresInARow: 0 });
    clock.now += 5_000;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(0);
    engine.lastSeq = 501;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(1);
  });

  it('BGREWRITEAOF during a BGSAVE is scheduled and starts when the BGSAVE ends; second requests are refused', async () => {
    const { snapshotter, scheduler, log } = setup();
    await expect(scheduler.bgsave()).resolves.toBe('Background saving started');
    await expect(scheduler.bgsave()).rejects.toMatchObject({ code: 'ERR', message: 'Background save already in progress' });
    await expect(scheduler.save()).rejects.toMatchObject({ code: 'ERR' });
    await expect(scheduler.rewrite()).resolves.toBe('Background append only file rewriting scheduled');
    expect(scheduler.state.rewriteScheduled).toBe(true);
    expect(snapshotter.runs.map((run) => run.kind)).toEqual(['bgsave']);

    log.bytes = 500;
    await snapshotter.runs[0].finish({ startSeq: 7, keys: 3, droppedBatches: 2, droppedBytes: 900 });
    expect(snapshotter.runs.map((run) => run.kind)).toEqual(['bgsave', 'rewrite']);
    expect(scheduler.state).toMatchObject({ rewriteScheduled: false, saves: 1, lastStartSeq: 7, lastKeys: 3, aofBaseSize: 500 });
    expect(log.compacted).toEqual([[2, 900]]);
    await expect(scheduler.rewrite()).rejects.toMatchObject({ message: 'Background append only file rewriting already in progress' });

    await snapshotter.runs[1].finish();
    // rdb_saves counts the BGSAVE, not the rewrite (Redis's rdb_saves); aof_rewrites the rewrite.
    expect(scheduler.state).toMatchObject({ running: null, saves: 1, rewrites: 1, lastRewriteStatus: 'ok' });
    await scheduler.idle();
  });

  it('a failed automatic save is retried only after 5 s; a later success clears the error', async () => {
    const { clock, engine, snapshotter, scheduler, events } = setup({ save: [{ seconds: 60, changes: 1 }] });
    engine.lastSeq = 5;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(0); // a change, but not 60 s yet
    clock.now += 60_000;
    scheduler.tick();
    expect(snapshotter.runs.map((run) => run.kind)).toEqual(['auto']);
    await snapshotter.runs[0].fail(new Error('disk full'));
    expect(scheduler.state).toMatchObject({ lastStatus: 'err', lastError: 'disk full', running: null });
    expect(events.map((event) => event.type)).toEqual(['snapshot-started', 'snapshot-failed']);

    clock.now += 4_000;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(1);
    clock.now += 1_001;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(2);
    await snapshotter.runs[1].finish({ startSeq: 5 });
    expect(scheduler.state).toMatchObject({ lastStatus: 'ok', lastError: null, lastStartSeq: 5, lastSaveAt: clock.now });
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(2); // no change since the save's start
  });

  it('auto-rewrite starts when the log grew the percentage over its base and is past the minimum size', async () => {
    const { log, snapshotter, scheduler } = setup({ autoAofRewritePercentage: 100, autoAofRewriteMinSize: 1000 });
    log.bytes = 900;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(0); // below the minimum size
    log.bytes = 1500;
    scheduler.tick();
    expect(snapshotter.runs.map((run) => run.kind)).toEqual(['rewrite']);
    await snapshotter.runs[0].finish();
    expect(scheduler.state.aofBaseSize).toBe(1500);
    log.bytes = 2900;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(1); // 93% over 1500
    log.bytes = 3000;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(2);
    await snapshotter.runs[1].finish();
  });

  it('a failed automatic rewrite is retried after 5 s, then 10 s, doubling; a success clears the error', async () => {
    const { clock, log, snapshotter, scheduler } = setup({ autoAofRewritePercentage: 100, autoAofRewriteMinSize: 1000 });
    log.bytes = 1500;
    scheduler.tick();
    await snapshotter.runs[0].fail(new Error('disk full'));
    expect(scheduler.state).toMatchObject({ lastRewriteStatus: 'err', rewriteFailuresInARow: 1, lastError: 'disk full', lastStatus: 'ok' });
    for (let s = 0; s < 5; s++) {
      clock.now += 1000;
      scheduler.tick();
    }
    expect(snapshotter.runs).toHaveLength(1); // not every second
    clock.now += 1;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(2);
    await snapshotter.runs[1].fail(new Error('disk full'));
    clock.now += 6000;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(2); // 10 s after a second failure
    clock.now += 4001;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(3);
    await snapshotter.runs[2].finish();
    expect(scheduler.state).toMatchObject({ lastRewriteStatus: 'ok', rewriteFailuresInARow: 0, lastError: null });
  });

  it('once shutdown has begun nothing new starts; abort() stops the running snapshot and waits for it', async () => {
    const { engine, clock, snapshotter, scheduler, close } = setup({ save: [{ seconds: 1, changes: 1 }] });
    await scheduler.bgsave();
    await scheduler.rewrite(); // scheduled behind the BGSAVE
    close();
    await scheduler.abort();
    expect(snapshotter.aborted).toBe(1);
    expect(scheduler.state).toMatchObject({ running: null, lastStatus: 'ok' }); // an abort is not a failure
    expect(snapshotter.runs).toHaveLength(1); // the scheduled rewrite did not start
    engine.lastSeq = 10;
    clock.now += 10_000;
    scheduler.tick();
    expect(snapshotter.runs).toHaveLength(1);
  });
});
