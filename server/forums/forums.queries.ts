// Page-shaped reads: each page is a fixed, small number of queries however much it shows.
import { and, asc, count, desc, eq, gte, lt, lte, max, or, sql } from 'drizzle-orm';
import type { Db, DatabaseLike } from '../db/client.ts';
import { prepared, viewerShape } from '../db/prepared.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { Viewer } from '../access.ts';
import { categories, forums, postRevisions, posts, reactions, threadReads, threads } from './forums.tables.ts';
import type { Forum } from './forums.service.ts';
import type { Thread } from './threads.service.ts';
import { authorName, authorNameOf, authorUsername, forumListedFor, quoteStateOf, liveThread, postShownInThread, threadListedInForum } from '../access.sql.ts';
import { mutes } from '../moderation/moderation.tables.ts';
import { alias } from 'drizzle-orm/pg-core';
import { pageOfPost, postsPerPage } from '../paths.ts';

const quotedPost = alias(posts, 'quoted_post');
const quotedAuthor = alias(users, 'quoted_author');
export const lastPost = alias(posts, 'last_post');
export const lastAuthor = alias(users, 'last_author');

/**
 * Joins a conversation's last post that is out in the open (not waiting, removed or deleted), so a
 * list says who wrote last and when without naming a writer others cannot read yet.
 */
export const lastLivePostJoin = sql`${lastPost.id} = (select p."id" from "posts" p where p."thread_id" = ${threads.id} and p."deleted_at" is null and p."held_at" is null and p."removed_at" is null order by p."number" desc limit 1)`;

export const threadsPerPage = 25;


/** True when the thread has posts the viewer has not read (and that came after they joined). */
function unreadFor(viewer: Viewer) {
  if (!viewer) return sql<boolean>`false`;
  return sql<boolean>`(${threads.postCount} > coalesce(${threadReads.lastReadNumber}, 0) and ${threads.lastPostAt} > ${viewer.createdAt})`;
}

function readsJoin(viewer: Viewer) {
  return and(eq(threadReads.threadId, threads.id), eq(threadReads.userId, viewer?.id ?? '00000000-0000-0000-0000-000000000000'));
}

export type ForumSummary = Forum & {
  threadCount: number;
  lastPostAt: Date | null;
  hasNew: boolean;
  latest: { id: string; number: number; title: string; lastPostAt: Date; lastAuthor: string | null } | null;
};

/** Categories with the forums this viewer may read, each with counts and a quiet "new" flag. */
export async function forumIndex(db: Db, viewer: Viewer, archived = false) {
  const [categoryRows, forumRows, latestRows] = await Promise.all([
    db.select().from(categories).where(eq(categories.archived, archived)).orderBy(asc(categories.position), asc(categories.name)),
    db
      .select({
        forum: forums,
        threadCount: sql<number>`count(${threads.id})::int`,
        lastPostAt: max(threads.lastPostAt),
        hasNew: sql<boolean>`coalesce(bool_or(${unreadFor(viewer)}), false)`,
      })
      .from(forums)
      .leftJoin(threads, and(eq(threads.forumId, forums.id), liveThread))
      .leftJoin(threadReads, readsJoin(viewer))
      .where(and(forumListedFor(viewer), eq(forums.archived, archived)))
      .groupBy(forums.id)
      .orderBy(asc(forums.position), asc(forums.name)),
    // The latest conversation of each forum, with its last writer (archived forums list only their names).
    archived
      ? Promise.resolve([])
      : db
          .selectDistinctOn([threads.forumId], {
            forumId: threads.forumId,
            id: threads.id,
            number: threads.number,
            title: threads.title,
            lastPostAt: sql<Date>`coalesce(${lastPost.createdAt}, ${threads.lastPostAt})`.mapWith(threads.lastPostAt),
            lastAuthor: authorNameOf(lastAuthor),
          })
          .from(threads)
          .innerJoin(forums, eq(forums.id, threads.forumId))
          .leftJoin(lastPost, lastLivePostJoin)
          .leftJoin(lastAuthor, eq(lastAuthor.id, lastPost.authorId))
          .where(and(liveThread, forumListedFor(viewer), eq(forums.archived, false)))
          .orderBy(threads.forumId, desc(threads.lastPostAt)),
  ]);
  const latest = new Map(latestRows.map((row) => [row.forumId, row]));
  return categoryRows
    .map((category) => ({
      ...category,
      forums: forumRows
        .filter((row) => row.forum.categoryId === category.id)
        .map((row): ForumSummary => ({ ...row.forum, threadCount: row.threadCount, lastPostAt: row.lastPostAt, hasNew: row.hasNew, latest: latest.get(row.forum.id) ?? null })),
    }))
    .filter((category) => category.forums.length > 0);
}

