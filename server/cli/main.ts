import { resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { MigrationError, migrateDatabase } from '../db/migrate.ts';
import { acquireLock, DataDirInUseError, lockHolder } from '../db/lock.ts';
import { isOffline, parseCommand, runCommand, usage, type CommandResult, type OfflineCommand } from './commands.ts';
import { sendCommand } from './socket.ts';
import { wireSubscribers } from '../subscribers.ts';
import { restoreBackup, RestoreRefusedError } from '../backups/restore.ts';
import { BadBackupError } from '../backups/archive.ts';
import { moveDatabase, moveTarget } from '../backups/move.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

// npm runs scripts in the project's folder; a file named on the command line is where the admin was.
const here = process.env.INIT_CWD ?? process.cwd();

/** Restoring and moving replace a whole database, so they run here and only with the node stopped. */
async function runOffline(command: OfflineCommand, config: Config): Promise<CommandResult> {
  const storage = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
  if (!config.databaseUrl && lockHolder(config.dataDir)) return { code: 1, out: '', err: `The node is running on ${config.dataDir}: stop it first.` };
  if (command.name === 'backup-restore') {
    const restored = await restoreBackup(resolve(here, command.file), storage, { replace: command.replace });
    return {
      code: 0,
      out: `restored ${restored.rows} rows in ${restored.tables} tables and ${restored.files} files from a backup made ${restored.madeAt} (schema ${restored.schema}); the database is now at ${restored.migratedTo}\n`,
      err: '',
    };
  }
  const to = moveTarget(command.target, storage, here);
  const moved = await moveDatabase(storage, to);
  const start = to.databaseUrl ? `DATABASE_URL=${to.databaseUrl}` : `DATA_DIR=${to.dataDir} (with DATABASE_URL unset)`;
  return {
    code: 0,
    out: `copied ${moved.rows} rows in ${moved.tables} tables; every table's rows and checksum match the original.\nStart the node with ${start}. Uploaded files stay in ${config.dataDir}/uploads: keep DATA_DIR=${config.dataDir}${to.databaseUrl ? '' : ' or move them along'}.\n`,
    err: '',
  };
}

async function run(args: string[]): Promise<CommandResult> {
  // Bad words and help need no database, so they answer at once.
  const command = parseCommand(args);
  if (typeof command === 'string') return { code: 2, out: '', err: `${command}\n\n${usage}` };
  if (command.name === 'help') return { code: 0, out: usage, err: '' };
  const config = loadConfig();
  if (isOffline(command)) return runOffline(command, config);
  // The node may run in another folder than this command: it gets the file's full path.
  const words = command.name === 'backup-create' && command.file ? ['backup', 'create', resolve(here, command.file)] : args;
  const stdin = await readStdin();
  if (!config.databaseUrl && lockHolder(config.dataDir)) return sendCommand(config.dataDir, { args: words, stdin });
  const release = config.databaseUrl ? () => {} : acquireLock(config.dataDir);
  wireSubscribers();
  const database = await openDatabase(config);
  try {
    await migrateDatabase(database, config.databaseUrl);
    return await runCommand({ database, dataDir: config.dataDir }, words, stdin);
  } finally {
    await database.close();
    release();
  }
}

try {
  const result = await run(process.argv.slice(2));
  process.stdout.write(result.out);
  process.stderr.write(result.err.endsWith('\n') || !result.err ? result.err : `${result.err}\n`);
  process.exitCode = result.code;
} catch (error) {
  if (error instanceof ConfigError) console.error(`Check the setting ${error.message}`);
  else if (error instanceof BadBackupError) console.error(`The backup cannot be used: ${error.message}. Nothing was changed.`);
  else if (error instanceof DataDirInUseError || error instanceof RestoreRefusedError || error instanceof MigrationError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
