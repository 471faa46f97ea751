// Number, size and time formatting shared by the dashboard's widgets.

/** 1536 → "1.5 KiB"; 0 → "0 B". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(Math.round(value)) : value.toFixed(value < 10 ? 2 : 1);
  return `${bytes < 0 ? '-' : ''}${text} ${units[unit]}`;
}

/** 1234567 → "1,234,567"; fractional rates keep one decimal below 10. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) < 10 && !Number.isInteger(value)) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/** 0.9731 → "97.3%"; null (no reads) → "–". */
export function formatPercent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '–' : `${(ratio * 100).toFixed(1)}%`;
}

/**
 * A remaining TTL for the key table: "no TTL", "expired", or the largest two units.
 * Examples: 4_500 → "4s", 95_000 → "1m 35s", 7_380_000 → "2h 3m", 90_000_000 → "1d 1h".
 */
export function formatTtl(ttlMs: number | null): string {
  if (ttlMs === null) return 'no TTL';
  if (ttlMs <= 0) return 'expired';
  const seconds = Math.ceil(ttlMs / 1000);
  const parts: Array<[number, string]> = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor((seconds % 86400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  return parts
    .slice(first, first + 2)
    .filter(([amount], index) => index === 0 || amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(' ');
}

/** Milliseconds as "850 ms" or "2.3 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Time of day, HH:MM:SS in the browser's zone. */
export function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}
