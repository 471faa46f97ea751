// notify-keyspace-events flags as Redis spells them ("KEA", "Ex", ...): parsed into class bits
// and written back in Redis's canonical order. Shared by the config (checked at start-up) and
// the keyspace notifications (resp/pubsub/keyspace-events.ts, which says what each class means).

import { MnemoError } from '@mnemo/engine';

export const CLASS_BITS: Record<string, number> = {
  g: 1 << 0,
  $: 1 << 1,
  l: 1 << 2,
  s: 1 << 3,
  h: 1 << 4,
  z: 1 << 5,
  x: 1 << 6,
  e: 1 << 7,
  t: 1 << 8,
  d: 1 << 9,
  n: 1 << 10,
  m: 1 << 11,
  K: 1 << 12,
  E: 1 << 13,
};
const ALL_CLASSES = 'g$lshzxetd';
const ALL = [...ALL_CLASSES].reduce((bits, c) => bits | CLASS_BITS[c], 0);
export const KEYSPACE = CLASS_BITS.K;
export const KEYEVENT = CLASS_BITS.E;

/** Parses Redis's flag string; throws MnemoError with Redis's CONFIG SET wording on a bad character. */
export function parseKeyspaceEvents(text: string): number {
  let flags = 0;
  for (const c of text) {
    if (c === 'A') flags |= ALL;
    else if (CLASS_BITS[c] !== undefined) flags |= CLASS_BITS[c];
    else throw new MnemoError('ERR', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  return flags;
}

/** The canonical string CONFIG GET shows (Redis's keyspaceEventsFlagsToString). */
export function formatKeyspaceEvents(flags: number): string {
  let out = '';
  if ((flags & ALL) === ALL) out += 'A';
  else for (const c of `${ALL_CLASSES}n`) if (flags & CLASS_BITS[c]) out += c;
  if (flags & KEYSPACE) out += 'K';
  if (flags & KEYEVENT) out += 'E';
  if (flags & CLASS_BITS.m) out += 'm';
  return out;
}
