// KeyTable: the sharded key -> Entry map behaves as one Map.

import { Entry } from './entry';
import { KeyTable } from './key-table';
import { seededRandom } from './test-support';

const entry = (key: string): Entry => new Entry(key, 'v', null, 0);

describe('KeyTable', () => {
  it('gets, replaces, deletes and counts like a Map for any key, including empty and one-byte keys', () => {
    const table = new KeyTable();
    const model = new Map<string, Entry>();
    const random = seededRandom(7);
    const keys = ['', 'a', '\u00ff', 'ab', ...Array.from({ length: 500 }, (_, i) => `key:${i}`), ...Array.from({ length: 200 }, (_, i) => `sess:${Math.floor(random() * 1e9).toString(36)}:${i}`)];
    for (let step = 0; step < 20_000; step++) {
      const key = keys[Math.floor(random() * keys.length)];
      if (random() < 0.6) {
        const e = entry(key);
        expect(table.set(key, e)).toBe(!model.has(key));
        model.set(key, e);
      } else {
        expect(table.delete(key)).toBe(model.delete(key));
      }
      expect(table.size).toBe(model.size);
    }
    for (const key of keys) expect(table.get(key)).toBe(model.get(key));
    table.clear();
    expect(table.size).toBe(0);
    for (const key of keys) expect(table.get(key)).toBeUndefined();
  });
});
