// `npm run mnemo -- <command>` (in the Docker image: `node dist/apps/server/mnemo-cli.js <command>`):
// operator commands on the database file. backup runs beside a live server; repair-log needs it
// stopped (see docs/operations.md and docs/persistence.md).

import { chmodSync, constants, copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { backupDatabase, consoleLogger, repairLog, StoreError } from '@mnemo/persistence';
import { defaultPolicyFile } from '../http/ratelimit/policy-registry';

const USAGE = `usage: npm run mnemo -- backup <file> [--db <file>] [--policies <file>]
       npm run mnemo -- repair-log [--db <file>] [--backup <file>] [--drop-snapshot] [--migrations-dir <dir>]

  backup       copy the database, consistent as of one commit, while the server runs (or not), to
               <file> (a new file, created 0600), check the copy, and copy the rate-limit policies
               file beside it as <file name>.ratelimit-policies.json, the name a server started on
               the copy reads. Restore: stop the server, put the copy (and the policies file) in
               place of the database, start.
    --policies       the policies file to copy (default: <db name>.ratelimit-policies.json beside the db)

  repair-log   check the database; if the log is damaged, back the file up, then truncate the
               event log at the last good batch (the batch that failed its checksum or left a
               seq gap, and all after it, go). A sound file is left as it is, with no backup.
    --db             database file (default: $MNEMO_DB or ./data/mnemo.db)
    --backup         where the backup goes (default: <db>.bak-<unix ms>)
    --drop-snapshot  also delete the newest snapshot when it is damaged; start from the log alone
    --migrations-dir the project's prisma/migrations (default: $MNEMO_MIGRATIONS_DIR, else found
                     from the tool's own location)
Stop the server first: repair-log must be the only process using the file.`;

interface CliArgs {
  command: string | undefined;
  /** backup's destination. */
  target?: string;
  policies?: string;
  db: string;
  backup?: string;
  dropSnapshot: boolean;
  migrationsDir?: string;
}

/** Parses argv; throws an Error naming the unknown flag or missing value. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  const args: CliArgs = { command: undefined, db: env.MNEMO_DB || './data/mnemo.db', dropSnapshot: false, migrationsDir: env.MNEMO_MIGRATIONS_DIR || undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`option ${flag} needs a value`);
      return v;
    };
    if (flag === '--db') args.db = value();
    else if (flag === '--backup') args.backup = value();
    else if (flag === '--policies') args.policies = value();
    else if (flag === '--drop-snapshot') args.dropSnapshot = true;
    else if (flag === '--migrations-dir') args.migrationsDir = value();
    else if (flag === '--help' || flag === '-h') args.command = 'help';
    else if (!flag.startsWith('-') && args.command === undefined) args.command = flag;
    else if (!flag.startsWith('-') && args.command === 'backup' && args.target === undefined) args.target = flag;
    else throw new Error(`unknown argument '${arg}'`);
  }
  return args;
}

/** Runs the CLI; resolves with the process exit code (0 ok, 1 refused/failed, 2 usage). */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv, env);
  } catch (error) {
    console.error(`mnemo: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (args.command === 'backup') return backup(args);
  if (args.command !== 'repair-log') {
    console.error(args.command ? `mnemo: unknown command '${args.command}'\n${USAGE}` : USAGE);
    return 2;
  }
  try {
    const report = await repairLog({ dbPath: args.db, backupPath: args.backup, dropSnapshot: args.dropSnapshot, migrationsDir: args.migrationsDir, logger: consoleLogger });
    const outcome = report.firstBad
      ? `truncated at ${report.firstBad}; kept ${report.keptBatches} batches (up to seq ${report.lastGoodSeq}), dropped ${report.droppedBatches}`
      : `the log is sound (${report.keptBatches} batches, up to seq ${report.lastGoodSeq}); nothing truncated`;
    console.log(`repair-log: ${outcome}. ${report.backupPath ? `Backup: ${report.backupPath}` : 'Nothing changed, so no backup was written.'}`);
    if (report.snapshotDamage && report.droppedSnapshotId === null) {
      console.error(`repair-log: the newest snapshot is damaged (${report.snapshotDamage}); rerun with --drop-snapshot to start from the log alone`);
      return 1;
    }
    return 0;
  } catch (error) {
    const code = error instanceof StoreError ? ` [${error.code}]` : '';
    console.error(`mnemo repair-log failed${code}: ${(error as Error).message}`);
    return 1;
  }
}

/** `backup <file>`: the database, checked, and its policies file beside it. */
function backup(args: CliArgs): number {
  if (args.target === undefined) {
    console.error(`mnemo: backup needs a destination file\n${USAGE}`);
    return 2;
  }
  try {
    const report = backupDatabase(args.db, args.target);
    console.log(`backup: ${report.source} -> ${report.destination} (${report.bytes} bytes, ${report.ms} ms, checked)`);
    const policies = args.policies ?? defaultPolicyFile(args.db);
    if (existsSync(policies)) {
      const copy = defaultPolicyFile(report.destination);
      copyFileSync(policies, copy, constants.COPYFILE_EXCL); // never over an existing file
      chmodSync(copy, 0o600);
      console.log(`backup: rate-limit policies ${path.resolve(policies)} -> ${copy}`);
    } else if (args.policies !== undefined) {
      console.error(`mnemo backup: no policies file at ${path.resolve(policies)}`);
      return 1;
    }
    return 0;
  } catch (error) {
    const code = error instanceof StoreError ? ` [${error.code}]` : '';
    console.error(`mnemo backup failed${code}: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
