// The transactional outbox: the domain's events that concern other servers are written in the
// event's own transaction; a worker hands each to Fedify (whose queue, on our database, then
// delivers with retries) and removes it. A crash between the two delivers twice rather than not at all:
// an activity keeps its id, so a receiver applies it once.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Federation } from '@fedify/fedify';
import { Announce, Create, Delete, Note, Page, Tombstone, Update, type Activity } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import { subscribe, type EventOf } from '../server/events.ts';
import { federationOutbox } from './federation.tables.ts';
import { idle } from './idle.ts';
import { forums, posts, threads } from '../server/forums/forums.tables.ts';
import { publicWherever } from '../server/access.sql.ts';
import { loadPublicPost, objectUri, toObject } from './posts.ts';

const wake = new EventEmitter();
wake.setMaxListeners(0);

type Outgoing = EventOf<'post.published' | 'post.changed' | 'post.withdrawn' | 'thread.moved'>;

/**
 * Only what concerns public things is ever written here: a members-only post never reaches the
 * outbox. A post withdrawn, or a thread moved where visitors cannot read it, was public until
 * then: peers hold a copy, and are asked to delete it.
 */
export function subscribeOutbox(): void {
  subscribe('federation: outbox', ['post.published', 'post.changed', 'post.withdrawn', 'thread.moved'], async (db, event) => {
    const concerns = event.type === 'thread.moved' ? event.wasPublic && !event.public : event.public;
    if (!concerns) return;
    await db.insert(federationOutbox).values({ event });
    wake.emit('work');
  });
  // A member who deletes their account takes their words off the network: every post of theirs
  // that was public (its forum public, it and its conversation live) is withdrawn from peers.
  subscribe('federation: deleted members', ['member.deleted'], async (db, event) => {
    const written = await db
      .select({ postId: posts.id, threadId: posts.threadId, forumId: threads.forumId, number: posts.number })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(and(eq(posts.authorId, event.userId), publicWherever));
    if (!written.length) return;
    await db.insert(federationOutbox).values(
      written.map((post) => ({
        event: { type: 'post.withdrawn', why: 'deleted', ...post, authorId: event.userId, actorId: event.userId, public: true } satisfies EventOf<'post.withdrawn'>,
      })),
    );
    wake.emit('work');
  });
}

const activityId = (context: AppContext) => new URL(`/ap/activities/${randomUUID()}`, context.config.baseUrl);

/** The forum sends an activity on to its followers (FEP-1b12), in order per object. */
async function announce(federation: Federation<AppContext>, context: AppContext, forumId: string, inner: Activity | Page | Note, objectId: URL): Promise<void> {
  const [forum] = await context.database.db.select({ slug: forums.slug }).from(forums).where(eq(forums.id, forumId));
  if (!forum) return;
  const ctx = federation.createContext(context.config.baseUrl, context);
  const announcement = new Announce({
    id: activityId(context),
    actor: ctx.getActorUri(forum.slug),
    object: inner,
    tos: [ctx.getFollowersUri(forum.slug)],
    ccs: [new URL('https://www.w3.org/ns/activitystreams#Public')],
  });
  await ctx.sendActivity({ identifier: forum.slug }, 'followers', announcement, { preferSharedInbox: true, orderingKey: objectId.href });
}

async function deliver(federation: Federation<AppContext>, context: AppContext, event: Outgoing): Promise<void> {
  const ctx = federation.createContext(context.config.baseUrl, context);
  if (event.type === 'thread.moved') {
    const page = ctx.getObjectUri(Page, { id: event.threadId });
    const [from] = await context.database.db.select({ slug: forums.slug }).from(forums).where(eq(forums.id, event.fromForumId));
    if (!from) return;
    await announce(federation, context, event.fromForumId, new Delete({ id: activityId(context), actor: ctx.getActorUri(from.slug), object: new Tombstone({ id: page }) }), page);
    return;
  }
  if (event.type === 'post.withdrawn') {
    const id = event.number === 1 ? ctx.getObjectUri(Page, { id: event.threadId }) : ctx.getObjectUri(Note, { id: event.postId });
    // The forum speaks for what it holds (FEP-1b12), whoever took the post out of sight; the
    // author's own actor may no longer exist once nothing of theirs is public.
    const [forum] = await context.database.db.select({ slug: forums.slug }).from(forums).where(eq(forums.id, event.forumId));
    if (!forum) return;
    await announce(federation, context, event.forumId, new Delete({ id: activityId(context), actor: ctx.getActorUri(forum.slug), object: new Tombstone({ id }) }), id);
    return;
  }
  await deliverPost(federation, context, event);
}

async function deliverPost(federation: Federation<AppContext>, context: AppContext, event: EventOf<'post.published' | 'post.changed'>): Promise<void> {
  // Asked again at delivery: a post removed or moved out of sight meanwhile is not sent.
  const found = await loadPublicPost(context, { postId: event.postId });
  if (!found) return;
  const ctx = federation.createContext(context.config.baseUrl, context);
  const object = toObject(ctx, found);
  // The same addressing on the activity as on its object (Lemmy checks).
  const values = { id: activityId(context), actor: ctx.getActorUri(found.post.authorId), object, tos: object.toIds, ccs: object.ccIds };
  const id = objectUri(ctx, found);
  await announce(federation, context, found.forum.id, event.type === 'post.published' ? new Create(values) : new Update(values), id);
  // Mastodon ignores an announced Create: a new or edited thread is also announced as the Page itself.
  if (found.post.number === 1) await announce(federation, context, found.forum.id, object, id);
}

export function startOutbox(federation: Federation<AppContext>, context: AppContext, signal: AbortSignal): void {
  const db = context.database.db;
  const loop = async () => {
    while (!signal.aborted) {
      const [row] = await db.select().from(federationOutbox).where(lte(federationOutbox.createdAt, new Date())).orderBy(asc(federationOutbox.createdAt)).limit(1).catch(() => []);
      if (!row) {
        await idle(wake, 1000, signal);
        continue;
      }
      try {
        await deliver(federation, context, row.event as Outgoing);
        await db.delete(federationOutbox).where(eq(federationOutbox.id, row.id));
      } catch (error) {
        context.log(`federation: outbox ${row.id} failed: ${String(error)}`);
        await db
          .update(federationOutbox)
          .set({ attempts: sql`${federationOutbox.attempts} + 1`, lastError: String(error).slice(0, 500), createdAt: new Date(Date.now() + 60_000) })
          .where(eq(federationOutbox.id, row.id))
          .catch(() => {});
      }
    }
  };
  void loop();
}
