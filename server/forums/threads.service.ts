import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { users } from '../accounts/accounts.tables.ts';
import { canDeletePost, canEditPost, canModeratePost, canQuote, canReact, canReply, canStartThread, isLive, isPublic, isPublicThread, isStaffEdit } from '../access.ts';
import { emit, type PostFacts } from '../events.ts';
import { invalid, isUuid, parseForm, type FieldErrors, type Invalid } from '../validation.ts';
import { forums, postRevisions, posts, reactions, threadReads, threads, threadWatches, type WatchLevel } from './forums.tables.ts';
import type { Forum } from './forums.service.ts';
import { body, contentWarning, renderPost, title } from './posting.ts';
import { searchDocument } from '../markup/search-text.ts';
import { prepared } from '../db/prepared.ts';
import { authorName, inGroupOf } from '../access.sql.ts';
import { judge, type Verdict } from '../moderation/word-rules.ts';
import { holdReasonFor } from '../moderation/premoderation.ts';
import { log } from '../moderation/log.ts';
import { reports } from '../moderation/moderation.tables.ts';

export type Thread = typeof threads.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type Refused = { ok: false; kind: 'refused'; reason: 'forbidden' | 'locked' | 'gone' };
/** A word rule refused the text: the form comes back with the admin's message. */
export type RefusedWords = { ok: false; kind: 'words'; errors: FieldErrors; message: string };
/** What became of a new post: waiting for a moderator, and whether it sounded like a crisis (the writer then sees help). */
export type Outcome = { held: boolean; crisis: boolean };

const threadForm = z.object({ title, body, contentWarning });
const replyForm = z.object({ body, contentWarning, quote: z.union([z.literal(''), z.uuid()], 'errors.quote.unavailable').optional() });
const editForm = z.object({ title: title.optional(), body, contentWarning });

export type FoundThread = { thread: Thread; forum: Forum; lastRead: number; watchChoice: WatchLevel | null };

/**
 * A thread with its forum, how far the given member has read it (0 for none or a visitor) and
 * their own watching choice for it, if they made one (watching.service.ts says what none means).
 */
export function findThread(db: DatabaseLike, id: string, readerId?: string): Promise<FoundThread | undefined> {
  return findThreadWhere(db, 'id', id, readerId);
}

/** A thread by what its address says: its short number ("123-its-title"), or its id (older links). */
export function findThreadAt(db: DatabaseLike, segment: string, readerId?: string): Promise<FoundThread | undefined> {
  const key = threadKey(segment);
  return key ? findThreadWhere(db, key.by, key.key, readerId) : Promise.resolve(undefined);
}

/** What an address's segment names: an id, or a number (with or without words); an id first, as one may begin with eight digits and a dash. */
export function threadKey(segment: string): { by: 'id'; key: string } | { by: 'number'; key: number } | null {
  if (isUuid(segment)) return { by: 'id', key: segment };
  const number = /^(\d{1,9})(?:-|$)/.exec(segment)?.[1];
  return number ? { by: 'number', key: Number(number) } : null;
}

async function findThreadWhere(db: DatabaseLike, by: 'id' | 'number', key: string | number, readerId?: string): Promise<FoundThread | undefined> {
  const statement = prepared(db, `find_thread_by_${by}${readerId ? '_reader' : ''}`, () => {
    const reader = readerId ? sql.placeholder('readerId') : undefined;
    return db
      .select({ thread: threads, forum: forums, inGroup: inGroupOf(reader), lastRead: sql<number>`coalesce(${threadReads.lastReadNumber}, 0)`, watchChoice: threadWatches.level })
      .from(threads)
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .leftJoin(threadReads, and(eq(threadReads.threadId, threads.id), eq(threadReads.userId, reader ?? sql`null`)))
      .leftJoin(threadWatches, and(eq(threadWatches.threadId, threads.id), eq(threadWatches.userId, reader ?? sql`null`)))
      .where(eq(by === 'id' ? threads.id : threads.number, sql.placeholder('key')));
  });
  const [row] = await statement.execute({ key, readerId });
  return row && { thread: row.thread, forum: { ...row.forum, inGroup: row.inGroup }, lastRead: row.lastRead, watchChoice: row.watchChoice };
}

/** A post with its thread and forum; the post carries its author's role (staff act on posts by role), status and shown name. */
export type FoundPost = { post: Post & { authorRole: string; authorStatus: string; authorName: string | null }; thread: Thread; forum: Forum };

