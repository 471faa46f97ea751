// Applies the committed Prisma migrations (prisma/migrations/*/migration.sql) at start-up.
//
// Design note. `prisma migrate deploy` needs the CLI and its config at run time; the server
// instead runs the same committed SQL itself, recording each in Prisma's own `_prisma_migrations`
// table (same columns, sha256 checksum of the file), so the CLI and the server agree on what is
// applied. A migration recorded in the file but unknown to this build means the file was written
// by a newer Mnemo: refused, never touched.

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { StoreError } from './store-errors';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/**
 * Finds prisma/migrations: `explicit` if given (the server's migrations-dir option), else the
 * first prisma/migrations found walking up from this file's directory and from the working
 * directory (the source tree, dist/apps/server and a Docker image's /app all reach the
 * repository root).
 */
export function findMigrationsDir(explicit?: string): string {
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new StoreError('MIGRATIONS_MISSING', `migrations directory '${explicit}' does not exist (option migrations-dir)`);
  }
  const candidates: string[] = [];
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, 'prisma', 'migrations'));
      if (path.dirname(dir) === dir) break;
    }
  }
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) {
    const looked = candidates.slice(0, 4).join(', ');
    throw new StoreError('MIGRATIONS_MISSING', `cannot find prisma/migrations (looked in ${looked}, ...); point the server's migrations-dir option (MNEMO_MIGRATIONS_DIR) at the project's prisma/migrations`);
  }
  return found;
}

/** Reads the committed migrations in name (timestamp) order. */
export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Splits a migration script into statements (Prisma writes one statement per `;` line end). */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter(Boolean);
}

/** Names of migrations already applied (finished, not rolled back). */
export async function appliedMigrations(prisma: PrismaClient): Promise<string[]> {
  await prisma.$executeRawUnsafe(MIGRATIONS_TABLE);
  const rows = await prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
    'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
  );
  return rows.map((row) => row.migration_name);
}

/**
 * Applies every migration of `migrations` not yet applied, each in one transaction together with
 * its _prisma_migrations row and the `extra` statements (used to stamp a new file as Mnemo's in
 * the same transaction that creates its tables). Throws StoreError NEWER_SCHEMA if the file
 * records a migration this build does not know. Returns the names applied.
 */
export async function applyMigrations(prisma: PrismaClient, migrations: Migration[], extra: string[] = []): Promise<string[]> {
  const applied = await appliedMigrations(prisma);
  const known = new Set(migrations.map((migration) => migration.name));
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `the database was migrated by a newer Mnemo (unknown migrations: ${unknown.join(', ')}); refusing to open it with this version`,
    );
  }
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.includes(migration.name)) continue;
    const statements = splitStatements(migration.sql).map((statement) => prisma.$executeRawUnsafe(statement));
    const stamp = done.length === 0 ? extra.map((statement) => prisma.$executeRawUnsafe(statement)) : [];
    await prisma.$transaction([
      ...statements,
      ...stamp,
      prisma.$executeRawUnsafe(
        'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count, started_at) VALUES (?, ?, ?, ?, 1, ?)',
        randomUUID(),
        migration.checksum,
        Date.now(),
        migration.name,
        Date.now(),
      ),
    ]);
    done.push(migration.name);
  }
  return done;
}
