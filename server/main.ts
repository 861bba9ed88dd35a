import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import { appliedMigrations, MigrationError, migrateDatabase, migrationsFolder, pendingMigrations } from './db/migrate.ts';
import { makeBackup } from './backups/backups.service.ts';
import { moveQuotesOutOfReplies } from './forums/legacy-quotes.ts';
import { acquireLock, DataDirInUseError } from './db/lock.ts';
import { buildApp } from './app.ts';
import { createMailer } from './mail.ts';
import { hasAdmin } from './admin/setup.service.ts';
import { serveCommandSocket } from './cli/socket.ts';
import { createLogs } from './log.ts';
import { superviseWorkers, workerPlace } from './cluster.ts';
import { listenForChanges } from './db/changes.ts';
import { releaseHeldMessages } from '../federation/message-queue.ts';

function fail(message: string): never {
  console.error(`Kohtaamo did not start. ${message}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`Check the setting ${error.message}`);
  throw error;
}

const logs = createLogs(config);
const log = logs.log;
let releaseLock = () => {};
if (!config.databaseUrl) {
  try {
    releaseLock = acquireLock(config.dataDir);
  } catch (error) {
    if (error instanceof DataDirInUseError) fail(error.message);
    throw error;
  }
}

// With WEB_CONCURRENCY > 1 this first process prepares the database (once, before any other
// process uses it) and then only looks after the processes that serve (cluster.ts).
const worker = workerPlace(config.webConcurrency);
const database = await openDatabase({ ...config, newMigrations: migrationsFolder }).catch((error: Error) => {
  releaseLock();
  fail(`Could not open the database${config.databaseUrl ? ' at DATABASE_URL' : ` in ${config.dataDir}`}: ${error.message}`);
});
// Before an upgrade's migrations change the embedded database, keep a copy of it as it was.
const pending = database.kind === 'pglite' ? await pendingMigrations(database.db) : [];
if (pending.length && (await appliedMigrations(database.db)).length) {
  const made = await makeBackup(database, config.dataDir, 'upgrade', pending.at(-1)!.tag).catch(async (error: Error) => {
    await database.close();
    releaseLock();
    fail(`Could not make the backup taken before upgrading the database, so nothing was changed: ${error.message}`);
  });
  log(`Made a backup before upgrading the database: ${made.path}`);
}
if (!worker) {
  await migrateDatabase(database, config.databaseUrl).catch(async (error: Error) => {
    await database.close();
    releaseLock();
    fail(error instanceof MigrationError ? error.message : `Could not migrate the database: ${error.message}`);
  });
  await moveQuotesOutOfReplies(database.db);
}
if (!worker && config.webConcurrency > 1) {
  await releaseHeldMessages(database.db);
  await database.close();
  log(`Starting ${config.webConcurrency} processes (WEB_CONCURRENCY)`);
  superviseWorkers(config.webConcurrency, log);
} else {
  await serve();
}

async function serve(): Promise<void> {
  const changes = config.databaseUrl ? await listenForChanges(config.databaseUrl, log) : null;
  const { app, close: closeApp } = buildApp({ config, database, mailer: createMailer(config.smtp, log), log, logRequest: logs.request ?? undefined, worker });
  const server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const commandSocket = config.databaseUrl ? null : await serveCommandSocket({ database, dataDir: config.dataDir });

  server.on('error', async (error: NodeJS.ErrnoException) => {
    await database.close();
    releaseLock();
    fail(error.code === 'EADDRINUSE' ? `Check the setting PORT: ${config.port} is already in use.` : error.message);
  });
  server.listen(config.port, config.host, async () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const place = worker ? `, process ${worker.number} of ${worker.count}` : '';
    log(`Kohtaamo is running at ${config.baseUrl.href} (listening on ${config.host}:${port}, database: ${database.kind}${database.kind === 'pglite' ? ` in ${config.dataDir}` : ''}${place})`);
    if ((worker?.number ?? 1) === 1 && !(await hasAdmin(database.db))) log(`First run: open ${new URL('/setup', config.baseUrl).href} to create the first admin.`);
  });

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    // Let requests in flight finish, then close idle keep-alive connections and the database.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    setTimeout(() => sockets.forEach((socket) => socket.destroy()), 5000).unref();
    await closed;
    await commandSocket?.close();
    await changes?.close();
    closeApp();
    await database.close();
    releaseLock();
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
