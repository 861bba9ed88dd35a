// The transactional outbox: the domain's events that concern other servers are written in the
// event's own transaction; a worker hands each to Fedify (whose queue, on our database, then
// delivers with retries) and removes it. A crash between the two delivers twice rather than not at all:
// an activity keeps its id, so a receiver applies it once.
import { EventEmitter } from 'node:events';
import { and, asc, count, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Context, Federation } from '@fedify/fedify';
import { Activity, Add, Announce, Create, Delete, Flag, isActor, Like, Note, Page, PUBLIC_COLLECTION, Remove, Tombstone, Undo, Update } from '@fedify/vocab';
import { Lock } from './lock.ts';
import { deliverListing, isListingEvent, listingEvents, type ListingEvent } from './directory.ts';
import type { AppContext } from '../server/context.ts';
import { subscribe, type EventOf } from '../server/events.ts';
import { federationOutbox, followers, forumFollows, remoteForums } from './federation.tables.ts';
import { nodeActor } from './node-actor.ts';
import { asRecipient } from './follows.ts';
import { idle } from './idle.ts';
import { forums, posts, reactions, threads } from '../server/forums/forums.tables.ts';
import { users } from '../server/accounts/accounts.tables.ts';
import { publicWherever } from '../server/access.sql.ts';
import { authorUri, loadPublicPost, objectUri, toObject } from './posts.ts';
import { activityId, kept } from './activities.ts';
import { allowedRecipients } from './policy.ts';

const wake = new EventEmitter();
wake.setMaxListeners(0);

type ThreadState = EventOf<'thread.pinned' | 'thread.unpinned' | 'thread.locked' | 'thread.unlocked'>;
type Outgoing = EventOf<'post.published' | 'post.changed' | 'post.withdrawn' | 'thread.moved' | 'forum.closed' | 'report.forwarded' | 'reaction.given' | 'reaction.withdrawn' | ListingEvent['type']> | ThreadState;
const threadStates: ThreadState['type'][] = ['thread.pinned', 'thread.unpinned', 'thread.locked', 'thread.unlocked'];
const isThreadState = (event: Outgoing): event is ThreadState => (threadStates as string[]).includes(event.type);
const isReaction = (event: Outgoing): event is EventOf<'reaction.given' | 'reaction.withdrawn'> => event.type === 'reaction.given' || event.type === 'reaction.withdrawn';

/**
 * Only what concerns public things is ever written here: a members-only post never reaches the
 * outbox. A post withdrawn, or a thread moved where visitors cannot read it, was public until
 * then: peers hold a copy, and are asked to delete it.
 */
