// express-rate-limit counting in the database: every process of a node (WEB_CONCURRENCY, or a
// restart in the middle of a window) counts the same hits, where the library's memory store would
// give each process a limit of its own. A client's key (its address) is stored only as a keyed
// hash, so the table holds no addresses, and rows go once their window has passed.
import { createHmac } from 'node:crypto';
import { eq, lt, sql } from 'drizzle-orm';
import { rateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import type { Db } from '../db/client.ts';
import { selectRows } from '../db/client.ts';
import { rateLimitHits } from '../db/maintenance.tables.ts';

/** How often a process removes the rows of windows that have passed. */
const sweepMs = 10 * 60_000;

export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #db: Db;
  readonly #secret: string;
  #windowMs = 60_000;
  #sweptAt = 0;

  /** `name` tells one limit from another; `secret` keys the hash of the client's key. */
  constructor(db: Db, name: string, secret: string) {
    this.#db = db;
    this.prefix = `${name}:`;
    this.#secret = secret;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  #key(key: string): string {
    return this.prefix + createHmac('sha256', this.#secret).update(key).digest('base64url');
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await this.#db.select().from(rateLimitHits).where(eq(rateLimitHits.key, this.#key(key)));
    return row && row.resetAt > new Date() ? { totalHits: row.hits, resetTime: row.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    this.#sweep();
    // One statement, so hits from processes at the same moment are all counted: a window that has
    // passed starts again at 1.
    const [row] = await selectRows<{ hits: number; reset_at: string | Date }>(
      this.#db,
      sql`insert into ${rateLimitHits} (key, hits, reset_at)
        values (${this.#key(key)}, 1, now() + make_interval(secs => ${this.#windowMs / 1000}))
        on conflict (key) do update set
          hits = case when ${rateLimitHits.resetAt} <= now() then 1 else ${rateLimitHits.hits} + 1 end,
          reset_at = case when ${rateLimitHits.resetAt} <= now() then excluded.reset_at else ${rateLimitHits.resetAt} end
        returning hits, reset_at`,
    );
    return { totalHits: Number(row!.hits), resetTime: new Date(row!.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.#db
      .update(rateLimitHits)
      .set({ hits: sql`greatest(${rateLimitHits.hits} - 1, 0)` })
      .where(eq(rateLimitHits.key, this.#key(key)));
  }

  async resetKey(key: string): Promise<void> {
    await this.#db.delete(rateLimitHits).where(eq(rateLimitHits.key, this.#key(key)));
  }

  #sweep(): void {
    if (Date.now() - this.#sweptAt < sweepMs) return;
    this.#sweptAt = Date.now();
    this.#db
      .delete(rateLimitHits)
      .where(lt(rateLimitHits.resetAt, sql`now()`))
      .catch(() => {});
  }
}

type LimitOptions = Partial<Omit<Options, 'store'>> & { windowMs: number; limit: number };

/** A rate limit named `name`, counted in the node's database, with the standard RateLimit headers. */
export function databaseRateLimit(db: Db, secret: string, name: string, options: LimitOptions) {
  return rateLimit({ standardHeaders: 'draft-8', legacyHeaders: false, ...options, store: new DatabaseRateLimitStore(db, name, secret) });
}
