// People on other servers, as rows of the same users table as our members (status 'remote', their
// actor id in `iri`): a remote reply then has an author like any other, and moderation, reports,
// notifications and search treat it the same. They never sign in; access.ts keeps them to public forums.
import { eq } from 'drizzle-orm';
import type { Actor } from '@fedify/vocab';
import type { DatabaseLike } from '../server/db/client.ts';
import type { User } from '../server/accounts/accounts.service.ts';
import { users } from '../server/accounts/accounts.tables.ts';
import { textFromHtml } from '../server/markup/markup.ts';

const nameLength = 80;

/** Their handle, the way the fediverse writes it: name@server. */
export function handleOf(actor: Pick<Actor, 'id' | 'preferredUsername'>): string | undefined {
  const name = actor.preferredUsername?.toString().trim();
  if (!actor.id || !name || !/^[\p{L}\p{N}_.-]{1,64}$/u.test(name)) return undefined;
  return `${name}@${actor.id.host}`;
}

/** An actor's web page (profile, group page), only ever an http(s) address. */
export function webLinkOf(actor: Pick<Actor, 'url'>): string | null {
  const link = actor.url;
  const given = link instanceof URL ? link : link?.href;
  return given && /^https?:$/.test(given.protocol) ? given.href : null;
}

/**
 * The row for someone from elsewhere, made the first time they write here and kept up to date
 * (name, profile address). Nothing when they were banned here, or their account was deleted.
 */
export async function rememberPerson(db: DatabaseLike, actor: Actor): Promise<User | undefined> {
  const handle = handleOf(actor);
  if (!actor.id || !handle) return undefined;
  const displayName = textFromHtml(actor.name?.toString() ?? '').replace(/\s+/g, ' ').slice(0, nameLength) || handle;
  const url = webLinkOf(actor) ?? actor.id.href;
  const [row] = await db
    .insert(users)
    .values({ username: handle, displayName, status: 'remote', iri: actor.id.href, url })
    .onConflictDoUpdate({ target: users.iri, set: { displayName, url } })
    .returning();
  if (!row) return undefined;
  // A suspension runs out by itself, as a member's does at their next sign-in.
  if (row.status === 'suspended' && row.suspendedUntil && row.suspendedUntil <= new Date()) {
    const [lifted] = await db.update(users).set({ status: 'remote', suspendedReason: null, suspendedUntil: null }).where(eq(users.id, row.id)).returning();
    return lifted;
  }
  return row.status === 'remote' ? row : undefined;
}

/** Someone from elsewhere already known here, by their actor id, whatever their standing. */
export async function findPerson(db: DatabaseLike, iri: URL): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.iri, iri.href));
  return row;
}