export function subscribeOutbox(): void {
  subscribe('federation: outbox', ['post.published', 'post.changed', 'post.withdrawn', 'thread.moved', 'forum.closed', 'report.forwarded', ...threadStates, ...listingEvents], async (db, event) => {
    // A group's listing is public (what a visitor may see of it), and goes to the partner nodes;
    // a forwarded report goes to the server of the one reported.
    const concerns = event.type === 'forum.closed' || event.type === 'report.forwarded' || isListingEvent(event) || (event.type === 'thread.moved' ? event.wasPublic && !event.public : event.public);
    if (!concerns) return;
    await db.insert(federationOutbox).values({ event });
    wake.emit('work');
  });
  // Members' support for a post in a followed group elsewhere goes there as the site's own Like:
  // one for the site, never naming who (who supports whom in a peer-support forum is theirs).
  subscribe('federation: support elsewhere', ['reaction.given', 'reaction.withdrawn'], async (db, event) => {
    const [row] = await db
      .select({ forumIri: forums.iri })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(and(eq(posts.id, event.postId), isNotNull(posts.iri)));
    if (!row?.forumIri) return;
    await db.insert(federationOutbox).values({ event });
    wake.emit('work');
  });
  // A member who deletes their account takes their words off the network: every post of theirs
  // that was public (its forum public, it and its conversation live) is withdrawn from peers.
  subscribe('federation: deleted members', ['member.deleted'], async (db, event) => {
    // Which groups elsewhere someone followed says something about their health: it goes with them.
    await db.delete(forumFollows).where(eq(forumFollows.userId, event.userId));
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

/** The forum sends an activity on to its followers (FEP-1b12), in order per object. */
async function announce(ctx: Context<AppContext>, forumSlug: string, inner: Activity | Page | Note, objectId: URL, postId?: string): Promise<void> {
  const announcement = new Announce({
    id: activityId(ctx.data),
    actor: ctx.getActorUri(forumSlug),
    object: inner instanceof Activity ? await kept(ctx, inner, postId) : inner,
    tos: [ctx.getFollowersUri(forumSlug)],
    ccs: [PUBLIC_COLLECTION],
  });
  await ctx.sendActivity({ identifier: forumSlug }, 'followers', await kept(ctx, announcement, postId), { preferSharedInbox: true, orderingKey: objectId.href });
}

/** Where to deliver to a followed group elsewhere; undefined for one of our own forums, null for a group the policy refuses. */
async function groupElsewhere(context: AppContext, forumId: string) {
  const [row] = await context.database.db
    .select({ iri: forums.iri, inbox: remoteForums.inbox, sharedInbox: remoteForums.sharedInbox })
    .from(forums)
    .innerJoin(remoteForums, eq(remoteForums.forumId, forums.id))
    .where(eq(forums.id, forumId));
  if (!row?.iri) return undefined;
  // A group on a server the node no longer talks to hears nothing more.
  const [allowed] = await allowedRecipients(context.database.db, [asRecipient({ follower: row.iri, inbox: row.inbox, sharedInbox: row.sharedInbox })]);
  return allowed ?? null;
}

async function slugOf(context: AppContext, forumId: string): Promise<string | undefined> {
  const [forum] = await context.database.db.select({ slug: forums.slug }).from(forums).where(eq(forums.id, forumId));
  return forum?.slug;
}

async function deliver(federation: Federation<AppContext>, context: AppContext, event: Outgoing): Promise<void> {
  const ctx = federation.createContext(context.config.baseUrl, context);
  if (event.type === 'post.published' || event.type === 'post.changed') return deliverPost(ctx, event);
  if (event.type === 'forum.closed') return deliverClosing(ctx, event);
  if (isThreadState(event)) return deliverThreadState(ctx, event);
  if (isListingEvent(event)) return deliverListing(ctx, event);
  if (event.type === 'report.forwarded') return deliverReport(ctx, event);
  if (isReaction(event)) return deliverSupport(ctx, event.postId);
  // A thread moved out of public view, or a post withdrawn: the forum speaks for what it held
  // (FEP-1b12), whoever took it out of sight; the author's own actor may no longer exist.
  const forumId = event.type === 'thread.moved' ? event.fromForumId : event.forumId;
  const opening = event.type === 'thread.moved' || event.number === 1;
  // A post from elsewhere is known to peers by its own id.
  const [post] = await context.database.db
    .select({ iri: posts.iri })
    .from(posts)
    .where(opening ? and(eq(posts.threadId, event.threadId), eq(posts.number, 1)) : eq(posts.id, event.postId));
  const id = post?.iri ? new URL(post.iri) : opening ? ctx.getObjectUri(Page, { id: event.threadId }) : ctx.getObjectUri(Note, { id: event.postId });
  const group = await groupElsewhere(context, forumId);
  if (group !== undefined) {
    // In a followed group elsewhere only our own members' words are ours to take back, and the node
    // speaks for them (their own actor may be gone with their account); the group passes it on.
    if (!group || post?.iri) return;
    const deletion = new Delete({ id: activityId(context), actor: ctx.getActorUri(nodeActor), object: new Tombstone({ id }), tos: [PUBLIC_COLLECTION], ccs: [group.id] });
    await ctx.sendActivity({ identifier: nodeActor }, group, await kept(ctx, deletion), { preferSharedInbox: true, orderingKey: id.href });
    return;
  }
  const slug = await slugOf(context, forumId);
  if (!slug) return;
  await announce(ctx, slug, new Delete({ id: activityId(context), actor: ctx.getActorUri(slug), object: new Tombstone({ id }) }), id);
}

/**
 * A public forum turned members-only has no actor any more: the node itself asks the forum's
 * followers to delete each conversation they were sent, then forgets them.
 */
async function deliverClosing(ctx: Context<AppContext>, event: EventOf<'forum.closed'>): Promise<void> {
  const db = ctx.data.database.db;
  const recipients = await db.select().from(followers).where(eq(followers.actor, event.slug));
  if (recipients.length) {
    const opened = await db
      .select({ threadId: threads.id, iri: posts.iri })
      .from(threads)
      .innerJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.number, 1)))
      .where(and(eq(threads.forumId, event.forumId), isNull(threads.deletedAt), isNull(threads.heldAt), isNull(threads.removedAt)));
    const inboxes = await allowedRecipients(db, recipients.map(asRecipient));
    for (const thread of opened) {
      const id = thread.iri ? new URL(thread.iri) : ctx.getObjectUri(Page, { id: thread.threadId });
      const deletion = new Delete({ id: activityId(ctx.data), actor: ctx.getActorUri(nodeActor), object: new Tombstone({ id }), tos: [PUBLIC_COLLECTION] });
      await ctx.sendActivity({ identifier: nodeActor }, inboxes, await kept(ctx, deletion), { preferSharedInbox: true, orderingKey: id.href });
    }
  }
  await db.delete(followers).where(eq(followers.actor, event.slug));
}

