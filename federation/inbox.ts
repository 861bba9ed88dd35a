// What other servers send us, after Fedify has checked the signature and that the signer owns
// the actor's key: replies and threads in our public forums, edits, deletions, support (Like) and
// reports (Flag). Each goes through the same service a member's action would, as its remote author,
// so access.ts decides, moderation holds and the crisis check reads it, notifications follow.
// Applying an activity twice changes nothing: posts are found again by their id (posts.iri).
import { and, eq } from 'drizzle-orm';
import type { Federation, InboxContext } from '@fedify/fedify';
import {
  Accept,
  Add,
  Announce,
  Article,
  Create,
  Delete,
  Dislike,
  Flag,
  Follow,
  isActor,
  Like,
  Note,
  Page,
  PUBLIC_COLLECTION,
  Question,
  Reject,
  Remove,
  traverseCollection,
  Undo,
  Update,
  type Object as ApObject,
} from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import { isUuid } from '../server/validation.ts';
import type { User } from '../server/accounts/accounts.service.ts';
import { users } from '../server/accounts/accounts.tables.ts';
import { isPublic } from '../server/access.ts';
import { emit } from '../server/events.ts';
import type { Forum } from '../server/forums/forums.service.ts';
import { posts } from '../server/forums/forums.tables.ts';
import { titleMaxLength } from '../server/forums/posting.ts';
import { deletePost, editPost, findPost, followGroupDecision, reply, setSupport, startThread, type FoundPost } from '../server/forums/threads.service.ts';
import { markdownFromHtml, textFromHtml } from '../server/markup/markup.ts';
import { report } from '../server/moderation/moderation.service.ts';
import { findPerson, rememberPerson } from './people.ts';
import { publicForum } from './public-forum.ts';
import { onFollow, onUndoFollow, type Followable } from './follows.ts';
import { followedForum, followedForumOf, setFollowState } from './following.ts';
import { lockIn } from './lock.ts';
import { onNodeFollowAnswer } from './partners.ts';
import { onListingChanged, onListingRemoved } from './directory.ts';
import { nodeActor } from './node-actor.ts';

type Ctx = InboxContext<AppContext>;


/** What may open a conversation here (Lemmy's Page, Mastodon's Note, Article, a poll's Question); a reply is always a Note-like object with inReplyTo. */
const postLike = (object: unknown): object is Note | Page | Article | Question =>
  object instanceof Note || object instanceof Page || object instanceof Article || object instanceof Question;

const sameOrigin = (a: URL, b: URL) => a.origin === b.origin;

/** Followers-only and direct messages are never shown in a public forum, so they are not taken at all. */
function isAddressedToPublic(object: ApObject): boolean {
  return [...object.toIds, ...object.ccIds].some((id) => id.href === PUBLIC_COLLECTION.href);
}

function logRefused(ctx: Ctx, what: string, why: string): void {
  ctx.data.log(`federation: ${what} refused: ${why}`);
}

/** One of our posts by any of its ids: our Page (a thread) or Note (a reply), or a remote post kept here. */
async function findLocalPost(ctx: Ctx, id: URL): Promise<FoundPost | undefined> {
  const db = ctx.data.database.db;
  const parsed = ctx.parseUri(id);
  if (parsed?.type === 'object' && isUuid(parsed.values.id ?? '')) {
    if (parsed.class === Note) return findPost(db, parsed.values.id!);
    if (parsed.class === Page) {
      const [opening] = await db.select({ id: posts.id }).from(posts).where(and(eq(posts.threadId, parsed.values.id!), eq(posts.number, 1)));
      return opening && findPost(db, opening.id);
    }
    return undefined;
  }
  if (id.origin === ctx.origin) return undefined;
  const [stored] = await db.select({ id: posts.id }).from(posts).where(eq(posts.iri, id.href));
  return stored && findPost(db, stored.id);
}

/** The public forum a new thread is sent to: one of our Group actors among its audience or addressees. */
async function addressedForum(ctx: Ctx, object: ApObject) {
  for (const id of [...object.audienceIds, ...object.toIds, ...object.ccIds]) {
    const parsed = ctx.parseUri(id);
    const forum = parsed?.type === 'actor' ? await publicForum(ctx.data, parsed.identifier) : undefined;
    if (forum) return forum;
  }
  return undefined;
}

/** Markdown when the sender kept it (Lemmy does), otherwise their HTML made into ours. */
function bodyOf(object: ApObject): string {
  const source = object.source;
  if (source?.content && source.mediaType === 'text/markdown') return source.content.toString().trim();
  return markdownFromHtml(object.content?.toString() ?? '');
}

