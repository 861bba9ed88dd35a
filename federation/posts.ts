// Public posts as ActivityPub objects: a thread's opening post is a Page (with the title as its
// name), a reply a Note. What isPublic refuses has no object at all: the dispatchers answer null.
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Context } from '@fedify/fedify';
import { Create, Mention, Note, Object as ApObject, Page, PUBLIC_COLLECTION, Source } from '@fedify/vocab';
import { Temporal } from '@js-temporal/polyfill';
import type { AppContext } from '../server/context.ts';
import { isUuid } from '../server/validation.ts';
import { isPublic } from '../server/access.ts';
import { publicForum } from './public-forum.ts';
import { publicPost } from '../server/access.sql.ts';
import { users } from '../server/accounts/accounts.tables.ts';
import { forums, posts, threads } from '../server/forums/forums.tables.ts';
import { absolute, paths } from '../server/paths.ts';

export type PublicPost = {
  post: typeof posts.$inferSelect;
  thread: typeof threads.$inferSelect;
  forum: typeof forums.$inferSelect;
  authorStatus: string;
  /** The author's actor id when they are on another server (the post then has its own id there). */
  authorIri: string | null;
  /** The id of the conversation's opening post when it was written elsewhere (a followed group's thread). */
  openingIri: string | null;
};

