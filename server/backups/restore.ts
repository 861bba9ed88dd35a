import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client.ts';
import { acquireLock } from '../db/lock.ts';
import { appliedMigrations, knownMigrations, migrateDatabase } from '../db/migrate.ts';
import { checkBackup, readBackup, schemaName } from './backup-file.ts';
import { listTables, quote, startWritingRows } from './tables.ts';

/** Where a node keeps its database and files: PostgreSQL when a URL is given, else PGlite in the data directory. */
export type NodeStorage = { databaseUrl: string | null; dataDir: string };

export class RestoreRefusedError extends Error {}

export type RestoreSummary = { tables: number; rows: number; files: number; madeAt: string; schema: string; migratedTo: string };

export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads');

function holdsSomething(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/** Whether a database holds any table of ours (or any migration record). */
async function databaseHoldsSomething(database: Database): Promise<boolean> {
  return (await appliedMigrations(database.db)).length > 0 || (await listTables(database.db)).length > 0;
}

/** Drops every table of ours from a PostgreSQL database (restore --replace). */
async function emptyDatabase(database: Database): Promise<void> {
  await database.db.transaction(async (tx) => {
    for (const table of await listTables(tx)) await tx.execute(sql.raw(`drop table if exists ${quote(table.name)} cascade`));
    await tx.execute(sql`drop schema if exists drizzle cascade`);
  });
}

/** Refuses a backup whose schema is not an earlier point of this version's own migrations. */
function checkSchema(migrations: number[]): void {
  const known = knownMigrations();
  const matches = migrations.length <= known.length && migrations.every((when, i) => known[i]!.when === when);
  if (!matches) {
    throw new RestoreRefusedError(
      migrations.length > known.length
        ? `The backup was made by a newer version of Kohtaamo (schema ${schemaName(migrations)}). Upgrade this installation first.`
        : 'The backup\'s schema is not one this version of Kohtaamo knows.',
    );
  }
}

/** Puts the backup's rows and files into an opened, empty database, then migrates it to this version. */
async function fill(database: Database, databaseUrl: string | null, file: string, migrations: number[], filesDir: string): Promise<void> {
  await migrateDatabase(database, databaseUrl, { upTo: migrations.length });
  const load = database.db.transaction(async (tx) => {
    const rows = await startWritingRows(tx);
    for await (const event of readBackup(file)) {
      if (event.kind === 'rows') await rows.insert(event.table, event.lines);
      if (event.kind === 'file') {
        const path = join(filesDir, event.file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, Buffer.concat(event.data), { mode: 0o600 });
      }
    }
    await rows.finish();
  });
  await load.catch((error: Error) => {
    const reason = error.cause instanceof Error ? error.cause.message : error.message;
    throw new RestoreRefusedError(`The backup's rows could not be put back (${reason}); the restore was undone.`);
  });
  await migrateDatabase(database, databaseUrl);
}

/**
 * Restores a backup into the node's storage, which must be empty unless `replace`. The file is read
 * once to check it before anything changes. On PGlite the restore is built beside the data and
 * swapped in only when complete, so a failed restore leaves the old data as it was.
 */
export async function restoreBackup(file: string, storage: NodeStorage, options: { replace: boolean; files?: boolean }): Promise<RestoreSummary> {
  if (!existsSync(file)) throw new RestoreRefusedError(`There is no file ${file}.`);
  const checked = await checkBackup(file);
  const { manifest } = checked;
  checkSchema(manifest.migrations);
  const summary = { tables: checked.tables, rows: checked.rows, files: checked.files, madeAt: manifest.createdAt, schema: manifest.schema, migratedTo: schemaName(knownMigrations().map((m) => m.when)) };
  // A move of the database alone leaves the uploaded files where they are.
  const withFiles = options.files ?? true;
  const uploads = uploadsDir(storage.dataDir);
  const holdsFiles = withFiles && holdsSomething(uploads);
  if (storage.databaseUrl) {
    const database = await openDatabase(storage);
    try {
      if ((await databaseHoldsSomething(database)) || holdsFiles) {
        if (!options.replace) throw new RestoreRefusedError('The database at DATABASE_URL (or DATA_DIR/uploads) already holds data. Restore into an empty database, or add --replace to replace what is there.');
        await emptyDatabase(database);
        if (withFiles) rmSync(uploads, { recursive: true, force: true });
      }
      await fill(database, storage.databaseUrl, file, manifest.migrations, uploads);
    } finally {
      await database.close();
    }
    return summary;
  }
  const release = acquireLock(storage.dataDir);
  const staging = join(storage.dataDir, '.restoring');
  try {
    const pglite = join(storage.dataDir, 'pglite');
    if ((holdsSomething(pglite) || holdsFiles) && !options.replace) {
      throw new RestoreRefusedError(`The data directory ${storage.dataDir} already holds a node. Restore into an empty one, or add --replace to replace it.`);
    }
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const database = await openDatabase({ databaseUrl: null, dataDir: staging });
    try {
      await fill(database, null, file, manifest.migrations, join(staging, 'uploads'));
    } finally {
      await database.close();
    }
    const swaps = [[join(staging, 'pglite'), pglite], ...(withFiles ? [[join(staging, 'uploads'), uploads]] : [])] as const;
    for (const [from, to] of swaps) {
      rmSync(to, { recursive: true, force: true });
      if (existsSync(from)) renameSync(from, to);
    }
    return summary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}
