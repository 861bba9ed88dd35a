import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import pg from 'pg';
import { selectRows, type Database, type DatabaseLike } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
// Any fixed number: several app processes starting together take turns migrating.
const migrationLock = 7_405_112;

/** One migration as drizzle-kit wrote it: `when` is what the database records as applied. */
export type Migration = { tag: string; when: number };

type Journal = { version: string; dialect: string; entries: (Migration & Record<string, unknown>)[] };

function readJournal(folder: string): Journal {
  return JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** Every migration this version of Kohtaamo knows, oldest first. */
export function knownMigrations(folder = migrationsFolder): Migration[] {
  return readJournal(folder).entries.map(({ tag, when }) => ({ tag, when }));
}

/** The migrations a database has applied (their `when`), oldest first; empty for a new database. */
export async function appliedMigrations(db: DatabaseLike): Promise<number[]> {
  const [exists] = await selectRows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!exists?.present) return [];
  const rows = await selectRows<{ created_at: string | number }>(db, sql`select created_at from drizzle.__drizzle_migrations order by created_at`);
  return rows.map((row) => Number(row.created_at));
}

/** Migrations known here and not yet applied. */
export async function pendingMigrations(db: DatabaseLike, folder = migrationsFolder): Promise<Migration[]> {
  const applied = await appliedMigrations(db);
  const last = applied.at(-1) ?? 0;
  return knownMigrations(folder).filter((migration) => migration.when > last);
}

/** A migration failed: all pending migrations run in one transaction, so the database is as it was. */
export class MigrationError extends Error {
  readonly tag: string | null;
  constructor(tag: string | null, reason: string) {
    super(`${tag ? `The migration ${tag} failed` : 'A migration failed'}: ${reason}. The database was left as it was before.`);
    this.tag = tag;
  }
}

function statements(folder: string, tag: string): string[] {
  return readFileSync(join(folder, `${tag}.sql`), 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim());
}

/** Names the pending migration whose statement the database refused, with the database's reason. */
function explain(error: unknown, pending: Migration[], folder: string): MigrationError {
  const failed = error as { query?: string; cause?: unknown; message?: string };
  const query = failed.query?.trim();
  const culprit = query ? pending.find((migration) => statements(folder, migration.tag).includes(query)) : undefined;
  const reason = failed.cause instanceof Error ? failed.cause.message : (failed.message ?? String(error));
  return new MigrationError(culprit?.tag ?? null, reason);
}

/**
 * A copy of the migrations folder holding only the first `count` migrations, so a restored backup
 * gets exactly the tables it was made with before its rows go in.
 */
function firstMigrations(folder: string, count: number): { folder: string; remove(): void } {
  const journal = readJournal(folder);
  const copy = mkdtempSync(join(tmpdir(), 'kohtaamo-migrations-'));
  mkdirSync(join(copy, 'meta'));
  const entries = journal.entries.slice(0, count);
  for (const entry of entries) copyFileSync(join(folder, `${entry.tag}.sql`), join(copy, `${entry.tag}.sql`));
  writeFileSync(join(copy, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return { folder: copy, remove: () => rmSync(copy, { recursive: true, force: true }) };
}

export type MigrateOptions = {
  /** Another migrations folder (tests: one with a migration that fails). */
  folder?: string;
  /** Apply only the first `upTo` known migrations. */
  upTo?: number;
};

export async function migrateDatabase(database: Database, databaseUrl: string | null, options: MigrateOptions = {}): Promise<void> {
  const base = options.folder ?? migrationsFolder;
  const partial = options.upTo === undefined ? null : firstMigrations(base, options.upTo);
  const folder = partial?.folder ?? base;
  const pending = await pendingMigrations(database.db, folder);
  try {
    if (database.kind === 'pglite') {
      await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: folder });
      return;
    }
    // A lock is held by one connection, so migrate through a client of our own.
    const client = new pg.Client({ connectionString: databaseUrl ?? undefined });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [migrationLock]);
      await migratePg(drizzlePg(client), { migrationsFolder: folder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [migrationLock]).catch(() => {});
      await client.end();
    }
  } catch (error) {
    throw explain(error, pending, folder);
  } finally {
    partial?.remove();
  }
}