/** A post with its thread and forum, only if it is public now. */
export async function loadPublicPost(context: AppContext, where: { postId: string } | { threadId: string }): Promise<PublicPost | undefined> {
  const [row] = await context.database.db
    .select({
      post: posts,
      thread: threads,
      forum: forums,
      authorStatus: users.status,
      authorIri: users.iri,
      openingIri: sql<string | null>`(select o.iri from ${posts} o where o.thread_id = ${threads.id} and o.number = 1)`,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .innerJoin(users, eq(users.id, posts.authorId))
    .where('postId' in where ? eq(posts.id, where.postId) : and(eq(posts.threadId, where.threadId), eq(posts.number, 1)));
  if (!row || !isPublic(row.forum, row.thread, { ...row.post, authorStatus: row.authorStatus })) return undefined;
  return row;
}

/** Who wrote it: our member's Person, or their actor on their own server. */
export function authorUri(ctx: Context<AppContext>, found: Pick<PublicPost, 'post' | 'authorIri'>): URL {
  return found.authorIri ? new URL(found.authorIri) : ctx.getActorUri(found.post.authorId);
}


const instant = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime());

/** The object's id: a thread's Page by the thread, a reply's Note by the post; a post from elsewhere keeps its own. */
export function objectUri(ctx: Context<AppContext>, found: { post: Pick<PublicPost['post'], 'id' | 'number' | 'iri'>; thread: Pick<PublicPost['thread'], 'id'> }): URL {
  if (found.post.iri) return new URL(found.post.iri);
  return found.post.number === 1 ? ctx.getObjectUri(Page, { id: found.thread.id }) : ctx.getObjectUri(Note, { id: found.post.id });
}

/** Addressed as Lemmy expects: a thread to the group and Public, a reply to Public with the group in cc. */
export function toObject(ctx: Context<AppContext>, found: PublicPost): Page | Note {
  const { post, thread, forum } = found;
  // A followed group elsewhere is its own server's actor.
  const group = forum.iri ? new URL(forum.iri) : ctx.getActorUri(forum.slug);
  const common = {
    id: objectUri(ctx, found),
    attribution: authorUri(ctx, found),
    audience: group,
    content: post.bodyHtml,
    mediaType: 'text/html',
    source: new Source({ content: post.body, mediaType: 'text/markdown' }),
    url: new URL(absolute(ctx.data.config.baseUrl, paths.postInThread(thread, post.number))),
    contexts: forum.iri ? [] : [ctx.getCollectionUri('context', { id: thread.id })],
    replies: forum.iri ? null : post.number === 1 ? ctx.getCollectionUri('replies', { id: thread.id }) : ctx.getCollectionUri('reply replies', { id: post.id }),
    published: instant(post.createdAt),
    updated: post.editedAt ? instant(post.editedAt) : null,
    // Mastodon shows the summary as a content warning in front of the words.
    sensitive: post.contentWarning !== null,
    summary: post.contentWarning,
  };
  if (post.number === 1) {
    return new Page({ ...common, name: thread.title.slice(0, 200), tos: [group, PUBLIC_COLLECTION], tags: [new Mention({ href: group })] });
  }
  const opening = found.openingIri ? new URL(found.openingIri) : ctx.getObjectUri(Page, { id: thread.id });
  return new Note({ ...common, replyTarget: opening, tos: [PUBLIC_COLLECTION], ccs: [group] });
}

export function dispatchPosts(federation: import('@fedify/fedify').Federation<AppContext>): void {
  federation.setObjectDispatcher(Page, '/ap/threads/{id}', async (ctx, { id }) => {
    const found = await loadPublicPost(ctx.data, { threadId: id }).catch(() => undefined);
    // A thread opened from elsewhere is served by its own server, under its own id.
    return found && !found.post.iri ? (toObject(ctx, found) as Page) : null;
  });
  federation.setObjectDispatcher(Note, '/ap/posts/{id}', async (ctx, { id }) => {
    const found = await loadPublicPost(ctx.data, { postId: id }).catch(() => undefined);
    return found && found.post.number !== 1 && !found.post.iri ? (toObject(ctx, found) as Note) : null;
  });
}

/** A public forum's pinned conversations (its `featured` collection), as Lemmy shows them. */
export function dispatchFeatured(federation: import('@fedify/fedify').Federation<AppContext>): void {
  federation.setFeaturedDispatcher('/ap/actors/{identifier}/featured', async (ctx, identifier) => {
    const forum = await publicForum(ctx.data, identifier);
    if (!forum) return null;
    const pinned = await ctx.data.database.db
      .select({ id: threads.id })
      .from(threads)
      .where(and(eq(threads.forumId, forum.id), eq(threads.pinned, true)))
      .limit(50);
    const items: (Page | Note)[] = [];
    for (const thread of pinned) {
      const found = await loadPublicPost(ctx.data, { threadId: thread.id });
      if (found) items.push(toObject(ctx, found));
    }
    return { items };
  });
}

/** A public forum's outbox: its latest conversations as their creation, which Lemmy reads to fill a newly followed community. */
export function dispatchOutbox(federation: import('@fedify/fedify').Federation<AppContext>): void {
  federation.setOutboxDispatcher('/ap/actors/{identifier}/outbox', async (ctx, identifier) => {
    const forum = await publicForum(ctx.data, identifier);
    if (!forum) return null;
    const latest = await ctx.data.database.db.select({ id: threads.id }).from(threads).where(eq(threads.forumId, forum.id)).orderBy(desc(threads.createdAt)).limit(20);
    const items: Create[] = [];
    for (const thread of latest) {
      const found = await loadPublicPost(ctx.data, { threadId: thread.id });
      if (!found) continue;
      const object = toObject(ctx, found);
      items.push(new Create({ id: new URL(`${object.id!.href}/create`), actor: authorUri(ctx, found), object, tos: object.toIds, ccs: object.ccIds }));
    }
    return { items };
  });
}

const pageSize = 50;

/**
 * A conversation as collections (FEP-7888, FEP-f228): its `context` lists the ids of its public
 * posts in order, and the opening post's `replies` the answers to it, paged, for a server that
 * wants to read a whole thread it joined late. Conversations here are flat (every reply answers
 * the thread), so a reply's own `replies` is always empty.
 */
export function dispatchConversations(federation: import('@fedify/fedify').Federation<AppContext>): void {
  const publicPosts = (context: AppContext, threadId: string, repliesOnly: boolean) =>
    context.database.db
      .select({ id: posts.id, number: posts.number, iri: posts.iri })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(and(eq(posts.threadId, threadId), publicPost, repliesOnly ? gt(posts.number, 1) : undefined));
  // Only our own public conversations: a followed group's thread kept here has its collections on its own server.
  const opened = async (context: AppContext, threadId: string) => {
    const found = isUuid(threadId) ? await loadPublicPost(context, { threadId }) : undefined;
    return found !== undefined && !found.forum.iri;
  };
  const conversation = (name: 'context' | 'replies', path: '/ap/threads/{id}/context' | '/ap/threads/{id}/replies') =>
    federation
      .setOrderedCollectionDispatcher(name, ApObject, path, async (ctx, { id }, cursor) => {
        if (!(await opened(ctx.data, id))) return null;
        const offset = cursor === null ? 0 : Number(cursor);
        const rows = await publicPosts(ctx.data, id, name === 'replies').orderBy(posts.number).limit(pageSize + 1).offset(offset);
        const items = rows.slice(0, pageSize).map((row) => {
          const uri = objectUri(ctx, { post: row, thread: { id } });
          return row.number === 1 ? new Page({ id: uri }) : new Note({ id: uri });
        });
        return { items, nextCursor: cursor !== null && rows.length > pageSize ? String(offset + pageSize) : null };
      })
      .setCounter(async (ctx, { id }) => ((await opened(ctx.data, id)) ? (await publicPosts(ctx.data, id, name === 'replies')).length : null))
      .setFirstCursor(async (ctx, { id }) => ((await opened(ctx.data, id)) ? '0' : null));
  conversation('context', '/ap/threads/{id}/context');
  conversation('replies', '/ap/threads/{id}/replies');
  federation.setOrderedCollectionDispatcher('reply replies', ApObject, '/ap/posts/{id}/replies', async (ctx, { id }) => {
    const found = isUuid(id) ? await loadPublicPost(ctx.data, { postId: id }) : undefined;
    return found && found.post.number !== 1 && !found.post.iri ? { items: [] } : null;
  }).setCounter(() => 0);
}
