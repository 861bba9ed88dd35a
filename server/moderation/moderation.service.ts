// Moderators' actions. Each checks access.ts, changes what it should in one transaction and
// writes its line in the moderation log.
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { otherActiveAdmins, signOutEverywhere, type User } from '../accounts/accounts.service.ts';
import { canActOnPost, canModerateMember, canModeratePost, canMoveThread, canMoveThreadOut, canReport, isLive, isPublicThread } from '../access.ts';
import { emit } from '../events.ts';
import { forums, posts, threads } from '../forums/forums.tables.ts';
import { nextNumber, postFacts, type FoundPost, type Post } from '../forums/threads.service.ts';
import { notifyModeration } from '../notifications/notifications.service.ts';
import { contentWarning } from '../forums/posting.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { moderatorMessages, reportReasons, reports } from './moderation.tables.ts';
import { log } from './log.ts';

export type Found = FoundPost;
export type Done = { ok: true } | { ok: false; kind: 'refused'; reason: 'forbidden' | 'gone' } | Invalid;

const reason = z.string().trim().max(1000, 'errors.moderation.reasonTooLong').default('');
const neededReason = z.string().trim().min(1, 'errors.moderation.reasonMissing').max(1000, 'errors.moderation.reasonTooLong');

async function resolveReports(db: DatabaseLike, actor: User, where: { postId: string } | { userId: string }): Promise<number> {
  const rows = await db
    .update(reports)
    .set({ resolvedAt: new Date(), resolvedBy: actor.id })
    .where(and(isNull(reports.resolvedAt), 'postId' in where ? eq(reports.postId, where.postId) : and(eq(reports.subjectUserId, where.userId), isNull(reports.postId))))
    .returning({ id: reports.id });
  return rows.length;
}

// Reports.

const reportForm = z.object({
  reason: z.enum(reportReasons, 'errors.report.reason'),
  note: z.string().trim().max(1000, 'errors.report.noteTooLong').default(''),
});

/** A member reports a post, or (without one) a member's profile. A second report of the same thing by the same person adds nothing. */
export async function report(db: DatabaseLike, reporter: User, subject: { post?: Post; member: User }, form: unknown): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused'; reason: 'forbidden' }> {
  if (!canReport(reporter, { authorId: subject.member.id })) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(reportForm, form);
  if (!parsed.ok) return parsed;
  const postId = subject.post?.id ?? null;
  const [already] = await db
    .select({ id: reports.id })
    .from(reports)
    .where(and(eq(reports.reporterId, reporter.id), eq(reports.subjectUserId, subject.member.id), postId ? eq(reports.postId, postId) : isNull(reports.postId), isNull(reports.resolvedAt)));
  if (!already) await db.insert(reports).values({ postId, subjectUserId: subject.member.id, reporterId: reporter.id, ...parsed.value });
  return { ok: true };
}

