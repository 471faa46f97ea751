// HTTP contracts of the admin API (/v1/admin).

import { z } from 'zod';

export const ConfigSetSchema = z.object({ value: z.string().max(4096) }).strict();

/** Flushing needs `{ "confirm": "FLUSHALL" }`, so a stray POST cannot wipe the keyspace. */
export const FlushSchema = z.object({ confirm: z.literal('FLUSHALL') }).strict();

export type AdminInfo = Record<string, Record<string, string | number | boolean | null>>;
