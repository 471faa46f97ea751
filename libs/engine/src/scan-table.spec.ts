// ScanTable: id order, tombstones, incremental compaction with its gap, seek and random picks.
import { Entry } from './entry';
import { ScanTable } from './scan-table';
import { seededRandom } from './test-support';

function walk(table: ScanTable, fromId: number): number[] {
  const ids: number[] = [];
  for (let i = table.seek(fromId); i < table.slots.length; i = table.skipGap(i + 1)) {
    const e = table.slots[i];
    if (e.slot !== -1) ids.push(e.id);
  }
  return ids;
}

describe('ScanTable', () => {
  test('walks live entries in id order from any cursor, during and after incremental compaction', () => {
    const rnd = seededRandom(21);
    const table = new ScanTable();
    const live = new Map<number, Entry>();
    for (let step = 0; step < 20000; step++) {
      const r = rnd();
      if (r < 0.45) {
        const e = new Entry(`k${step}`, 'v', null, 0);
        table.add(e);
        live.set(e.id, e);
      } else if (r < 0.9 && live.size > 0) {
        const ids = [...live.keys()];
        const id = ids[Math.floor(rnd() * ids.length)];
        table.remove(live.get(id) as Entry);
        live.delete(id);
      } else {
        table.compactStep(1 + Math.floor(rnd() * 50));
      }
      if (step % 500 === 0) {
        const sorted = [...live.keys()].sort((a, b) => a - b);
        const from = sorted.length > 0 ? sorted[Math.floor(rnd() * sorted.length)] : 1;
        expect(walk(table, from)).toEqual(sorted.filter((id) => id >= from));
        expect(table.live).toBe(live.size);
        for (const e of live.values()) expect(table.slots[e.slot]).toBe(e);
      }
    }
    expect(table.slots.length).toBeLessThan(live.size * 3 + 200);
  });

  test('random picks only live entries, also with a gap', () => {
    const table = new ScanTable();
    const entries = Array.from({ length: 1000 }, (_, i) => new Entry(`k${i}`, 'v', null, 0));
    for (const e of entries) table.add(e);
    for (let i = 0; i < 800; i++) table.remove(entries[i]);
    table.compactStep(300);
    expect(table.compacting).toBe(true);
    const rnd = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const e = table.random(rnd);
      expect(e).not.toBeNull();
      expect((e as Entry).slot).not.toBe(-1);
    }
    while (table.compactStep(100));
    expect(table.slots.length).toBe(200);
    expect(table.live).toBe(200);
  });
});
