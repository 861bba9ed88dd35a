import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { acquireLock, DataDirInUseError, lockHolder } from '../db/lock.ts';
import { parseCommand, runCommand, usage, type CommandResult } from './commands.ts';
import { sendCommand } from './socket.ts';
import { wireSubscribers } from '../subscribers.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function run(args: string[]): Promise<CommandResult> {
  // Bad words and help need no database, so they answer at once.
  const command = parseCommand(args);
  if (typeof command === 'string') return { code: 2, out: '', err: `${command}\n\n${usage}` };
  if (command.name === 'help') return { code: 0, out: usage, err: '' };
  const config = loadConfig();
  const stdin = await readStdin();
  if (!config.databaseUrl && lockHolder(config.dataDir)) return sendCommand(config.dataDir, { args, stdin });
  const release = config.databaseUrl ? () => {} : acquireLock(config.dataDir);
  wireSubscribers();
  const database = await openDatabase(config);
  try {
    await migrateDatabase(database, config.databaseUrl);
    return await runCommand(database.db, args, stdin);
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
  else if (error instanceof DataDirInUseError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