export async function findPost(db: DatabaseLike, id: string, readerId?: string): Promise<FoundPost | undefined> {
  const [row] = await db
    .select({ post: posts, authorRole: users.role, authorStatus: users.status, authorName, thread: threads, forum: forums, inGroup: inGroupOf(readerId) })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .where(eq(posts.id, id));
  return row && { post: { ...row.post, authorRole: row.authorRole, authorStatus: row.authorStatus, authorName: row.authorName }, thread: row.thread, forum: { ...row.forum, inGroup: row.inGroup } };
}

/**
 * The facts a domain event carries about a post, with isPublic judged on the given state: the
 * state after the change for a post published or changed, the state before for one withdrawn.
 */
export function postFacts(forum: Forum, thread: Thread, post: Post, actorId: string, authorStatus = 'active'): PostFacts {
  return {
    postId: post.id,
    threadId: thread.id,
    forumId: forum.id,
    authorId: post.authorId,
    actorId,
    number: post.number,
    public: isPublic(forum, thread, { ...post, authorStatus }),
  };
}

/** The next number in the thread: the thread row counts its posts, and the update also orders concurrent replies. */
export async function nextNumber(db: DatabaseLike, threadId: string): Promise<number> {
  const [counted] = await db
    .update(threads)
    .set({ postCount: sql`${threads.postCount} + 1`, lastPostAt: new Date() })
    .where(eq(threads.id, threadId))
    .returning({ postCount: threads.postCount });
  return counted!.postCount;
}

/**
 * A reply waiting for a moderator gets a number below zero, so the thread's count, order and
 * unread markers stay as everyone else sees them; it takes the next real number when let through.
 */
async function waitingNumber(db: DatabaseLike, threadId: string): Promise<number> {
  await db.select({ id: threads.id }).from(threads).where(eq(threads.id, threadId)).for('update');
  const [row] = await db.select({ lowest: sql<number>`coalesce(min(${posts.number}), 0)::int` }).from(posts).where(and(eq(posts.threadId, threadId), lt(posts.number, 0)));
  return (row?.lowest ?? 0) - 1;
}

function refusedWords(verdict: Verdict): RefusedWords | undefined {
  return verdict.refused && { ok: false, kind: 'words', errors: { body: 'errors.wordRule.refused' }, message: verdict.refused.message };
}

export async function markRead(db: DatabaseLike, userId: string, threadId: string, number: number): Promise<void> {
  await db
    .insert(threadReads)
    .values({ userId, threadId, lastReadNumber: number })
    .onConflictDoUpdate({
      target: [threadReads.userId, threadReads.threadId],
      set: { lastReadNumber: number, updatedAt: new Date() },
      // Reading again what was already read writes nothing.
      setWhere: lt(threadReads.lastReadNumber, number),
    });
}

