// HTTP contracts of the admin API (/v1/admin).

import { z } from 'zod';

/** A config value as CONFIG SET takes it; a JSON number or boolean is taken as its text (5 -> "5", true -> "yes"). */
const ConfigValue = z.preprocess(
  (value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value),
  z.string().max(4096),
);

export const ConfigSetSchema = z.object({ value: ConfigValue }).strict();

/** Flushing needs `{ "confirm": "FLUSHALL" }`, so a stray POST cannot wipe the keyspace. */
export const FlushSchema = z.object({ confirm: z.literal('FLUSHALL') }).strict();

export type AdminInfo = Record<string, Record<string, string | number | boolean | null>>;
