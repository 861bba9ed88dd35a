import type { PGlite } from '@electric-sql/pglite';
import { PGliteThread } from './pglite-thread.ts';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { join } from 'node:path';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/**
 * Services take this so they run the same inside or outside a transaction (an inbox handler can
 * record an activity and its effect in one). A transaction is one connection that takes one query
 * at a time: what takes DatabaseLike runs its queries one after another. Page reads that run
 * queries side by side (Promise.all) take Db, the pool.
 */
export type DatabaseLike = Db | Transaction;

export type DatabaseKind = 'pglite' | 'postgresql';

export type Database = {
  db: Db;
  /**
   * The same database, for the node's own background work (federation's queue and outbox, which
   * poll): its queries are not counted, so a page's query count is the page's alone.
   */
  background: Db;
  kind: DatabaseKind;
  /** How many queries have gone through Drizzle: tests use it to catch a page whose queries grow with its content. */
  queryCount(): number;
  /** PostgreSQL's connection pool as it stands (PGlite has none: one connection in the process). */
  pool?: () => { total: number; idle: number; waiting: number };
  /** Answers true when the database runs a trivial query within the time limit. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
};

/**
 * Opens PostgreSQL when a URL is given, else PGlite: in `dataDir/pglite`, or in memory
 * when dataDir is 'memory://' (tests). A PGlite data directory made now gets the migrations in
 * `newMigrations` while it is made (see pglite-init.ts).
 */
export async function openDatabase(options: { databaseUrl: string | null; dataDir: string; newMigrations?: string }): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  const dataPath = options.dataDir === 'memory://' ? undefined : join(options.dataDir, 'pglite');
  // In a thread of its own: see pglite-thread.ts. Drizzle sees PGlite's interface.
  const thread = await PGliteThread.create(dataPath, options.newMigrations);
  const client = thread as unknown as PGlite;
  const counter = countingLogger();
  const db = drizzlePglite(client, { schema, logger: counter }) as unknown as Db;
  return {
    db,
    background: drizzlePglite(client, { schema }) as unknown as Db,
    kind: 'pglite',
    queryCount: () => counter.count,
    ping: (timeoutMs) => withTimeout(client.query('select 1').then(() => true), timeoutMs),
    close: () => thread.close(),
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();
  const counter = countingLogger();
  const db = drizzlePg(pool, { schema, logger: counter }) as unknown as Db;
  return {
    db,
    background: drizzlePg(pool, { schema }) as unknown as Db,
    kind: 'postgresql',
    queryCount: () => counter.count,
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ping: (timeoutMs) => withTimeout(pool.query('select 1').then(() => true), timeoutMs),
    close: () => pool.end(),
  };
}

function countingLogger() {
  const counter = {
    count: 0,
    logQuery() {
      counter.count++;
    },
  };
  return counter;
}

function withTimeout(check: Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  return Promise.race([
    check.catch(() => false),
    new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
  ]);
}

/** The rows of a raw SQL query: both drivers (node-postgres and PGlite) answer with { rows }. */
export async function selectRows<T>(db: DatabaseLike, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}
