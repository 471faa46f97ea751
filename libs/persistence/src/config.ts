// Persistence options: their typed form, CONFIG GET/SET text form and validation with Redis's wording.

import { configSetFailed, parseIntegerConfig, parseMemoryConfig } from '@mnemo/engine';
import type { FsyncPolicy } from './log/event-log';

export interface SavePoint {
  seconds: number;
  changes: number;
}

export interface PersistenceSettings {
  appendonly: boolean;
  appendfsync: FsyncPolicy;
  save: SavePoint[];
  autoAofRewritePercentage: number;
  autoAofRewriteMinSize: number;
  aofLoadTruncated: boolean;
}

export const DEFAULT_SETTINGS: PersistenceSettings = {
  appendonly: true,
  appendfsync: 'everysec',
  save: [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ],
  autoAofRewritePercentage: 100,
  autoAofRewriteMinSize: 64 * 1024 * 1024,
  aofLoadTruncated: true,
};

const INT_MAX = 2147483647;

export const PERSISTENCE_OPTIONS = ['appendonly', 'appendfsync', 'save', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size', 'aof-load-truncated'] as const;
export type PersistenceOptionName = (typeof PERSISTENCE_OPTIONS)[number];

/** Redis's yesnotoi: 'yes' or 'no' in any case, nothing around them. */
function yesNo(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v !== 'yes' && v !== 'no') throw configSetFailed(name, "argument must be 'yes' or 'no'");
  return v === 'yes';
}

/**
 * Parses "3600 1 300 100" into save points ("" disables); throws MnemoError ERR naming 'save'.
 * Redis 7.0's rules: the text is split at each single space, an even number of parts, each a
 * whole integer (an empty part is 0), seconds >= 1 and changes >= 0. So "10 " is "10 0", and
 * "  " (three empty parts) is invalid.
 */
export function parseSave(value: string): SavePoint[] {
  if (value === '') return [];
  const parts = value.split(' ');
  const numbers = parts.map((part) => (part === '' ? 0 : /^[+-]?\d+$/.test(part) ? Number(part) : NaN));
  const valid = parts.length % 2 === 0 && numbers.every((n, i) => Number.isSafeInteger(n) && n >= (i % 2 === 0 ? 1 : 0));
  if (!valid) throw configSetFailed('save', 'Invalid save parameters');
  const points: SavePoint[] = [];
  for (let i = 0; i < numbers.length; i += 2) points.push({ seconds: numbers[i], changes: numbers[i + 1] });
  return points;
}

export function formatSave(points: SavePoint[]): string {
  return points.map((point) => `${point.seconds} ${point.changes}`).join(' ');
}

/** The text CONFIG GET answers for each persistence option. */
export function settingsToText(settings: PersistenceSettings): Record<PersistenceOptionName, string> {
  return {
    appendonly: settings.appendonly ? 'yes' : 'no',
    appendfsync: settings.appendfsync,
    save: formatSave(settings.save),
    'auto-aof-rewrite-percentage': String(settings.autoAofRewritePercentage),
    'auto-aof-rewrite-min-size': String(settings.autoAofRewriteMinSize),
    'aof-load-truncated': settings.aofLoadTruncated ? 'yes' : 'no',
  };
}

/**
 * Returns `settings` with option `name` set from its text `value`. Throws MnemoError ERR with
 * Redis's CONFIG SET wording and the allowed values when the value is invalid.
 */
export function applySetting(settings: PersistenceSettings, name: PersistenceOptionName, value: string): PersistenceSettings {
  switch (name) {
    case 'appendonly':
      return { ...settings, appendonly: yesNo(name, value) };
    case 'appendfsync': {
      // Listed in Redis's order (its aof_fsync_enum), as its error text lists them.
      const v = value.toLowerCase();
      if (v !== 'always' && v !== 'everysec' && v !== 'no') throw configSetFailed(name, 'argument(s) must be one of the following: everysec, always, no');
      return { ...settings, appendfsync: v };
    }
    case 'save':
      return { ...settings, save: parseSave(value) };
    case 'auto-aof-rewrite-percentage':
      return { ...settings, autoAofRewritePercentage: parseIntegerConfig(name, value, 0, INT_MAX) };
    case 'auto-aof-rewrite-min-size':
      return { ...settings, autoAofRewriteMinSize: parseMemoryConfig(name, value, 0) };
    case 'aof-load-truncated':
      return { ...settings, aofLoadTruncated: yesNo(name, value) };
  }
}

export function isPersistenceOption(name: string): name is PersistenceOptionName {
  return (PERSISTENCE_OPTIONS as readonly string[]).includes(name);
}