/** `origin` is the post's own address when it was written on another server (its ActivityPub id). */
export async function startThread(db: DatabaseLike, author: User, forum: Forum, form: unknown, origin?: string): Promise<({ ok: true; thread: Thread } & Outcome) | Invalid | RefusedWords | Refused> {
  if (!canStartThread(author, forum)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(threadForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const verdict = await judge(db, `${input.title}\n${input.body}\n${input.contentWarning ?? ''}`);
  const refused = refusedWords(verdict);
  if (refused) return refused;
  const heldReason = await holdReasonFor(db, author, forum, verdict);
  const heldAt = heldReason ? new Date() : null;
  const rendered = await renderPost(db, input.body);
  const { thread, post } = await db.transaction(async (tx) => {
    const [created] = await tx.insert(threads).values({ forumId: forum.id, authorId: author.id, title: input.title, heldAt }).returning();
    const [post] = await tx
      .insert(posts)
      .values({
        threadId: created!.id,
        authorId: author.id,
        number: 1,
        body: input.body,
        bodyHtml: rendered.html,
        contentWarning: input.contentWarning,
        search: searchDocument(input.body, input.title),
        heldAt,
        heldReason,
        iri: origin ?? null,
      })
      .returning();
    await markRead(tx, author.id, created!.id, 1);
    const facts = postFacts(forum, created!, post!, author.id);
    if (!heldAt) await emit(tx, { type: 'post.published', ...facts });
    if (verdict.crisis) await emit(tx, { type: 'post.crisisWording', ...facts });
    return { thread: created!, post: post! };
  });
  return { ok: true, thread, held: post.heldAt !== null, crisis: verdict.crisis };
}

export async function reply(
  db: Db,
  author: User,
  forum: Forum,
  thread: Thread,
  form: unknown,
  origin?: string,
): Promise<({ ok: true; post: Post } & Outcome) | Invalid | RefusedWords | Refused> {
  if (!canReply(author, forum, thread)) return { ok: false, kind: 'refused', reason: thread.locked ? 'locked' : 'forbidden' };
  const parsed = parseForm(replyForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const verdict = await judge(db, `${input.body}\n${input.contentWarning ?? ''}`);
  const refused = refusedWords(verdict);
  if (refused) return refused;
  const heldReason = await holdReasonFor(db, author, forum, verdict);
  const heldAt = heldReason ? new Date() : null;
  // A quote comes from the same thread, so it can never carry members-only words elsewhere.
  const quoted = input.quote
    ? await db.query.posts.findFirst({ where: and(eq(posts.id, input.quote), eq(posts.threadId, thread.id)) })
    : undefined;
  if (input.quote && (!quoted || !canQuote(quoted))) return invalid('body', 'errors.quote.unavailable');
  const rendered = await renderPost(db, input.body);
  const post = await db.transaction(async (tx) => {
    const number = heldAt ? await waitingNumber(tx, thread.id) : await nextNumber(tx, thread.id);
    const [created] = await tx
      .insert(posts)
      .values({
        threadId: thread.id,
        authorId: author.id,
        number,
        body: input.body,
        bodyHtml: rendered.html,
        contentWarning: input.contentWarning,
        quotedPostId: quoted?.id ?? null,
        search: searchDocument(input.body, null),
        heldAt,
        heldReason,
        iri: origin ?? null,
      })
      .returning();
    const facts = postFacts(forum, thread, created!, author.id);
    if (!heldAt) {
      await markRead(tx, author.id, thread.id, created!.number);
      await emit(tx, { type: 'post.published', ...facts });
    }
    if (verdict.crisis) await emit(tx, { type: 'post.crisisWording', ...facts });
    return created!;
  });
  return { ok: true, post, held: heldAt !== null, crisis: verdict.crisis };
}

/** Edits a post, keeping the version it replaces; the opening post also carries the title. */
export async function editPost(
  db: Db,
  editor: User,
  found: FoundPost,
  form: unknown,
): Promise<({ ok: true } & Outcome) | Invalid | RefusedWords | Refused> {
  const { post, thread, forum } = found;
  if (!canEditPost(editor, forum, thread, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(editForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const opening = post.number === 1;
  if (opening && !input.title) return invalid('title', 'errors.threadTitle.missing');
  const verdict = await judge(db, `${input.title ?? ''}\n${input.body}\n${input.contentWarning ?? ''}`);
  const refused = refusedWords(verdict);
  if (refused) return refused;
  // An edit waits again for the reasons a new post would (a moderator's edit never does), so an
  // approved post cannot be turned into something else afterwards.
  const heldReason = post.heldAt || editor.id !== post.authorId ? null : await holdReasonFor(db, editor, forum, verdict);
  const holdAgain = heldReason !== null;
  const rendered = await renderPost(db, input.body);
  await db.transaction(async (tx) => {
    await tx.insert(postRevisions).values({
      postId: post.id,
      title: opening ? thread.title : null,
      body: post.body,
      contentWarning: post.contentWarning,
      editedBy: editor.id,
    });
    await tx
      .update(posts)
      .set({
        body: input.body,
        bodyHtml: rendered.html,
        contentWarning: input.contentWarning,
        editedAt: new Date(),
        search: searchDocument(input.body, opening ? input.title! : null),
        ...(heldReason ? { heldAt: new Date(), heldReason } : {}),
      })
      .where(eq(posts.id, post.id));
    if (opening) await tx.update(threads).set({ title: input.title!, ...(holdAgain ? { heldAt: new Date() } : {}) }).where(eq(threads.id, thread.id));
    // Seen by its readers before the edit: now changed, or (waiting again) taken out of sight.
    const facts = postFacts(forum, thread, post, editor.id, post.authorStatus);
    if (isLive(thread) && isLive(post)) await emit(tx, holdAgain ? { type: 'post.withdrawn', why: 'held', ...facts } : { type: 'post.changed', ...facts });
    if (verdict.crisis) await emit(tx, { type: 'post.crisisWording', ...facts });
    if (isStaffEdit(editor, forum, post)) await log(tx, editor, { action: 'edit', postId: post.id, threadId: thread.id, targetUserId: post.authorId });
  });
  return { ok: true, held: holdAgain || post.heldAt !== null, crisis: verdict.crisis };
}

/** Deletes a post; a placeholder keeps its place so the conversation still reads. The opening post takes the thread with it. */
export async function deletePost(db: DatabaseLike, actor: User, found: FoundPost): Promise<{ ok: true } | Refused> {
  const { post, thread, forum } = found;
  if (!canDeletePost(actor, forum, thread, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.update(posts).set({ deletedAt: now, deletedBy: actor.id }).where(eq(posts.id, post.id));
    if (post.number === 1) await tx.update(threads).set({ deletedAt: now }).where(eq(threads.id, thread.id));
    // A deleted post leaves the moderation queue: there is nothing left to act on.
    await tx.update(reports).set({ resolvedAt: now, resolvedBy: actor.id }).where(and(eq(reports.postId, post.id), isNull(reports.resolvedAt)));
    if (isStaffEdit(actor, forum, post)) await log(tx, actor, { action: 'delete', postId: post.id, threadId: thread.id, targetUserId: post.authorId });
    if (isLive(thread) && isLive(post)) await emit(tx, { type: 'post.withdrawn', why: 'deleted', ...postFacts(forum, thread, post, actor.id, post.authorStatus) });
  });
  return { ok: true };
}

export async function setThreadFlag(db: DatabaseLike, actor: User, found: { thread: Thread; forum: Forum }, flag: 'pinned', value: boolean): Promise<{ ok: true } | Refused> {
  const { thread, forum } = found;
  if (!canModeratePost(actor, forum)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  await db.transaction(async (tx) => {
    await tx.update(threads).set({ [flag]: value }).where(eq(threads.id, thread.id));
    await emit(tx, { type: value ? 'thread.pinned' : 'thread.unpinned', threadId: thread.id, forumId: forum.id, actorId: actor.id, public: isPublicThread(forum, thread) });
  });
  return { ok: true };
}

/**
 * A followed group elsewhere decides for its own conversations: a pin or a lock there is one here
 * too (the inbox has checked that the decision came from the group's own server).
 */
export async function followGroupDecision(db: DatabaseLike, found: { thread: Thread; forum: Forum }, flag: 'pinned' | 'locked', value: boolean): Promise<void> {
  if (!found.forum.iri) return;
  await db.update(threads).set({ [flag]: value }).where(eq(threads.id, found.thread.id));
}

/** The support reaction is a toggle; the author hears of it (once) unless they switched that off. */
export async function toggleSupport(db: DatabaseLike, member: User, found: FoundPost): Promise<{ ok: true; supported: boolean } | Refused> {
  if (!canReact(member, found.forum, found.thread, found.post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const [given] = await db.select({ postId: reactions.postId }).from(reactions).where(and(eq(reactions.postId, found.post.id), eq(reactions.userId, member.id)));
  return setSupport(db, member, found, !given);
}

/**
 * Gives or takes back support; doing what is already done changes nothing (a Like delivered twice
 * from another server counts once).
 */
export async function setSupport(db: DatabaseLike, member: User, found: FoundPost, supported: boolean): Promise<{ ok: true; supported: boolean } | Refused> {
  const { post, thread, forum } = found;
  if (supported && !canReact(member, forum, thread, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  return db.transaction(async (tx) => {
    const facts = { postId: post.id, authorId: post.authorId, userId: member.id, public: isPublic(forum, thread, post) };
    if (!supported) {
      const removed = await tx
        .delete(reactions)
        .where(and(eq(reactions.postId, post.id), eq(reactions.userId, member.id)))
        .returning({ postId: reactions.postId });
      if (removed.length) await emit(tx, { type: 'reaction.withdrawn', ...facts });
      return { ok: true as const, supported: false };
    }
    const added = await tx.insert(reactions).values({ postId: post.id, userId: member.id }).onConflictDoNothing().returning({ postId: reactions.postId });
    if (added.length) await emit(tx, { type: 'reaction.given', ...facts });
    return { ok: true as const, supported: true };
  });
}