/** A content warning (Mastodon's summary), one line. */
function warningOf(object: ApObject): string {
  return textFromHtml(object.summary?.toString() ?? '').replace(/\s+/g, ' ').slice(0, 100);
}

/** A thread's title: its name, or (as Lemmy does for a Note) its first line. */
function titleOf(object: ApObject, body: string): string {
  const name = object.name?.toString().trim();
  const line = (name || body.split('\n').find((l) => l.trim()) || '').replace(/\s+/g, ' ').replace(/^[#>*\-\s]+/, '').trim();
  return line.length > titleMaxLength ? `${line.slice(0, titleMaxLength - 1)}…` : line;
}

/**
 * The author of an activity about an object: its actor, remembered here. The object must come
 * from the actor's own server and be attributed to them (Fedify re-fetches an embedded object
 * from another server, so what we read is what its server says).
 */
async function authorOf(ctx: Ctx, actorId: URL | null, object: ApObject, getActor: () => Promise<unknown>): Promise<User | undefined> {
  if (!actorId || !object.id || !sameOrigin(object.id, actorId)) return undefined;
  if (object.attributionId?.href !== actorId.href) return undefined;
  return remember(ctx, await getActor());
}

/** Someone elsewhere, remembered; never one of our own actors (our own posts come back in announcements). */
async function remember(ctx: Ctx, actor: unknown): Promise<User | undefined> {
  if (!isActor(actor) || !actor.id || actor.id.origin === ctx.origin) return undefined;
  return rememberPerson(ctx.data.database.db, actor);
}

async function onCreate(ctx: Ctx, create: Create, announcedBy?: Forum): Promise<void> {
  const object = await create.getObject(ctx);
  if (postLike(object)) await takePost(ctx, object, create.actorId, () => create.getActor(ctx), announcedBy);
}

/**
 * A new post from elsewhere: a reply to a conversation here (found by inReplyTo), or a new
 * conversation in the public forum it was sent to, or in the followed group that announced it.
 */
async function takePost(ctx: Ctx, object: Note | Page | Article | Question, actorId: URL | null, getActor: () => Promise<unknown>, announcedBy?: Forum): Promise<void> {
  // Our own posts come back in a followed group's announcements: they are here already.
  if (!object.id || object.id.origin === ctx.origin) return;
  if (!isAddressedToPublic(object)) return logRefused(ctx, object.id.href, 'not public');
  const db = ctx.data.database.db;
  const [already] = await db.select({ id: posts.id }).from(posts).where(eq(posts.iri, object.id.href));
  if (already) return;
  const author = await authorOf(ctx, actorId, object, getActor);
  if (!author) return logRefused(ctx, object.id.href, 'the author is not the sender, or is banned here');
  const body = bodyOf(object);
  const contentWarning = warningOf(object);
  if (object.replyTargetId) {
    const target = await findLocalPost(ctx, object.replyTargetId);
    if (!target) return logRefused(ctx, object.id.href, 'a reply to nothing here');
    const done = await reply(db, author, target.forum, target.thread, { body, contentWarning }, object.id.href);
    if (!done.ok) logRefused(ctx, object.id.href, done.kind);
    return;
  }
  const forum = announcedBy ?? (await addressedForum(ctx, object));
  if (!forum) return logRefused(ctx, object.id.href, 'not sent to a public forum here');
  const done = await startThread(db, author, forum, { title: titleOf(object, body), body, contentWarning }, object.id.href);
  if (!done.ok) logRefused(ctx, object.id.href, done.kind);
}

/**
 * A followed group passes on what was said in it (FEP-1b12): the activity inside is handled as if
 * sent to us, and a plain announced Page or Note as its creation. Only from a group the node follows.
 */
async function onAnnounce(ctx: Ctx, announce: Announce): Promise<void> {
  if (!announce.actorId) return;
  const forum = await followedForum(ctx.data, announce.actorId);
  if (!forum) return;
  const lock = await lockIn(announce, new URL(forum.iri!).origin);
  if (lock) return groupDecides(ctx, lock.conversation, forum, 'locked', lock.locked);
  const inner = await announce.getObject(ctx);
  if (inner instanceof Create) return onCreate(ctx, inner, forum);
  if (inner instanceof Update) return onUpdate(ctx, inner);
  if (inner instanceof Delete) return onDelete(ctx, inner, forum);
  if (inner instanceof Like) return onLike(ctx, inner, true);
  if (inner instanceof Undo) return onUndo(ctx, inner);
  if (inner instanceof Add || inner instanceof Remove) return onFeatured(ctx, inner, forum);
  if (postLike(inner)) await takePost(ctx, inner, inner.attributionId, () => inner.getAttribution(ctx), forum);
}

/**
 * A followed group's decision about one of its own conversations (a pin, a lock); the caller has
 * checked that it came from the group's own server.
 */
async function groupDecides(ctx: Ctx, conversation: URL, group: Forum, flag: 'pinned' | 'locked', value: boolean): Promise<void> {
  const found = await findLocalPost(ctx, conversation);
  if (!found || found.post.number !== 1 || found.forum.id !== group.id) return logRefused(ctx, conversation.href, `${flag}: not a conversation of that group`);
  await followGroupDecision(ctx.data.database.db, found, flag, value);
}

/** Lemmy's pin: Add to (or Remove from) the group's featured collection. */
async function onFeatured(ctx: Ctx, change: Add | Remove, group: Forum): Promise<void> {
  if (!change.objectId || !change.actorId || !group.iri || !sameOrigin(change.actorId, new URL(group.iri))) return;
  await groupDecides(ctx, change.objectId, group, 'pinned', change instanceof Add);
}

/** The group answered the node's Follow. */
async function onFollowAnswer(ctx: Ctx, answer: Accept | Reject): Promise<void> {
  if (!answer.actorId) return;
  if (await onNodeFollowAnswer(ctx, answer, answer instanceof Accept)) return;
  const forum = await followedForum(ctx.data, answer.actorId);
  // Accept carries the Follow or only its id; either way it must be the one we sent this group.
  const follow = answer.objectId ?? null;
  if (!forum || followedForumOf(ctx.data, follow) !== forum.id) return;
  await setFollowState(ctx.data, forum.id, answer instanceof Accept ? 'accepted' : 'rejected');
  if (answer instanceof Accept) await backfill(ctx, forum);
}

const backfillLimit = 20;

/**
 * A group just followed shows its latest conversations at once, as Lemmy fills a newly followed
 * community: read from its outbox (Create, or the group's Announce of one), oldest first, each
 * taken as if it had been sent. Replies come as they are written.
 */
async function backfill(ctx: Ctx, forum: Forum): Promise<void> {
  try {
    const group = await ctx.lookupObject(forum.iri!);
    const outbox = isActor(group) ? await group.getOutbox(ctx) : null;
    if (!outbox) return;
    const items: unknown[] = [];
    for await (const item of traverseCollection(outbox, ctx)) {
      items.push(item);
      if (items.length >= backfillLimit) break;
    }
    for (const item of items.reverse()) {
      const creation = item instanceof Announce && item.actorId?.href === forum.iri ? await item.getObject(ctx) : item;
      if (creation instanceof Create) await onCreate(ctx, creation, forum);
    }
  } catch (error) {
    ctx.data.log(`federation: could not read the outbox of ${forum.iri}: ${String(error)}`);
  }
}

async function onUpdate(ctx: Ctx, update: Update): Promise<void> {
  if (await onListingChanged(ctx, update.actorId, update.objectId)) return;
  const object = await update.getObject(ctx);
  if (!postLike(object) || !object.id) return;
  const found = await findLocalPost(ctx, object.id);
  if (!found) return;
  const author = await authorOf(ctx, update.actorId, object, () => update.getActor(ctx));
  if (!author || author.id !== found.post.authorId) return logRefused(ctx, object.id.href, 'an edit by someone else');
  // An edit delivered again, or overtaken by a later one, is not applied twice.
  const updated = object.updated ? new Date(object.updated.epochMilliseconds) : new Date();
  if (found.post.editedAt && found.post.editedAt >= updated) return;
  const body = bodyOf(object);
  const form = { body, contentWarning: warningOf(object), ...(found.post.number === 1 ? { title: titleOf(object, body) } : {}) };
  const done = await editPost(ctx.data.database.db, author, found, form);
  if (!done.ok) logRefused(ctx, object.id.href, done.kind);
}

/**
 * A post taken back, or (the object is the actor) an account deleted on its server. Only the
 * post's own server may do it, or the followed group (its moderators) that the post was said in.
 */
async function onDelete(ctx: Ctx, deletion: Delete, announcedBy?: Forum): Promise<void> {
  const id = deletion.objectId;
  const actorId = deletion.actorId;
  if (!id || !actorId) return;
  if (id.href === actorId.href) return forgetPerson(ctx, id);
  const found = await findLocalPost(ctx, id);
  if (!found) return;
  const db = ctx.data.database.db;
  const [author] = await db.select().from(users).where(eq(users.id, found.post.authorId));
  if (!author?.iri) return logRefused(ctx, id.href, 'a deletion of a post written here');
  const byOrigin = sameOrigin(new URL(author.iri), actorId) && sameOrigin(id, actorId);
  const byGroup = announcedBy?.iri ? announcedBy.id === found.forum.id && sameOrigin(new URL(announcedBy.iri), actorId) : false;
  if (!byOrigin && !byGroup) return logRefused(ctx, id.href, 'a deletion from neither the post’s server nor its group');
  await deletePost(db, author, found);
}

/** Their account is gone on their server: their name goes here too, and their public words leave our followers. */
async function forgetPerson(ctx: Ctx, iri: URL): Promise<void> {
  const person = await findPerson(ctx.data.database.db, iri);
  if (!person || person.status === 'deleted') return;
  await ctx.data.database.db.transaction(async (tx) => {
    await tx.update(users).set({ status: 'deleted', displayName: '', url: null, deletedAt: new Date() }).where(eq(users.id, person.id));
    await emit(tx, { type: 'member.deleted', userId: person.id });
  });
}

/** Support, Lemmy's and Mastodon's like: only for a public post, never one's own. */
async function onLike(ctx: Ctx, like: Like, supported: boolean): Promise<void> {
  if (!like.objectId || !like.actorId) return;
  const found = await findLocalPost(ctx, like.objectId);
  if (!found || !isPublic(found.forum, found.thread, found.post)) return;
  const db = ctx.data.database.db;
  const person = supported ? await remember(ctx, await like.getActor(ctx)) : await findPerson(db, like.actorId);
  if (!person) return;
  await setSupport(db, person, found, supported);
}

/**
 * A report from another server: Lemmy's (to the forum, reason in summary) or Mastodon's (from an
 * instance actor, object a list, reason in content). Each public post of ours it names goes to
 * the moderation queue as a report by that server.
 */
async function onFlag(ctx: Ctx, flag: Flag): Promise<void> {
  const db = ctx.data.database.db;
  const reporter = await remember(ctx, await flag.getActor(ctx));
  if (!reporter) return;
  const note = textFromHtml(flag.content?.toString() || flag.summary?.toString() || '').slice(0, 1000);
  for (const id of flag.objectIds) {
    const found = await findLocalPost(ctx, id);
    if (!found || !isPublic(found.forum, found.thread, found.post)) continue;
    const [member] = await db.select().from(users).where(eq(users.id, found.post.authorId));
    if (member) await report(db, reporter, { post: found.post, member }, { reason: 'other', note });
  }
}

/** A Follow or a Like taken back, only by the one who did it. */
async function onUndo(ctx: Ctx, undo: Undo): Promise<void> {
  const object = await undo.getObject(ctx);
  if (!(object instanceof Follow || object instanceof Like) || !undo.actorId || object.actorId?.href !== undo.actorId.href) return;
  if (object instanceof Follow) await onUndoFollow(ctx, undo.actorId, object);
  else await onLike(ctx, object, false);
}

/** Every activity our inboxes (each actor's and the shared one) take. */
export function listenToInbox(federation: Federation<AppContext>, followable: Followable): void {
  federation
    .setInboxListeners('/ap/actors/{identifier}/inbox', '/ap/inbox')
    // What the shared inbox fetches is signed by the node (a partner in allowlist mode reads only signed requests).
    .setSharedKeyDispatcher(() => ({ identifier: nodeActor }))
    .on(Follow, (ctx, follow) => onFollow(ctx, follow, followable))
    .on(Undo, onUndo)
    .on(Create, onCreate)
    .on(Update, onUpdate)
    .on(Delete, onDelete)
    .on(Like, (ctx, like) => onLike(ctx, like, true))
    // A downvote has no place in peer support: accepted and forgotten.
    .on(Dislike, async () => {})
    .on(Flag, onFlag)
    // A partner node's group listing added to its directory, or taken out of it.
    .on(Add, async (ctx, add) => void (await onListingChanged(ctx, add.actorId, add.objectId)))
    .on(Remove, async (ctx, remove) => void (await onListingRemoved(ctx.data, remove.actorId, remove.objectId)))
    .on(Announce, onAnnounce)
    .on(Accept, onFollowAnswer)
    .on(Reject, onFollowAnswer);
}
