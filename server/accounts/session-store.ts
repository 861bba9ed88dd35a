import session from 'express-session';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { prepared } from '../db/prepared.ts';
import { BoundedMap } from '../bounded-map.ts';
import { sessions, users } from './accounts.tables.ts';
import { notifications } from '../notifications/notifications.tables.ts';
import type { User } from './accounts.service.ts';

/**
 * The member a session belongs to, read in the same query as the session, so a signed-in page
 * costs one query less; `unread` counts their unread notices before any visibility rule (when it
 * is 0, so is the header's count, and that query is skipped too).
 */
export type SessionUser = { user: User; unread: number };
const readWithSession = Symbol('readWithSession');

/** The member read with this session, when the session belongs to `id` (passport.ts). */
export function userReadWithSession(session: unknown, id: string): SessionUser | undefined {
  const passport = (session as { passport?: { [readWithSession]?: SessionUser } } | undefined)?.passport;
  const read = passport?.[readWithSession];
  return read?.user.id === id ? read : undefined;
}

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
  readonly #expiries = new BoundedMap<string, number>(10_000);

  constructor(db: Db) {
    super();
    this.#db = db;
    this.#sweeper = setInterval(() => void this.sweep().catch(() => {}), 3_600_000).unref();
  }

  override get(sid: string, callback: Callback): void {
    prepared(this.#db, 'session_with_user', () =>
      this.#db
        .select({
          session: sessions,
          user: users,
          unread: sql<number>`(select count(*)::int from ${notifications} where ${and(eq(notifications.userId, users.id), isNull(notifications.readAt))})`,
        })
        .from(sessions)
        .leftJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.sid, sql.placeholder('sid'))),
    )
      .execute({ sid })
      .then(([row]) => {
        if (!row) return callback(null, null);
        this.#expiries.set(sid, row.session.expiresAt.getTime());
        if (row.session.expiresAt <= new Date()) return callback(null, null);
        const data = row.session.data as unknown as session.SessionData & { passport?: object };
        // Not enumerable and a symbol: never written back with the session.
        if (row.user && data.passport) Object.defineProperty(data.passport, readWithSession, { value: { user: row.user, unread: row.unread } satisfies SessionUser });
        callback(null, data);
      })
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

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const expiresAt = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + defaultLifetimeMs);
    // Extend at most once a day, so reading pages does not turn into a write per request.
    const stored = this.#expiries.get(sid);
    if (stored !== undefined && stored >= expiresAt.getTime() - 86_400_000) {
      callback?.();
      return;
    }
    this.#expiries.set(sid, expiresAt.getTime());
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
