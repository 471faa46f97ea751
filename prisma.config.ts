import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

// The CLI talks to SQLite through the JS adapter so that it never downloads an engine binary.
const dbFile = path.resolve(process.env.MNEMO_DB ?? 'data/mnemo.db');
mkdirSync(path.dirname(dbFile), { recursive: true });

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  async adapter() {
    return new PrismaBetterSQLite3({ url: `file:${dbFile}` });
  },
});
