// Formatting of sizes, rates and TTLs as the dashboard shows them.
import { formatBytes, formatPercent, formatTtl } from './format';

describe('formatTtl', () => {
  it.each([
    [null, 'no TTL'],
    [0, 'expired'],
    [4_500, '5s'],
    [95_000, '1m 35s'],
    [3_600_000, '1h'],
    [7_380_000, '2h 3m'],
    [90_000_000, '1d 1h'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatTtl(ms)).toBe(text);
  });
});

describe('formatBytes / formatPercent', () => {
  it('picks binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(100 * 1024 * 1024)).toBe('100.0 MiB');
  });
  it('shows a dash when there were no reads', () => {
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(0.9731)).toBe('97.3%');
  });
});
