// Where a whole node lives for the tests that back it up, restore it or move it: a data directory,
// and the database (PGlite in that directory, or a database of its own on the PostgreSQL server).
import * as cheerio from 'cheerio';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { tableChecksums, type TableSummary } from '../../server/backups/tables.ts';
import { emptyPostgres, serverUrl } from './database.ts';
import { fillNode, type FullNode } from './full-node.ts';
import { tempDataDir } from './process.ts';

export type Storage = { dataDir: string; databaseUrl: string | null; env: Record<string, string>; drop(): Promise<void> };

/** An empty place for a node: a new data directory, on PostgreSQL runs with a new empty database. */
export async function emptyStorage(onPostgres = Boolean(serverUrl)): Promise<Storage> {
  const dataDir = tempDataDir();
  if (!onPostgres) return { dataDir, databaseUrl: null, env: { DATA_DIR: dataDir }, drop: async () => {} };
  const database = await emptyPostgres();
  return { dataDir, databaseUrl: database.url, env: { DATA_DIR: dataDir, DATABASE_URL: database.url }, drop: database.drop };
}

/** Opens a storage's database while no node runs on it (PGlite allows one process). */
export async function withDatabase<T>(storage: Storage, use: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(storage);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

/** A storage holding a node with every kind of data. */
export async function fullStorage(onPostgres = Boolean(serverUrl)): Promise<Storage & { full: FullNode }> {
  const storage = await emptyStorage(onPostgres);
  const full = await withDatabase(storage, async (database) => {
    await migrateDatabase(database, storage.databaseUrl);
    return fillNode(database.db, storage.dataDir);
  });
  return { ...storage, full };
}

export function checksumsOf(storage: Storage): Promise<Map<string, TableSummary>> {
  return withDatabase(storage, (database) => tableChecksums(database.db));
}

/** A page's main content, without what differs from one rendering to the next (form tokens, "3 minutes ago"). */
export function mainContent(html: string): string {
  const $ = cheerio.load(html);
  $('input[name="_csrf"]').remove();
  $('time').empty();
  return $('main').html() ?? '';
}
