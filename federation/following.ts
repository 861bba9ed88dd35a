// Members follow groups elsewhere (another association's public forum, a Lemmy community, a NodeBB
// category). The node follows each group once, as itself, for all of them: the group's server
// learns that this site follows it, never who here does. The group's conversations are kept in
// a forum row of their own (forums.iri), so threads, replies, moderation and search work as here.
import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Federation } from '@fedify/fedify';
import { Follow, Group, Undo } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import type { User } from '../server/accounts/accounts.service.ts';
import { forums, threads } from '../server/forums/forums.tables.ts';
import type { Forum } from '../server/forums/forums.service.ts';
import { textFromHtml } from '../server/markup/markup.ts';
import { invalid, type Invalid } from '../server/validation.ts';
import { liveThread } from '../server/access.sql.ts';
import { forumFollows, remoteForums } from './federation.tables.ts';
import { nodeActor } from './node-actor.ts';
import { handleOf, webLinkOf } from './people.ts';
import { allowedRecipients, allowsHost, hostOf } from './policy.ts';

const handleShape = /^@?[\p{L}\p{N}_.-]+@[a-z0-9.-]+(:\d+)?$/iu;

/** What a member may type: @name@server, name@server, or the group's address. */
function parseAddress(text: string): string | undefined {
  const address = text.trim();
  if (handleShape.test(address)) return address.startsWith('@') ? address : `@${address}`;
  try {
    const url = new URL(address);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const followId = (context: AppContext, forumId: string) => new URL(`/ap/follows/${forumId}`, context.config.baseUrl);

/** The Follow the node sent for a group, told apart from others by its id. */
export function followedForumOf(context: AppContext, id: URL | null): string | undefined {
  const match = id && id.origin === context.config.baseUrl.origin ? /^\/ap\/follows\/([0-9a-f-]{36})$/.exec(id.pathname) : null;
  return match?.[1];
}

export async function followRemoteGroup(federation: Federation<AppContext>, context: AppContext, member: User, text: string): Promise<{ ok: true; forum: Forum } | Invalid> {
  const address = parseAddress(text);
  if (!address) return invalid('address', 'errors.following.address');
  // A server the node does not talk to (blocked, or not a partner in allowlist mode) is not even asked.
  if (!(await allowsHost(context.database.db, hostOf(address) ?? ''))) return invalid('address', 'errors.following.notAllowed');
  const ctx = federation.createContext(context.config.baseUrl, context);
  const documentLoader = await ctx.getDocumentLoader({ identifier: nodeActor });
  const found = await ctx.lookupObject(address, { documentLoader }).catch(() => null);
  if (!(found instanceof Group) || !found.id || !found.inboxId) return invalid('address', 'errors.following.notFound');
  if (!(await allowedRecipients(context.database.db, [found])).length) return invalid('address', 'errors.following.notAllowed');
  if (found.id.origin === ctx.origin) return invalid('address', 'errors.following.ownSite');
  const handle = handleOf(found);
  if (!handle) return invalid('address', 'errors.following.notFound');
  const db = context.database.db;
  const values = {
    name: textFromHtml(found.name?.toString() ?? '').slice(0, 100) || handle,
    description: textFromHtml(found.summary?.toString() ?? '').slice(0, 1000),
  };
  const { state, ...forum } = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(forums)
      .values({ ...values, slug: handle.toLowerCase(), visibility: 'public', startPolicy: 'members_and_remote', replyPolicy: 'members_and_remote', iri: found.id!.href })
      .onConflictDoUpdate({ target: forums.iri, set: values })
      .returning();
    const remote = {
      inbox: found.inboxId!.href,
      sharedInbox: found.endpoints?.sharedInbox?.href ?? null,
      url: webLinkOf(found),
    };
    const [kept] = await tx
      .insert(remoteForums)
      .values({ forumId: row!.id, ...remote })
      .onConflictDoUpdate({ target: remoteForums.forumId, set: remote })
      .returning({ state: remoteForums.state });
    await tx.insert(forumFollows).values({ userId: member.id, forumId: row!.id }).onConflictDoNothing();
    return { ...row!, state: kept!.state };
  });
  if (state !== 'pending' && state !== 'accepted') {
    await ctx.sendActivity({ identifier: nodeActor }, found, new Follow({ id: followId(context, forum.id), actor: ctx.getActorUri(nodeActor), object: found.id }));
    await db.update(remoteForums).set({ state: 'pending' }).where(eq(remoteForums.forumId, forum.id));
  }
  return { ok: true, forum };
}

/** The member stops following; when nobody here follows the group any more, the node stops too. */
export async function unfollowRemoteGroup(federation: Federation<AppContext>, context: AppContext, member: User, forumId: string): Promise<void> {
  const db = context.database.db;
  await db.delete(forumFollows).where(and(eq(forumFollows.userId, member.id), eq(forumFollows.forumId, forumId)));
  const [left] = await db.select({ n: count() }).from(forumFollows).where(eq(forumFollows.forumId, forumId));
  if ((left?.n ?? 0) > 0) return;
  const [row] = await db.select({ forum: forums, remote: remoteForums }).from(forums).innerJoin(remoteForums, eq(remoteForums.forumId, forums.id)).where(eq(forums.id, forumId));
  if (!row?.forum.iri || row.remote.state === 'none') return;
  const ctx = federation.createContext(context.config.baseUrl, context);
  const group = { id: new URL(row.forum.iri), inboxId: new URL(row.remote.inbox) };
  const follow = new Follow({ id: followId(context, forumId), actor: ctx.getActorUri(nodeActor), object: group.id });
  await ctx.sendActivity({ identifier: nodeActor }, group, new Undo({ id: new URL(`${followId(context, forumId).href}/undo`), actor: ctx.getActorUri(nodeActor), object: follow }));
  await db.update(remoteForums).set({ state: 'none' }).where(eq(remoteForums.forumId, forumId));
}

export type FollowedGroup = { id: string; name: string; slug: string; state: string; url: string | null };

/** The groups a member follows, and the latest conversations in them. */
export async function followingOf(context: AppContext, member: User) {
  const db = context.database.db;
  const groups: FollowedGroup[] = await db
    .select({ id: forums.id, name: forums.name, slug: forums.slug, state: remoteForums.state, url: remoteForums.url })
    .from(forumFollows)
    .innerJoin(forums, eq(forums.id, forumFollows.forumId))
    .innerJoin(remoteForums, eq(remoteForums.forumId, forums.id))
    .where(eq(forumFollows.userId, member.id))
    .orderBy(forums.name);
  const latest = groups.length
    ? await db
        .select({ id: threads.id, number: threads.number, title: threads.title, lastPostAt: threads.lastPostAt, postCount: threads.postCount, forumName: forums.name, forumSlug: forums.slug })
        .from(threads)
        .innerJoin(forums, eq(forums.id, threads.forumId))
        .where(and(inArray(threads.forumId, groups.map((g) => g.id)), liveThread))
        .orderBy(desc(threads.lastPostAt))
        .limit(30)
    : [];
  return { groups, latest };
}

/** A group elsewhere that the node follows (or asked to), by its actor id. */
export async function followedForum(context: AppContext, iri: URL): Promise<Forum | undefined> {
  const [row] = await context.database.db.select({ forum: forums }).from(forums).innerJoin(remoteForums, eq(remoteForums.forumId, forums.id)).where(eq(forums.iri, iri.href));
  return row?.forum;
}

export async function setFollowState(context: AppContext, forumId: string, state: 'accepted' | 'rejected'): Promise<void> {
  await context.database.db.update(remoteForums).set({ state }).where(eq(remoteForums.forumId, forumId));
}
