import session from 'express-session';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions } from './accounts.tables.ts';

type Callback = (error?: unknown, data?: session.SessionData | null) => void;

const defaultLifetimeMs = 30 * 86_400_000;

function userIdOf(data: session.SessionData): string | null {
  const passport = (data as { passport?: { user?: unknown } }).passport;
  return typeof passport?.user === 'string' ? passport.user : null;
}

/**
 * Sessions live in the app's own database, so any app process can serve any request and
 * "sign out everywhere" is one delete by user id.
 */
export class DatabaseSessionStore extends session.Store {
  readonly #db: Db;
  #sweeper: NodeJS.Timeout;
  /** The stored expiry of sessions read lately, so touching one that is fresh enough costs no query. */
  readonly #expiries = new Map<string, number>();

  constructor(db: Db) {
    super();
    this.#db = db;
    this.#sweeper = setInterval(() => void this.sweep().catch(() => {}), 3_600_000).unref();
  }

  override get(sid: string, callback: Callback): void {
    this.#db
      .select()
      .from(sessions)
      .where(eq(sessions.sid, sid))
      .then(([row]) => {
        if (row) this.#remember(sid, row.expiresAt.getTime());
        return row;
      })
      .then((row) => callback(null, row && row.expiresAt > new Date() ? (row.data as unknown as session.SessionData) : null))
      .catch(callback);
  }

  override set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
    const expiresAt = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + defaultLifetimeMs);
    const row = { sid, data: data as unknown as Record<string, unknown>, userId: userIdOf(data), expiresAt };
    this.#db
      .insert(sessions)
      .values(row)
      .onConflictDoUpdate({ target: sessions.sid, set: { data: row.data, userId: row.userId, expiresAt } })
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  #remember(sid: string, expiresAt: number): void {
    if (this.#expiries.size >= 10_000) this.#expiries.delete(this.#expiries.keys().next().value!);
    this.#expiries.set(sid, expiresAt);
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const expiresAt = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + defaultLifetimeMs);
    // Extend at most once a day, so reading pages does not turn into a write per request.
    const stored = this.#expiries.get(sid);
    if (stored !== undefined && stored >= expiresAt.getTime() - 86_400_000) {
      callback?.();
      return;
    }
    this.#remember(sid, expiresAt.getTime());
    this.#db
      .update(sessions)
      .set({ expiresAt })
      .where(and(eq(sessions.sid, sid), lt(sessions.expiresAt, new Date(expiresAt.getTime() - 86_400_000))))
      .then(() => callback?.())
      .catch(() => callback?.());
  }

  override destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.#expiries.delete(sid);
    this.#db
      .delete(sessions)
      .where(eq(sessions.sid, sid))
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  async sweep(): Promise<void> {
    await this.#db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}