/** One page of a forum's threads (the caller has checked the forum is readable): pinned first, then by last activity. */
export async function threadList(db: Db, reader: Viewer, forum: Forum, page: number) {
  const { shape, viewer, values } = viewerShape(reader);
  const where = () => and(eq(threads.forumId, sql.placeholder('forumId')), threadListedInForum(viewer));
  const list = prepared(db, `thread_list_${shape}`, () =>
    db
      .select({
        id: threads.id,
        number: threads.number,
        title: threads.title,
        pinned: threads.pinned,
        locked: threads.locked,
        waiting: sql<boolean>`${threads.heldAt} is not null`,
        removed: sql<boolean>`${threads.removedAt} is not null`,
        postCount: threads.postCount,
        lastPostAt: sql<Date>`coalesce(${lastPost.createdAt}, ${threads.lastPostAt})`.mapWith(threads.lastPostAt),
        lastAuthor: authorNameOf(lastAuthor),
        replies: sql<number>`(select count(*) from "posts" r where r."thread_id" = ${threads.id} and r."number" > 1 and r."deleted_at" is null and r."held_at" is null and r."removed_at" is null)::int`,
        authorName,
        hasNew: unreadFor(viewer),
        firstUnread: sql<number>`coalesce(${threadReads.lastReadNumber}, 0) + 1`,
      })
      .from(threads)
      .innerJoin(users, eq(users.id, threads.authorId))
      .leftJoin(lastPost, lastLivePostJoin)
      .leftJoin(lastAuthor, eq(lastAuthor.id, lastPost.authorId))
      .leftJoin(threadReads, readsJoin(viewer))
      .where(where())
      .orderBy(desc(threads.pinned), desc(threads.lastPostAt), desc(threads.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset')),
  );
  const counted = prepared(db, `thread_count_${shape}`, () => db.select({ n: count() }).from(threads).where(where()));
  const run = { forumId: forum.id, limit: threadsPerPage, offset: (page - 1) * threadsPerPage, ...values };
  const [rows, [total]] = await Promise.all([list.execute(run), counted.execute(run)]);
  return { threads: rows, total: total?.n ?? 0, pages: Math.max(1, Math.ceil((total?.n ?? 0) / threadsPerPage)) };
}

export type PostView = {
  id: string;
  number: number;
  authorName: string | null;
  authorUsername: string | null;
  /** Someone from another server: their profile there (their name links to it, with their handle beside it). */
  authorUrl: string | null;
  authorId: string;
  authorRole: string;
  bodyHtml: string | null;
  contentWarning: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  /** Waiting for a moderator; only its author and moderators get such posts at all. */
  waiting: boolean;
  /** Removed by moderators: the body and reason reach only its author and moderators. */
  removed: boolean;
  removedReason: string | null;
  /** The reader muted its author: the page folds it away. */
  muted: boolean;
  supportCount: number;
  supportedByViewer: boolean;
  quoted: QuotedView | null;
};

/**
 * A quote is drawn from its source when the page is read, so it shows only what the source shows
 * now: its current text, or (removed, deleted, waiting again after an edit) no text at all.
 */
export type QuotedView = {
  number: number;
  state: 'shown' | 'removed' | 'deleted' | 'unavailable';
  authorName: string | null;
  bodyHtml: string | null;
  contentWarning: string | null;
};

/**
 * One page of a thread's posts (the caller has checked the thread is readable) with authors and
 * support counts, each shown as postShownTo says: with its words, as its place only, or not at
 * all. Pages are ranges of post numbers, so a left-out post never moves the others; replies still
 * waiting (numbered below zero until let through) follow the last page's posts for their author
 * and moderators.
 */
export async function postPage(db: DatabaseLike, reader: Viewer, thread: Thread, page: number): Promise<PostView[]> {
  const lastPage = page === pageOfPost(thread.postCount);
  const { shape, viewer, values } = viewerShape(reader);
  const statement = prepared(db, `post_page_${shape}${lastPage ? '_last' : ''}`, () => {
    const shown = postShownInThread(viewer);
    const numbered = and(gte(posts.number, sql.placeholder('from')), lte(posts.number, sql.placeholder('to')));
    const onPage = lastPage ? or(numbered, lt(posts.number, 0)) : numbered;
    return db
      .select({
        id: posts.id,
        number: posts.number,
        authorId: posts.authorId,
        authorRole: users.role,
        authorName,
        authorUsername,
        authorUrl: users.url,
        body: posts.bodyHtml,
        contentWarning: posts.contentWarning,
        createdAt: posts.createdAt,
        editedAt: posts.editedAt,
        deletedAt: posts.deletedAt,
        supportCount: sql<number>`(select count(*)::int from reactions r where r.post_id = ${posts.id})`,
        supportedByViewer: viewer
          ? sql<boolean>`exists (select 1 from reactions r where r.post_id = ${posts.id} and r.user_id = ${viewer.id})`
          : sql<boolean>`false`,
        quotedNumber: quotedPost.number,
        quotedBody: quotedPost.bodyHtml,
        quotedWarning: quotedPost.contentWarning,
        quoteState: quoteStateOf(quotedPost),
        quotedAuthor: authorNameOf(quotedAuthor),
        shown,
        heldAt: posts.heldAt,
        removedAt: posts.removedAt,
        removedReason: posts.removedReason,
        muted: viewer ? sql<boolean>`exists (select 1 from ${mutes} m where m.user_id = ${viewer.id} and m.muted_id = ${posts.authorId})` : sql<boolean>`false`,
      })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.authorId))
      // A quote comes from the same thread (threads.service checks), so its readers are this page's readers.
      .leftJoin(quotedPost, and(eq(quotedPost.id, posts.quotedPostId), eq(quotedPost.threadId, posts.threadId)))
      .leftJoin(quotedAuthor, eq(quotedAuthor.id, quotedPost.authorId))
      .where(and(eq(posts.threadId, sql.placeholder('threadId')), onPage, sql`${shown} <> 'none'`))
      .orderBy(sql`${posts.number} < 0`, sql`abs(${posts.number})`);
  });
  const rows = await statement.execute({ threadId: thread.id, from: (page - 1) * postsPerPage + 1, to: page * postsPerPage, ...values });
  // Written out field by field: spreading rows (rest and spread) was most of this function's time.
  return rows.map((row): PostView => {
    const hidden = row.shown === 'place';
    const shownQuote = row.quoteState === 'shown';
    return {
      id: row.id,
      number: row.number,
      authorId: row.authorId,
      authorRole: row.authorRole,
      authorName: hidden ? null : row.authorName,
      authorUsername: hidden ? null : row.authorUsername,
      authorUrl: hidden ? null : row.authorUrl,
      bodyHtml: hidden ? null : row.body,
      contentWarning: hidden ? null : row.contentWarning,
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      deleted: row.deletedAt !== null,
      waiting: row.heldAt !== null,
      removed: row.removedAt !== null,
      removedReason: hidden ? null : row.removedReason,
      muted: row.muted,
      supportCount: row.supportCount,
      supportedByViewer: row.supportedByViewer,
      quoted:
        row.quotedNumber === null || hidden
          ? null
          : {
              number: row.quotedNumber,
              state: row.quoteState,
              authorName: shownQuote ? row.quotedAuthor : null,
              bodyHtml: shownQuote ? row.quotedBody : null,
              contentWarning: shownQuote ? row.quotedWarning : null,
            },
    };
  });
}

/** Who sent strength to a post: for members, never a ranking. */
export async function supporters(db: DatabaseLike, postId: string): Promise<{ name: string | null; username: string | null }[]> {
  return db
    .select({ name: authorName, username: authorUsername })
    .from(reactions)
    .innerJoin(users, eq(users.id, reactions.userId))
    .where(eq(reactions.postId, postId))
    .orderBy(asc(reactions.createdAt));
}

export function revisionsOf(db: DatabaseLike, postId: string) {
  return db.select().from(postRevisions).where(eq(postRevisions.postId, postId)).orderBy(desc(postRevisions.replacedAt));
}
