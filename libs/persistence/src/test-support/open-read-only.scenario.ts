// Run by open-store.spec.ts in a child process with no write permission on the database file
// (as the user nobody when the tests run as root, whom file modes do not stop): what opening a
// database that can only be read answers. Prints { code, message } of the refusal, or "opened".
import { ModelEngine } from './model-engine';
import { Persistence } from '../persistence';
import { memoryLogger } from './temp-db';

const [dbPath, migrationsDir] = process.argv.slice(2);
Persistence.open(new ModelEngine(), { dbPath, migrationsDir, logger: memoryLogger(), save: [] }).then(
  async (opened) => {
    await opened.close();
    console.log(JSON.stringify({ outcome: 'opened' }));
  },
  (error: { code?: string; message: string }) => console.log(JSON.stringify({ outcome: 'refused', code: error.code, message: error.message })),
);
