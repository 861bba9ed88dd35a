import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { canDeletePost, canEditPost, canModerate, canReact, canReply, canStartThread } from '../access.ts';
import { invalid, parseForm, type Invalid } from '../validation.ts';
import { forums, postRevisions, posts, reactions, threadReads, threads } from './forums.tables.ts';
import type { Forum } from './forums.service.ts';
import { body, contentWarning, renderPost, searchDocument, title } from './posting.ts';
import { inGroupOf } from './spaces.ts';
import { notify, withdrawReactionNotice, type Notice } from './notifications.service.ts';

export type Thread = typeof threads.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type Refused = { ok: false; reason: 'forbidden' | 'locked' | 'gone' };

const threadForm = z.object({ title, body, contentWarning });
const replyForm = z.object({ body, contentWarning, quote: z.union([z.literal(''), z.uuid()], 'errors.quote.unavailable').optional() });
const editForm = z.object({ title: title.optional(), body, contentWarning });

/** A thread with its forum, and how far the given member has read it (0 for none or a visitor). */
export async function findThread(db: DatabaseLike, id: string, readerId?: string): Promise<{ thread: Thread; forum: Forum; lastRead: number } | undefined> {
  const [row] = await db
    .select({ thread: threads, forum: forums, inGroup: inGroupOf(readerId), lastRead: sql<number>`coalesce(${threadReads.lastReadNumber}, 0)` })
    .from(threads)
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .leftJoin(threadReads, and(eq(threadReads.threadId, threads.id), eq(threadReads.userId, readerId ?? sql`null`)))
    .where(eq(threads.id, id));
  return row && { thread: row.thread, forum: { ...row.forum, inGroup: row.inGroup }, lastRead: row.lastRead };
}

export async function findPost(db: DatabaseLike, id: string, readerId?: string): Promise<{ post: Post; thread: Thread; forum: Forum } | undefined> {
  const [row] = await db
    .select({ post: posts, thread: threads, forum: forums, inGroup: inGroupOf(readerId) })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .where(eq(posts.id, id));
  return row && { post: row.post, thread: row.thread, forum: { ...row.forum, inGroup: row.inGroup } };
}

function mentionNotices(mentioned: { id: string }[]): Notice[] {
  return mentioned.map(({ id }) => ({ userId: id, kind: 'mention' }));
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

export async function startThread(db: Db, author: User, forum: Forum, form: unknown): Promise<{ ok: true; thread: Thread } | Invalid | Refused> {
  if (!canStartThread(author, forum)) return { ok: false, reason: 'forbidden' };
  const parsed = parseForm(threadForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const rendered = await renderPost(db, input.body);
  const thread = await db.transaction(async (tx) => {
    const [created] = await tx.insert(threads).values({ forumId: forum.id, authorId: author.id, title: input.title }).returning();
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
      })
      .returning({ id: posts.id });
    await markRead(tx, author.id, created!.id, 1);
    await notify(tx, author.id, post!.id, mentionNotices(rendered.mentioned));
    return created!;
  });
  return { ok: true, thread };
}

export async function reply(
  db: Db,
  author: User,
  forum: Forum,
  thread: Thread,
  form: unknown,
): Promise<{ ok: true; post: Post } | Invalid | Refused> {
  if (!canReply(author, forum, thread)) return { ok: false, reason: thread.locked ? 'locked' : 'forbidden' };
  const parsed = parseForm(replyForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  // A quote comes from the same thread, so it can never carry members-only words elsewhere.
  const quoted = input.quote
    ? await db.query.posts.findFirst({ where: and(eq(posts.id, input.quote), eq(posts.threadId, thread.id)) })
    : undefined;
  if (input.quote && (!quoted || quoted.deletedAt)) return invalid('body', 'errors.quote.unavailable');
  const rendered = await renderPost(db, input.body);
  const post = await db.transaction(async (tx) => {
    const [counted] = await tx
      .update(threads)
      .set({ postCount: sql`${threads.postCount} + 1`, lastPostAt: new Date() })
      .where(eq(threads.id, thread.id))
      .returning({ postCount: threads.postCount });
    const [created] = await tx
      .insert(posts)
      .values({
        threadId: thread.id,
        authorId: author.id,
        number: counted!.postCount,
        body: input.body,
        bodyHtml: rendered.html,
        contentWarning: input.contentWarning,
        quotedPostId: quoted?.id ?? null,
        search: searchDocument(input.body, null),
      })
      .returning();
    await markRead(tx, author.id, thread.id, created!.number);
    await notify(tx, author.id, created!.id, [
      { userId: thread.authorId, kind: 'reply' },
      ...(quoted ? [{ userId: quoted.authorId, kind: 'quote' as const }] : []),
      ...mentionNotices(rendered.mentioned),
    ]);
    return created!;
  });
  return { ok: true, post };
}

/** Edits a post, keeping the version it replaces; the opening post also carries the title. */
export async function editPost(
  db: Db,
  editor: User,
  found: { post: Post; thread: Thread; forum: Forum },
  form: unknown,
): Promise<{ ok: true } | Invalid | Refused> {
  const { post, thread, forum } = found;
  if (!canEditPost(editor, forum, thread, post)) return { ok: false, reason: 'forbidden' };
  const parsed = parseForm(editForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const opening = post.number === 1;
  if (opening && !input.title) return invalid('title', 'errors.threadTitle.missing');
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
      })
      .where(eq(posts.id, post.id));
    if (opening) await tx.update(threads).set({ title: input.title! }).where(eq(threads.id, thread.id));
    await notify(tx, editor.id, post.id, mentionNotices(rendered.mentioned));
  });
  return { ok: true };
}

/** Deletes a post; a placeholder keeps its place so the conversation still reads. The opening post takes the thread with it. */
export async function deletePost(db: Db, actor: User, found: { post: Post; thread: Thread; forum: Forum }): Promise<{ ok: true } | Refused> {
  const { post, thread, forum } = found;
  if (!canDeletePost(actor, forum, thread, post)) return { ok: false, reason: 'forbidden' };
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.update(posts).set({ deletedAt: now, deletedBy: actor.id }).where(eq(posts.id, post.id));
    if (post.number === 1) await tx.update(threads).set({ deletedAt: now }).where(eq(threads.id, thread.id));
  });
  return { ok: true };
}

export async function setThreadFlag(db: Db, actor: User, thread: Thread, flag: 'pinned' | 'locked', value: boolean): Promise<{ ok: true } | Refused> {
  if (!canModerate(actor)) return { ok: false, reason: 'forbidden' };
  await db.update(threads).set({ [flag]: value }).where(eq(threads.id, thread.id));
  return { ok: true };
}

/** The support reaction is a toggle; the author hears of it (once) unless they switched that off. */
export async function toggleSupport(db: Db, member: User, found: { post: Post; forum: Forum }): Promise<{ ok: true; supported: boolean } | Refused> {
  const { post, forum } = found;
  if (!canReact(member, forum, post)) return { ok: false, reason: 'forbidden' };
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(reactions)
      .where(and(eq(reactions.postId, post.id), eq(reactions.userId, member.id)))
      .returning({ postId: reactions.postId });
    if (removed.length) {
      await withdrawReactionNotice(tx, member.id, post.id);
      return { ok: true as const, supported: false };
    }
    await tx.insert(reactions).values({ postId: post.id, userId: member.id }).onConflictDoNothing();
    await notify(tx, member.id, post.id, [{ userId: post.authorId, kind: 'reaction' }]);
    return { ok: true as const, supported: true };
  });
}
