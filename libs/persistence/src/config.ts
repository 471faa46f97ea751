// Persistence options: their typed form, CONFIG GET/SET text form and validation with Redis's wording.

import { MnemoError } from '@mnemo/engine';
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

export const PERSISTENCE_OPTIONS = ['appendonly', 'appendfsync', 'save', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size', 'aof-load-truncated'] as const;
export type PersistenceOptionName = (typeof PERSISTENCE_OPTIONS)[number];

function invalid(name: string, allowed: string): MnemoError {
  return new MnemoError('ERR', `CONFIG SET failed (possibly related to argument '${name}') - argument must be ${allowed}`);
}

function yesNo(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v !== 'yes' && v !== 'no') throw invalid(name, "one of 'yes', 'no'");
  return v === 'yes';
}

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };

/** Parses "3600 1 300 100" into save points ("" disables); throws MnemoError ERR naming 'save'. */
export function parseSave(value: string): SavePoint[] {
  const words = value.trim().split(/\s+/).filter(Boolean);
  if (words.length % 2 !== 0 || words.some((word) => !/^\d+$/.test(word))) throw invalid('save', 'pairs of "<seconds> <changes>", or "" to disable');
  const points: SavePoint[] = [];
  for (let i = 0; i < words.length; i += 2) points.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) });
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
      const v = value.trim().toLowerCase();
      if (v !== 'always' && v !== 'everysec' && v !== 'no') throw invalid(name, "one of 'always', 'everysec', 'no'");
      return { ...settings, appendfsync: v };
    }
    case 'save':
      return { ...settings, save: parseSave(value) };
    case 'auto-aof-rewrite-percentage': {
      if (!/^\d+$/.test(value.trim())) throw invalid(name, 'an integer >= 0');
      return { ...settings, autoAofRewritePercentage: Number(value) };
    }
    case 'auto-aof-rewrite-min-size': {
      const match = /^(\d+)([a-z]*)$/i.exec(value.trim());
      const unit = match ? SIZE_UNITS[(match[2] || 'b').toLowerCase()] : undefined;
      if (!match || unit === undefined) throw invalid(name, 'a size like 0, 1048576, 64mb');
      return { ...settings, autoAofRewriteMinSize: Number(match[1]) * unit };
    }
    case 'aof-load-truncated':
      return { ...settings, aofLoadTruncated: yesNo(name, value) };
  }
}

export function isPersistenceOption(name: string): name is PersistenceOptionName {
  return (PERSISTENCE_OPTIONS as readonly string[]).includes(name);
}

/** Redis-style glob (*, ?, [abc]) match, case-insensitive, for CONFIG GET patterns. */
export function globMatch(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(text);
}