async function deliverPost(ctx: Context<AppContext>, event: EventOf<'post.published' | 'post.changed'>): Promise<void> {
  // Asked again at delivery: a post removed or moved out of sight meanwhile is not sent.
  const found = await loadPublicPost(ctx.data, { postId: event.postId });
  if (!found) return;
  const object = toObject(ctx, found);
  // The same addressing on the activity as on its object (Lemmy checks).
  // A post from elsewhere is passed on as its author's (FEP-1b12): receivers fetch the object from its own server.
  const values = { id: activityId(ctx.data), actor: authorUri(ctx, found), object, tos: object.toIds, ccs: object.ccIds };
  const id = objectUri(ctx, found);
  if (found.forum.iri) {
    // A member's post in a followed group elsewhere goes to that group, which passes it on; what
    // came from there is there already.
    const group = await groupElsewhere(ctx.data, found.forum.id);
    if (!group || found.authorIri) return;
    const activity = event.type === 'post.published' ? new Create(values) : new Update(values);
    await ctx.sendActivity({ identifier: found.post.authorId }, group, await kept(ctx, activity, found.post.id), { preferSharedInbox: true, orderingKey: id.href });
    return;
  }
  await announce(ctx, found.forum.slug, event.type === 'post.published' ? new Create(values) : new Update(values), id, found.post.id);
  // Mastodon ignores an announced Create: a new or edited thread is also announced as the Page itself.
  if (found.post.number === 1) await announce(ctx, found.forum.slug, object, id, found.post.id);
}

/**
 * A conversation pinned or locked by the forum's moderators: the forum itself says so (Lemmy's Add
 * to `featured` and Lock, and their Remove and Undo), so who moderated stays here.
 */
async function deliverThreadState(ctx: Context<AppContext>, event: ThreadState): Promise<void> {
  const found = await loadPublicPost(ctx.data, { threadId: event.threadId });
  if (!found || found.forum.iri) return;
  const slug = found.forum.slug;
  const group = ctx.getActorUri(slug);
  const id = objectUri(ctx, found);
  const values = { actor: group, object: id, tos: [PUBLIC_COLLECTION], ccs: [group], audience: group };
  const featured = { ...values, target: ctx.getFeaturedUri(slug) };
  const activity =
    event.type === 'thread.pinned'
      ? new Add({ id: activityId(ctx.data), ...featured })
      : event.type === 'thread.unpinned'
        ? new Remove({ id: activityId(ctx.data), ...featured })
        : event.type === 'thread.locked'
          ? new Lock({ id: activityId(ctx.data), ...values })
          : new Undo({ id: activityId(ctx.data), ...values, object: await kept(ctx, new Lock({ id: activityId(ctx.data), ...values }), found.post.id) });
  await announce(ctx, slug, activity, id, found.post.id);
}

/**
 * A report a moderator sends on to the server of the one reported (Mastodon's shape: from the
 * node's own actor, the account and the post as its objects, the moderator's note as content).
 */
async function deliverReport(ctx: Context<AppContext>, event: EventOf<'report.forwarded'>): Promise<void> {
  const db = ctx.data.database.db;
  const [row] = await db.select({ post: posts.iri, author: users.iri }).from(posts).innerJoin(users, eq(users.id, posts.authorId)).where(eq(posts.id, event.postId));
  if (!row?.author) return;
  const documentLoader = await ctx.getDocumentLoader({ identifier: nodeActor });
  const author = await ctx.lookupObject(row.author, { documentLoader });
  if (!isActor(author)) return;
  const [recipient] = await allowedRecipients(db, [author]);
  if (!recipient) return;
  const flag = new Flag({
    id: activityId(ctx.data),
    actor: ctx.getActorUri(nodeActor),
    objects: [new URL(row.author), ...(row.post ? [new URL(row.post)] : [])],
    content: event.note || null,
    tos: [new URL(row.author)],
  });
  await ctx.sendActivity({ identifier: nodeActor }, recipient, await kept(ctx, flag), { preferSharedInbox: true });
}

/**
 * The site's support for a post in a followed group elsewhere, as it stands now: a Like while any
 * member here supports it, its Undo when none does (sent again, it changes nothing there).
 */
async function deliverSupport(ctx: Context<AppContext>, postId: string): Promise<void> {
  const db = ctx.data.database.db;
  const [post] = await db.select({ iri: posts.iri, forumId: threads.forumId }).from(posts).innerJoin(threads, eq(threads.id, posts.threadId)).where(eq(posts.id, postId));
  if (!post?.iri) return;
  const group = await groupElsewhere(ctx.data, post.forumId);
  if (!group) return;
  const [supporters] = await db.select({ n: count() }).from(reactions).innerJoin(users, eq(users.id, reactions.userId)).where(and(eq(reactions.postId, postId), isNull(users.iri)));
  const values = { actor: ctx.getActorUri(nodeActor), object: new URL(post.iri), tos: [group.id] };
  const like = new Like({ id: activityId(ctx.data), ...values });
  const activity = (supporters?.n ?? 0) > 0 ? like : new Undo({ id: activityId(ctx.data), ...values, object: await kept(ctx, like) });
  await ctx.sendActivity({ identifier: nodeActor }, group, await kept(ctx, activity), { preferSharedInbox: true, orderingKey: post.iri });
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
