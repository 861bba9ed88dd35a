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
  const name = `kohtaamo_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.href, dataDir: 'unused' });
  await migrateDatabase(database, url.href);
  return {
    database,
    url: url.href,
    async drop() {
      // A test may have closed it already, to see what happens when the database goes away.
      await database.close().catch(() => {});
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
