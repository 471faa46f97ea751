// How live keyspace changes update the key table's rows.
import type { KeyspaceChange } from '@mnemo/contracts';
import { applyBatch, KeyRow, MAX_LIVE_ROWS } from './key-rows';

function row(key: string): KeyRow {
  return { key, type: 'string', expiresAt: null, size: 10, gone: false, version: 0 };
}

function change(kind: KeyspaceChange['kind'], key: string, extra: Partial<KeyspaceChange> = {}): KeyspaceChange {
  return { kind, event: kind, key, addressable: true, type: kind === 'set' ? 'string' : null, ttlMs: null, size: kind === 'set' ? 20 : null, seq: 1, ...extra };
}

const all = () => true;

describe('applyBatch', () => {
  it('refreshes a set key, strikes removed ones and adds new matching keys on top', () => {
    const rows = applyBatch([row('a'), row('b')], { changes: [change('set', 'b', { ttlMs: 5000 }), change('del', 'a'), change('set', 'c')], dropped: 0 }, 1000, all, true);
    expect(rows.map((r) => [r.key, r.gone])).toEqual([
      ['c', false],
      ['a', true],
      ['b', false],
    ]);
    expect(rows[2]).toMatchObject({ expiresAt: 6000, size: 20, version: 1 });
  });

  it('ignores keys the feed marks not addressable: no row, and no change to the row of the key their text reads as', () => {
    // "live\xff" reads as "live\ufffd", which is also the exact text of another key.
    const rows = applyBatch([row('live\ufffd')], { changes: [change('del', 'live\ufffd', { addressable: false }), change('set', 'x'.repeat(2000), { addressable: false })], dropped: 0 }, 0, all, true);
    expect(rows).toEqual([row('live\ufffd')]);
  });

  it('does not add keys that do not match, nor any key when not on the first page', () => {
    const batch = { changes: [change('set', 'user:1'), change('set', 'session:1')], dropped: 0 };
    expect(applyBatch([], batch, 0, (k) => k.startsWith('session:'), true).map((r) => r.key)).toEqual(['session:1']);
    expect(applyBatch([], batch, 0, all, false)).toEqual([]);
  });

  it('treats evict and expire as removals and a flushall as removing every row', () => {
    const evicted = applyBatch([row('a'), row('b')], { changes: [change('evict', 'a')], dropped: 0 }, 0, all, true);
    expect(evicted.map((r) => r.gone)).toEqual([true, false]);
    const flushed = applyBatch([row('a'), row('b')], { changes: [change('del', '*', { event: 'flushall' })], dropped: 0 }, 0, all, true);
    expect(flushed.every((r) => r.gone)).toBe(true);
  });

  it('keeps at most MAX_LIVE_ROWS rows added live, the newest, however many batches bring, besides the scanned rows', () => {
    let rows = [row('scanned')];
    for (let batchNumber = 0; batchNumber < 20; batchNumber++) {
      const changes = Array.from({ length: 100 }, (_, i) => change('set', `new:${batchNumber}:${i}`));
      rows = applyBatch(rows, { changes, dropped: 0 }, 0, all, true);
    }
    expect(rows).toHaveLength(MAX_LIVE_ROWS + 1);
    expect(rows[0].key).toBe('new:19:99');
    expect(rows[MAX_LIVE_ROWS - 1].key).toBe('new:18:0');
    expect(rows[MAX_LIVE_ROWS].key).toBe('scanned');
    // A live row that is then deleted still counts (struck through) until newer ones push it out.
    rows = applyBatch(rows, { changes: [change('del', 'new:19:99')], dropped: 0 }, 0, all, true);
    expect(rows[0]).toMatchObject({ key: 'new:19:99', gone: true });
  });

  it('brings a deleted row back when the key is set again', () => {
    const gone = applyBatch([row('a')], { changes: [change('del', 'a')], dropped: 0 }, 0, all, true);
    const back = applyBatch(gone, { changes: [change('set', 'a')], dropped: 0 }, 0, all, true);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ gone: false, version: 2 });
  });
});
