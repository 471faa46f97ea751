// Opens the SQLite file through Prisma: refuses foreign or newer files, applies migrations,
// stamps new files as Mnemo's and sets WAL mode.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { PrismaClient } from '@prisma/client';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { applyMigrations, findMigrationsDir, loadMigrations } from './migrations';
import { upgradePayloads, type PayloadUpgrade } from './payload-format';
import { createPrivateFile } from './private-file';
import { StoreError } from './store-errors';

/**
 * Format this build writes; a file with a higher schema_version is refused. 2: every payload is
 * raw-deflated (schema-1 files are upgraded at open, see payload-format.ts).
 */
export const SCHEMA_VERSION = 2;
export const FORMAT_NAME = 'mnemo';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export interface OpenStoreOptions {
  /** Directory of committed migrations (default: found by findMigrationsDir). */
  migrationsDir?: string;
  /** better-sqlite3 busy timeout in ms. Default 2000. */
  busyTimeoutMs?: number;
}

export interface OpenedStore {
  prisma: PrismaClient;
  /** Absolute path of the database file. */
  path: string;
  /** True when this call created the file's tables. */
  created: boolean;
  /** True when the file existed but was empty (0 bytes), and this call made it a new database. */
  wasEmptyFile: boolean;
  /** Migrations applied by this call. */
  migrated: string[];
  /** Set when this call upgraded an older file's payloads to SCHEMA_VERSION. */
  payloadUpgrade: PayloadUpgrade | null;
}

/** A Prisma client on `file` through the better-sqlite3 adapter (no engine binary). */
export function createPrismaClient(file: string, busyTimeoutMs = 2000): PrismaClient {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: busyTimeoutMs }) });
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens (creating it and its directory if missing) the database at `dbPath`.
 * Throws StoreError: NOT_MNEMO for a file that is not SQLite or holds tables without Mnemo's
 * stamp; NEWER_SCHEMA for a file from a newer Mnemo; MIGRATIONS_MISSING; OPEN_FAILED. In every
 * refusal the file is left exactly as it was.
 */
export async function openStore(dbPath: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const file = path.resolve(dbPath);
  const migrations = loadMigrations(findMigrationsDir(options.migrationsDir));
  const wasEmptyFile = existsSync(file) && statSync(file).isFile() && statSync(file).size === 0;
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new StoreError('NOT_MNEMO', `${file} is a directory, not a Mnemo database file`);
    if (statSync(file).size > 0 && readHeader(file) !== SQLITE_MAGIC) {
      throw new StoreError('NOT_MNEMO', `${file} is not a SQLite database, so not a Mnemo database; refusing to open or overwrite it`);
    }
  } else {
    createPrivateFile(file);
  }
  const prisma = createPrismaClient(file, options.busyTimeoutMs);
  try {
    const tables = (
      await prisma.$queryRawUnsafe<Array<{ name: string }>>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ).map((row) => row.name);
    const fresh = tables.length === 0;
    const version = fresh ? SCHEMA_VERSION : await checkIdentity(prisma, file, tables);
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    if (!fresh) await probeWrite(prisma);
    const stamp = fresh
      ? [
          `INSERT INTO meta (key, value) VALUES ('format', '${FORMAT_NAME}')`,
          `INSERT INTO meta (key, value) VALUES ('schema_version', '${SCHEMA_VERSION}')`,
          `INSERT INTO meta (key, value) VALUES ('created_at', '${Date.now()}')`,
        ]
      : [];
    const migrated = await applyMigrations(prisma, migrations, stamp);
    const payloadUpgrade = version < SCHEMA_VERSION ? await upgradePayloads(prisma, SCHEMA_VERSION) : null;
    return { prisma, path: file, created: fresh, migrated, payloadUpgrade, wasEmptyFile };
  } catch (error) {
    await prisma.$disconnect();
    if (error instanceof StoreError) throw error;
    throw sqliteFileError(file, error) ?? new StoreError('OPEN_FAILED', `cannot open ${file}: ${sqliteMessage(error)}`);
  }
}

const PROBE_ROLLBACK = new Error('probe: roll back');

/**
 * A file SQLite could only open read-only (no write permission) reads fine and fails at the
 * first commit: find out at open, rather than after the first acknowledged writes, with one
 * write in a transaction that is rolled back (the file is not changed). Throws SQLite's error.
 */
async function probeWrite(prisma: PrismaClient): Promise<void> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("UPDATE meta SET value = value WHERE key = 'format'");
      throw PROBE_ROLLBACK;
    });
  } catch (error) {
    if (error !== PROBE_ROLLBACK) throw error;
  }
}

/**
 * SQLite's own words from a Prisma error, whose message starts with "Invalid
 * `prisma.$queryRawUnsafe()` invocation:" and ends with the cause.
 */
function sqliteMessage(error: unknown): string {
  const lines = String((error as Error)?.message ?? error)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? 'unknown error';
}

/**
 * The refusal for an error SQLite raised while opening or reading `file` when it says what is
 * wrong with the file (not a database, read-only, damaged), naming it and what to do; else null.
 */
export function sqliteFileError(file: string, error: unknown): StoreError | null {
  const cause = sqliteMessage(error);
  if (/file is not a database|SQLITE_NOTADB/i.test(cause)) {
    return new StoreError('NOT_MNEMO', `${file} is not a SQLite database, so not a Mnemo database; refusing to open or overwrite it`);
  }
  if (/readonly|read-only|SQLITE_READONLY/i.test(cause)) {
    return new StoreError(
      'READ_ONLY',
      `cannot write to ${file} (SQLite: ${cause}); Mnemo writes its database: give this process write permission on the file, ${path.basename(file)}-wal, ${path.basename(file)}-shm and their directory`,
    );
  }
  if (/malformed|SQLITE_CORRUPT/i.test(cause)) {
    return new StoreError(
      'CORRUPT',
      `${file} is damaged (SQLite: ${cause}); it was left as it is. Restore it from a backup (npm run mnemo -- backup makes them), or salvage what SQLite can still read with a sqlite3 shell built with .recover (Debian 12's is not): sqlite3 ${file} .recover | sqlite3 recovered.db, and check recovered.db before starting on it`,
    );
  }
  return null;
}

/** Refuses a file that is not Mnemo's or is newer than this build; returns its schema_version. */
async function checkIdentity(prisma: PrismaClient, file: string, tables: string[]): Promise<number> {
  const foreign = `${file} is not a Mnemo database (it holds tables ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); refusing to open or overwrite it`;
  if (!tables.includes('meta')) throw new StoreError('NOT_MNEMO', foreign);
  let rows: Array<{ key: string; value: string }>;
  try {
    rows = await prisma.$queryRawUnsafe("SELECT key, value FROM meta WHERE key IN ('format', 'schema_version')");
  } catch {
    throw new StoreError('NOT_MNEMO', foreign);
  }
  const meta = new Map(rows.map((row) => [row.key, row.value]));
  if (meta.get('format') !== FORMAT_NAME) throw new StoreError('NOT_MNEMO', foreign);
  const version = Number(meta.get('schema_version'));
  // Checked here, before anything writes to the file (WAL mode, migrations): a refusal leaves it as it was.
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreError('NOT_MNEMO', `${file} says Mnemo schema version ${String(meta.get('schema_version'))}, which no Mnemo build wrote; refusing to open or change it`);
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `${file} has Mnemo schema version ${meta.get('schema_version')}, newer than this build's ${SCHEMA_VERSION}; upgrade Mnemo to open it`,
    );
  }
  return version;
}
