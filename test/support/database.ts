import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';

/** The PostgreSQL server the suite runs against, or null for the embedded PGlite. */
export const serverUrl = process.env.DATABASE_URL || null;

export type TestDatabase = { database: Database; url: string | null; drop(): Promise<void> };

/**
 * A fresh, migrated database for one test file: PGlite in memory, or a new database on the
 * PostgreSQL server named by DATABASE_URL, dropped afterwards.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const database = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
    await migrateDatabase(database, null);
    return { database, url: null, drop: () => database.close().catch(() => {}) };
  }
  const empty = await emptyPostgres();
  const database = await openDatabase({ databaseUrl: empty.url, dataDir: 'unused' });
  await migrateDatabase(database, empty.url);
  return {
    database,
    url: empty.url,
    async drop() {
      // A test may have closed it already, to see what happens when the database goes away.
      await database.close().catch(() => {});
      await empty.drop();
    },
  };
}

/** A new, empty database on the PostgreSQL server (no tables: a place to restore or move into), dropped afterwards. */
export async function emptyPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!serverUrl) throw new Error('needs DATABASE_URL');
  const name = `kohtaamo_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
