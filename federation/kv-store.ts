// Fedify's KvStore over the app's database.
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import type { DatabaseLike } from '../server/db/client.ts';
import { federationKv } from './federation.tables.ts';

const alive = () => or(isNull(federationKv.expiresAt), gt(federationKv.expiresAt, new Date()));

function expiry(options?: KvStoreSetOptions): Date | null {
  // Fedify gives a Temporal.Duration; its total in milliseconds is all a database row needs.
  const ttl = options?.ttl as { total(unit: 'millisecond'): number } | undefined;
  return ttl ? new Date(Date.now() + ttl.total('millisecond')) : null;
}

export class DatabaseKvStore implements KvStore {
  private readonly db: DatabaseLike;

  constructor(db: DatabaseLike) {
    this.db = db;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const [row] = await this.db.select({ value: federationKv.value }).from(federationKv).where(and(eq(federationKv.key, [...key]), alive()));
    return row ? (row.value as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const expiresAt = expiry(options);
    await this.db.insert(federationKv).values({ key: [...key], value, expiresAt }).onConflictDoUpdate({ target: federationKv.key, set: { value, expiresAt } });
  }

  async delete(key: KvKey): Promise<void> {
    await this.db.delete(federationKv).where(eq(federationKv.key, [...key]));
  }

  /** Compare-and-swap: sets the value only if the current one (or its absence) is the expected one. */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select({ value: federationKv.value }).from(federationKv).where(and(eq(federationKv.key, [...key]), alive())).for('update');
      const current = row ? JSON.stringify(row.value) : undefined;
      if (current !== (expectedValue === undefined ? undefined : JSON.stringify(expectedValue))) return false;
      await new DatabaseKvStore(tx).set(key, newValue, options);
      return true;
    });
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const parts = prefix ? [...prefix] : [];
    const rows = await this.db
      .select()
      .from(federationKv)
      .where(and(alive(), parts.length ? sql`${federationKv.key}[1:${parts.length}] = array[${sql.join(parts.map((part) => sql`${part}`), sql`, `)}]::text[]` : undefined));
    for (const row of rows) yield { key: row.key as unknown as KvKey, value: row.value };
  }
}