export async function dismissReports(db: DatabaseLike, actor: User, subject: { found?: Found; member?: User }, form: unknown): Promise<Done> {
  if (subject.found ? !canActOnPost(actor, subject.found.forum, subject.found.post) : !subject.member || !canModerateMember(actor, subject.member)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(z.object({ reason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    const post = subject.found?.post;
    const count = await resolveReports(tx, actor, post ? { postId: post.id } : { userId: subject.member!.id });
    await log(tx, actor, { action: 'dismiss', postId: post?.id, threadId: subject.found?.thread.id, targetUserId: post?.authorId ?? subject.member!.id, reason: parsed.value.reason, detail: String(count) });
  });
  return { ok: true };
}

/**
 * Sends a report of a post by someone on another server to that server's moderators, as this
 * node (never as the member who reported it); the moderator's note goes with it.
 */
export async function forwardReport(db: DatabaseLike, actor: User, found: Found, form: unknown): Promise<Done> {
  const { post, thread, forum } = found;
  if (!canActOnPost(actor, forum, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const [author] = await db.select({ iri: users.iri }).from(users).where(eq(users.id, post.authorId));
  if (!author?.iri) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(z.object({ reason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await log(tx, actor, { action: 'forward', postId: post.id, threadId: thread.id, targetUserId: post.authorId, reason: parsed.value.reason });
    await emit(tx, { type: 'report.forwarded', postId: post.id, authorId: post.authorId, note: parsed.value.reason });
  });
  return { ok: true };
}

// Posts.

/** Removes a post (or, for an opening post, its thread) with a reason the author sees; restore undoes it. */
export async function removePost(db: DatabaseLike, actor: User, found: Found, form: unknown): Promise<Done> {
  const { post, thread, forum } = found;
  if (!canActOnPost(actor, forum, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  if (post.deletedAt || post.removedAt) return { ok: false, kind: 'refused', reason: 'gone' };
  const parsed = parseForm(z.object({ reason: neededReason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    const now = new Date();
    // A waiting post stays waiting underneath: removed, it was never out, and restored it waits again.
    await tx.update(posts).set({ removedAt: now, removedReason: parsed.value.reason }).where(eq(posts.id, post.id));
    if (post.number === 1) await tx.update(threads).set({ removedAt: now }).where(eq(threads.id, thread.id));
    await resolveReports(tx, actor, { postId: post.id });
    await log(tx, actor, { action: 'remove', postId: post.id, threadId: thread.id, targetUserId: post.authorId, reason: parsed.value.reason });
    await notifyModeration(tx, actor.id, post.authorId, 'post_removed', post.id);
    if (isLive(thread) && isLive(post)) await emit(tx, { type: 'post.withdrawn', why: 'removed', ...postFacts(forum, thread, post, actor.id, post.authorStatus) });
  });
  return { ok: true };
}

export async function restorePost(db: DatabaseLike, actor: User, found: Found, form: unknown): Promise<Done> {
  const { post, thread, forum } = found;
  if (!canActOnPost(actor, forum, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  if (!post.removedAt) return { ok: false, kind: 'refused', reason: 'gone' };
  const parsed = parseForm(z.object({ reason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.update(posts).set({ removedAt: null, removedReason: null }).where(eq(posts.id, post.id));
    if (post.number === 1) await tx.update(threads).set({ removedAt: null }).where(eq(threads.id, thread.id));
    await log(tx, actor, { action: 'restore', postId: post.id, threadId: thread.id, targetUserId: post.authorId, reason: parsed.value.reason });
    // Out in the open again, unless it was waiting underneath (or its conversation is not).
    const restored = { ...post, removedAt: null };
    const threadAfter = post.number === 1 ? { ...thread, removedAt: null } : thread;
    if (isLive(threadAfter) && isLive(restored)) await emit(tx, { type: 'post.published', ...postFacts(forum, threadAfter, restored, actor.id, post.authorStatus) });
  });
  return { ok: true };
}

/** Lets a held post through: others see it from now on (and the people it replies to, quotes or mentions hear of it now). */
export async function approvePost(db: DatabaseLike, actor: User, found: Found): Promise<Done> {
  const { post, thread, forum } = found;
  if (!canActOnPost(actor, forum, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  if (!post.heldAt || post.removedAt || post.deletedAt) return { ok: false, kind: 'refused', reason: 'gone' };
  // A reply in a conversation that itself waits goes out with (after) its opening post.
  if (post.number !== 1 && (thread.heldAt || thread.removedAt)) return { ok: false, kind: 'invalid', errors: { post: 'errors.moderation.threadFirst' } };
  await db.transaction(async (tx) => {
    const now = new Date();
    // A waiting reply takes the thread's next number now (an edited post that waited keeps its own).
    const number = post.number < 0 ? await nextNumber(tx, thread.id) : post.number;
    await tx.update(posts).set({ heldAt: null, heldReason: null, number }).where(eq(posts.id, post.id));
    await tx
      .update(threads)
      .set(post.number === 1 ? { heldAt: null, lastPostAt: now } : { lastPostAt: now })
      .where(eq(threads.id, thread.id));
    await resolveReports(tx, actor, { postId: post.id });
    await log(tx, actor, { action: 'approve', postId: post.id, threadId: thread.id, targetUserId: post.authorId });
    await notifyModeration(tx, actor.id, post.authorId, 'post_approved', post.id);
    const threadAfter = post.number === 1 ? { ...thread, heldAt: null } : thread;
    await emit(tx, { type: 'post.published', ...postFacts(forum, threadAfter, { ...post, heldAt: null, number }, actor.id, post.authorStatus) });
  });
  return { ok: true };
}

/** Puts (or with an empty field, takes off) a content warning on someone's post. */
export async function setContentWarning(db: DatabaseLike, actor: User, found: Found, form: unknown): Promise<Done> {
  const { post, thread, forum } = found;
  if (!canActOnPost(actor, forum, post)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  if (post.deletedAt) return { ok: false, kind: 'refused', reason: 'gone' };
  const parsed = parseForm(z.object({ contentWarning, reason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.update(posts).set({ contentWarning: parsed.value.contentWarning }).where(eq(posts.id, post.id));
    await log(tx, actor, { action: 'content_warning', postId: post.id, threadId: thread.id, targetUserId: post.authorId, reason: parsed.value.reason, detail: parsed.value.contentWarning ?? '' });
  });
  return { ok: true };
}

export async function lockThread(db: DatabaseLike, actor: User, found: Omit<Found, 'post'>, locked: boolean, form: unknown): Promise<Done> {
  const { thread, forum } = found;
  if (!canModeratePost(actor, forum)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(z.object({ reason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.update(threads).set({ locked }).where(eq(threads.id, found.thread.id));
    await log(tx, actor, { action: locked ? 'lock' : 'unlock', threadId: thread.id, targetUserId: thread.authorId, reason: parsed.value.reason });
    await emit(tx, { type: locked ? 'thread.locked' : 'thread.unlocked', threadId: thread.id, forumId: forum.id, actorId: actor.id, public: isPublicThread(forum, thread) });
  });
  return { ok: true };
}

/** Moves a thread to a forum with the same readers or fewer (canMoveThread). */
export async function moveThread(db: DatabaseLike, actor: User, found: Omit<Found, 'post'>, form: unknown): Promise<Done> {
  const { thread, forum } = found;
  if (!canMoveThreadOut(actor, forum)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(z.object({ forumId: z.uuid('errors.moderation.forum'), reason }), form);
  if (!parsed.ok) return parsed;
  const target = await db.query.forums.findFirst({ where: eq(forums.id, parsed.value.forumId) });
  if (target?.id === forum.id) return { ok: false, kind: 'invalid', errors: { forumId: 'errors.moderation.sameForum' } };
  if (!target || !canMoveThread(actor, forum, target)) return { ok: false, kind: 'invalid', errors: { forumId: 'errors.moderation.forum' } };
  await db.transaction(async (tx) => {
    await tx.update(threads).set({ forumId: target.id }).where(eq(threads.id, thread.id));
    await log(tx, actor, { action: 'move', threadId: thread.id, targetUserId: thread.authorId, reason: parsed.value.reason, detail: `${forum.name} → ${target.name}` });
    await emit(tx, { type: 'thread.moved', threadId: thread.id, fromForumId: forum.id, toForumId: target.id, actorId: actor.id, wasPublic: isPublicThread(forum, thread), public: isPublicThread(target, thread) });
  });
  return { ok: true };
}

// Members.

export async function warnMember(db: DatabaseLike, actor: User, member: User, form: unknown): Promise<Done> {
  if (!canModerateMember(actor, member)) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(z.object({ message: z.string().trim().min(1, 'errors.moderation.messageMissing').max(4000, 'errors.moderation.reasonTooLong') }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.insert(moderatorMessages).values({ userId: member.id, authorId: actor.id, body: parsed.value.message });
    await notifyModeration(tx, actor.id, member.id, 'moderator_message');
    await log(tx, actor, { action: 'warn', targetUserId: member.id, reason: parsed.value.message });
  });
  return { ok: true };
}

export const suspensionDays = [1, 3, 7, 14, 30, 90] as const;

/**
 * Suspends a member for some days, or (ban) until someone lifts it. Either way they are signed out
 * and cannot sign in, post or react; the sign-in page tells them why and until when.
 */
export async function suspendMember(db: DatabaseLike, actor: User, member: User, form: unknown, ban = false): Promise<Done> {
  if (!canModerateMember(actor, member) || member.status === 'deleted' || member.status === 'pending') return { ok: false, kind: 'refused', reason: 'forbidden' };
  const schema = z.object({
    reason: neededReason,
    days: z.coerce.number('errors.moderation.days').refine((n) => (suspensionDays as readonly number[]).includes(n), 'errors.moderation.days'),
  });
  const parsed = parseForm(ban ? schema.pick({ reason: true }) : schema, form);
  if (!parsed.ok) return parsed;
  if (member.role === 'admin' && !(await otherActiveAdmins(db, member.id))) return { ok: false, kind: 'invalid', errors: { reason: 'errors.role.lastAdmin' } };
  const days = 'days' in parsed.value ? (parsed.value.days as number) : null;
  const until = days ? new Date(Date.now() + days * 86_400_000) : null;
  await db.transaction(async (tx) => {
    await tx.update(users).set({ status: 'suspended', suspendedReason: parsed.value.reason, suspendedUntil: until }).where(eq(users.id, member.id));
    await signOutEverywhere(tx, member.id);
    await log(tx, actor, { action: ban ? 'ban' : 'suspend', targetUserId: member.id, reason: parsed.value.reason, detail: until?.toISOString() ?? '' });
  });
  return { ok: true };
}

export async function liftSuspension(db: DatabaseLike, actor: User, member: User, form: unknown): Promise<Done> {
  if (!canModerateMember(actor, member) || member.status !== 'suspended') return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(z.object({ reason }), form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.update(users).set({ status: member.iri ? 'remote' : 'active', suspendedReason: null, suspendedUntil: null }).where(eq(users.id, member.id));
    await log(tx, actor, { action: 'lift', targetUserId: member.id, reason: parsed.value.reason });
  });
  return { ok: true };
}

/** Approving or declining someone waiting to join the node is a moderation action too; a declined person leaves no name behind. */
export async function logMemberDecision(db: DatabaseLike, actor: User, memberId: string, approved: boolean): Promise<void> {
  await log(db, actor, { action: approved ? 'approve_member' : 'decline_member', targetUserId: approved ? memberId : null });
}
