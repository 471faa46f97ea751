// The settings the config page edits, with the browser-side checks that catch absurd values
// before they are sent (the server checks again and its error wins).

import { MAXMEMORY_POLICIES } from '@mnemo/contracts';

export const POLICIES = MAXMEMORY_POLICIES;

export interface SettingSpec {
  name: string;
  label: string;
  help: string;
  choices?: readonly string[];
  /** Returns an error text naming the field, or null when the value may be sent. */
  check(value: string): string | null;
}

const SIZE = /^\d+(b|k|kb|m|mb|g|gb)?$/i;

export const SETTINGS: SettingSpec[] = [
  {
    name: 'maxmemory',
    label: 'maxmemory',
    help: 'memory limit for the keyspace: bytes or 100mb, 2gb; 0 for none',
    check: (v) => (SIZE.test(v.trim()) ? null : `maxmemory: '${v}' is not a size (examples: 0, 1048576, 100mb, 2gb)`),
  },
  {
    name: 'maxmemory-policy',
    label: 'maxmemory-policy',
    help: 'which keys go when maxmemory is reached',
    choices: POLICIES,
    check: (v) => ((POLICIES as readonly string[]).includes(v) ? null : `maxmemory-policy: '${v}' is not a policy`),
  },
  {
    name: 'maxmemory-samples',
    label: 'maxmemory-samples',
    help: 'keys sampled per eviction (1–64)',
    check: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 64 ? null : `maxmemory-samples: '${v}' is not an integer from 1 to 64`),
  },
  {
    name: 'appendfsync',
    label: 'appendfsync',
    help: 'when the event log is fsynced',
    choices: ['always', 'everysec', 'no'],
    check: (v) => (['always', 'everysec', 'no'].includes(v) ? null : `appendfsync: '${v}' is not always, everysec or no`),
  },
  {
    name: 'save',
    label: 'save',
    help: 'snapshot points, pairs of "<seconds> <changes>"; empty disables',
    check: (v) => {
      const words = v.trim().split(/\s+/).filter(Boolean);
      return words.length % 2 === 0 && words.every((w) => /^\d+$/.test(w)) ? null : `save: '${v}' must be pairs of "<seconds> <changes>"`;
    },
  },
];
