// Upgrade of schema-1 files to schema 2, the stamp that says every payload is raw-deflated.
//
// Design note. Every Mnemo build that ever wrote a file stored its log and snapshot payloads
// raw-deflated, with the checksum over the deflated bytes; the builds before schema 2 did the
// same but stamped schema_version 1. So a schema-1 file already holds what schema 2 describes and
// opening one only restamps it:
//
//   meta.schema_version '1'  ->  '2'           (payloads untouched; recovery checks each one)
//   meta.schema_version '0', '1.5', ...         ->  refused, NOT_MNEMO (no build wrote these)
//   meta.schema_version above SCHEMA_VERSION    ->  refused earlier by openStore, NEWER_SCHEMA
//
// (An upgrade path for schema-1 files with uncompressed payloads existed for a while. No build
// ever wrote such a file, so it is gone; one would be refused by recovery as damaged, naming the
// first payload that does not inflate.)

import type { PrismaClient } from '@prisma/client';
import { StoreError } from './store-errors';

/** The only schema older than 2 that a Mnemo build wrote. */
const SCHEMA_1 = 1;

export interface PayloadUpgrade {
  /** The schema_version the file had before this open stamped it. */
  fromVersion: number;
}

/**
 * Brings a file stamped with an older schema_version (found by openStore to be below
 * `toVersion`) to `toVersion`. Schema 1: restamps it, one UPDATE, payloads untouched. Throws
 * StoreError NOT_MNEMO, file untouched, for any other older version (no Mnemo build wrote one),
 * or whatever SQLite throws.
 */
export async function upgradePayloads(prisma: PrismaClient, toVersion: number): Promise<PayloadUpgrade> {
  const rows = await prisma.$queryRawUnsafe<Array<{ value: string }>>("SELECT value FROM meta WHERE key = 'schema_version'");
  const stamped = rows[0]?.value;
  const fromVersion = Number(stamped);
  if (fromVersion !== SCHEMA_1) {
    throw new StoreError('NOT_MNEMO', `the file says Mnemo schema version ${String(stamped)}, which no Mnemo build wrote; refusing to open or change it`);
  }
  await prisma.$executeRawUnsafe("UPDATE meta SET value = ? WHERE key = 'schema_version'", String(toVersion));
  return { fromVersion };
}
