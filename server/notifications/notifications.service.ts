import { and, count, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { checkbox, list, parseForm, type Invalid } from '../validation.ts';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { groupMembers, groups } from '../groups/groups.tables.ts';
import type { User } from '../accounts/accounts.service.ts';
import { forums, posts, threads } from '../forums/forums.tables.ts';
import { emailKinds, notifications, notificationSettings, notificationKinds, type EmailKind, type GroupNoticeKind, type ModerationNoticeKind, type NotificationKind, type PairNoticeKind, type PreferenceKind } from './notifications.tables.ts';
import { mutedAmong } from '../forums/watching.service.ts';
import { mutes } from '../moderation/moderation.tables.ts';
import { mentorCoordinators } from '../mentoring/mentoring.tables.ts';
import { canSeeForum, isRemote, isStaff } from '../access.ts';
import { authorName, postListedFor } from '../access.sql.ts';
import { paths } from '../paths.ts';

export type NotificationPreferences = Record<PreferenceKind, boolean>;
const defaults: NotificationPreferences = { reply: true, quote: true, mention: true, reaction: true };

export async function getPreferences(db: DatabaseLike, userId: string): Promise<NotificationPreferences> {
  const row = await db.query.notificationSettings.findFirst({ where: eq(notificationSettings.userId, userId) });
  return row ? { reply: row.reply, quote: row.quote, mention: row.mention, reaction: row.reaction } : { ...defaults };
}

export type EmailPreferences = { kinds: EmailKind[]; digest: boolean; includeText: boolean };

export async function getEmailPreferences(db: DatabaseLike, userId: string): Promise<EmailPreferences> {
  const row = await db.query.notificationSettings.findFirst({ where: eq(notificationSettings.userId, userId) });
  return { kinds: row?.emailKinds ?? [], digest: row?.emailDigest ?? false, includeText: row?.emailIncludeText ?? false };
}

const emailForm = z.object({
  kinds: list(z.enum(emailKinds, 'notifications.email.invalid')),
  mode: z.enum(['now', 'daily'], 'notifications.email.invalid'),
  includeText: checkbox,
});

/** The member's e-mail choices; nothing is mailed unless they tick a kind. */
export async function saveEmailPreferences(db: DatabaseLike, userId: string, form: unknown): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(emailForm, form);
  if (!parsed.ok) return parsed;
  const values = { emailKinds: [...new Set(parsed.value.kinds)], emailDigest: parsed.value.mode === 'daily', emailIncludeText: parsed.value.includeText };
  await db.insert(notificationSettings).values({ userId, ...values }).onConflictDoUpdate({ target: notificationSettings.userId, set: values });
  return { ok: true };
}

/** An unsubscribe link: one kind stops, or (from a digest) all e-mail. */
export async function stopEmail(db: DatabaseLike, userId: string, kind: EmailKind | 'digest'): Promise<void> {
  await db
    .update(notificationSettings)
    .set({ emailKinds: kind === 'digest' ? [] : sql`array_remove(${notificationSettings.emailKinds}, ${kind})` })
    .where(eq(notificationSettings.userId, userId));
}

export async function savePreferences(db: DatabaseLike, userId: string, form: Record<string, unknown>): Promise<void> {
  const chosen = Object.fromEntries(notificationKinds.map((kind) => [kind, form[kind] === 'on'])) as NotificationPreferences;
  await db.insert(notificationSettings).values({ userId, ...chosen }).onConflictDoUpdate({ target: notificationSettings.userId, set: chosen });
}

export type Notice = { userId: string; kind: NotificationKind };

function isPreferenceKind(kind: NotificationKind): kind is PreferenceKind {
  return (notificationKinds as readonly string[]).includes(kind);
}

/**
 * Records notifications for a post, in the writer's transaction. Nobody is told of their own
 * doing, each person gets one notice per post (a reply that also quotes them is a quote), kinds
 * a person switched off are skipped, and someone who muted the conversation hears nothing of it.
 */
export async function notify(db: DatabaseLike, actorId: string, postId: string, notices: Notice[]): Promise<void> {
  const strongest = new Map<string, NotificationKind>();
  const rank: Record<NotificationKind, number> = { mention: 5, quote: 4, reply: 3, watched: 2, new_thread: 1, reaction: 0 };
  for (const { userId, kind } of notices) {
    if (userId === actorId) continue;
    const current = strongest.get(userId);
    if (!current || rank[kind] > rank[current]) strongest.set(userId, kind);
  }
  if (!strongest.size) return;
  const ids = [...strongest.keys()];
  // One after another: this runs inside the writer's transaction, whose one connection takes one query at a time.
  const settings = await db.select().from(notificationSettings).where(inArray(notificationSettings.userId, ids));
  const people = await db.select().from(users).where(inArray(users.id, ids));
  const muting = await db.select({ id: mutes.userId }).from(mutes).where(and(eq(mutes.mutedId, actorId), inArray(mutes.userId, ids)));
  const [place] = await db
    .select({ visibility: forums.visibility, groupId: forums.groupId, forumId: forums.id, threadId: threads.id, authorId: threads.authorId })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .where(eq(posts.id, postId));
  const inGroup = place?.groupId
    ? await db.select({ id: groupMembers.userId }).from(groupMembers).where(and(eq(groupMembers.groupId, place.groupId), eq(groupMembers.status, 'accepted'), inArray(groupMembers.userId, ids)))
    : [];
  // Only those who may read the post are told of it (in a closed group's space, its own people),
  // and someone who muted the writer hears nothing of them.
  const mutedBy = new Set([...muting.map((m) => m.id), ...(place ? await mutedAmong(db, ids, place) : [])]);
  const inGroupIds = new Set(inGroup.map((m) => m.id));
  const activeIds = new Set(
    // People from other servers hear of nothing here: they have no inbox of ours to read it in.
    people.filter((person) => place && !isRemote(person) && !mutedBy.has(person.id) && canSeeForum(person, { visibility: place.visibility, inGroup: inGroupIds.has(person.id) })).map((person) => person.id),
  );
  const wanted = [...strongest].filter(([userId, kind]) => {
    if (!activeIds.has(userId)) return false;
    if (!isPreferenceKind(kind)) return true;
    const row = settings.find((s) => s.userId === userId);
    return row ? row[kind] : defaults[kind];
  });
  if (!wanted.length) return;
  await db
    .insert(notifications)
    .values(wanted.map(([userId, kind]) => ({ userId, kind, postId, actorId })))
    .onConflictDoNothing();
}

/** Takes back a reaction's notice if it has not been read yet. */
export async function withdrawReactionNotice(db: DatabaseLike, actorId: string, postId: string): Promise<void> {
  await db
    .delete(notifications)
    .where(and(eq(notifications.actorId, actorId), eq(notifications.postId, postId), eq(notifications.kind, 'reaction'), isNull(notifications.readAt)));
}

/**
 * The notices a reader may still open. Deleted, waiting and removed posts, and posts in places the
 * person can no longer read (a closed group they left), drop out. The list and the header's count
 * both ask this, so the count never promises what the list does not show.
 */
function openableBy(reader: User): SQL {
  return and(
    eq(notifications.userId, reader.id),
    or(
      and(isNotNull(notifications.postId), postListedFor(reader)),
      // What the moderators did with the reader's own post is theirs to read, removed or not.
      and(inArray(notifications.kind, ['post_removed', 'post_approved']), isNotNull(posts.id)),
      isNotNull(groups.id),
      eq(notifications.kind, 'moderator_message'),
      // The pair's two were told; the notice goes with the pair.
      isNotNull(notifications.pairId),
      // A new application is for the coordinators while they are coordinators.
      and(eq(notifications.kind, 'application_new'), sql`exists (select 1 from ${mentorCoordinators} where ${mentorCoordinators.userId} = ${reader.id})`),
      // Told only to moderators when they were told; one who is no longer a moderator cannot open it.
      and(eq(notifications.kind, 'member_answered'), isStaff(reader) ? sql`true` : sql`false`),
    ),
  )!;
}

export async function unreadCount(db: DatabaseLike, reader: User): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .leftJoin(posts, eq(posts.id, notifications.postId))
    .leftJoin(threads, eq(threads.id, posts.threadId))
    .leftJoin(forums, eq(forums.id, threads.forumId))
    .leftJoin(groups, eq(groups.id, notifications.groupId))
    .where(and(openableBy(reader), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export type NotificationItem = {
  ids: string[];
  kind: NotificationKind | GroupNoticeKind | ModerationNoticeKind | PairNoticeKind;
  /** Null for a deleted member. */
  actors: (string | null)[];
  /** What the notice is about: a conversation's title or a group's name, and where to go. */
  subject: string;
  /** For an answer to a join request: what the peer leader wrote, if anything. */
  reply: string | null;
  /** For the meeting kinds: the meeting's date. */
  meetingOn: string | null;
  /** The post it is about, for the post kinds. */
  postId: string | null;
  /** The mentor pair it is about, for the pair kinds. */
  pairId: string | null;
  unread: boolean;
  createdAt: Date;
};

/** Notices that read as one line when they come in a row: reactions to one post, new posts in one watched conversation, and posts let through. */
function batchKey(row: { kind: string; postId: string | null; threadId: string | null }): string | null {
  if (row.kind === 'reaction' && row.postId) return `reaction ${row.postId}`;
  if (row.kind === 'watched' && row.threadId) return `watched ${row.threadId}`;
  if (row.kind === 'post_approved') return 'post_approved';
  return null;
}

/**
 * The latest notifications: reactions to the same post grouped into one line ("Sini and 2 others
 * sent strength"), and posts a moderator let through into one ("7 of your posts were let through").
 */
export async function listNotifications(db: DatabaseLike, reader: User): Promise<NotificationItem[]> {
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      postId: notifications.postId,
      threadId: threads.id,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      actor: authorName,
      threadTitle: threads.title,
      groupName: groups.name,
      reply: groupMembers.reply,
      meetingOn: notifications.meetingOn,
      pairId: notifications.pairId,
    })
    .from(notifications)
    .leftJoin(posts, eq(posts.id, notifications.postId))
    .leftJoin(threads, eq(threads.id, posts.threadId))
    .leftJoin(forums, eq(forums.id, threads.forumId))
    .leftJoin(groups, eq(groups.id, notifications.groupId))
    // The answer's words are on the reader's own row in the group.
    .leftJoin(groupMembers, and(eq(groupMembers.groupId, notifications.groupId), eq(groupMembers.userId, reader.id), inArray(notifications.kind, ['join_accepted', 'join_declined'])))
    .innerJoin(users, eq(users.id, notifications.actorId))
    .where(openableBy(reader))
    .orderBy(desc(notifications.createdAt))
    .limit(100);
  const items: NotificationItem[] = [];
  const batches = new Map<string, NotificationItem>();
  for (const row of rows) {
    const key = batchKey(row);
    const group = key ? batches.get(key) : undefined;
    if (group) {
      group.ids.push(row.id);
      group.actors.push(row.actor);
      group.unread ||= row.readAt === null;
      continue;
    }
    const item: NotificationItem = {
      ids: [row.id],
      kind: row.kind,
      actors: [row.actor],
      subject: row.threadTitle ?? row.groupName ?? '',
      reply: row.reply || null,
      meetingOn: row.meetingOn,
      postId: row.postId,
      pairId: row.pairId,
      unread: row.readAt === null,
      createdAt: row.createdAt,
    };
    if (key) batches.set(key, item);
    items.push(item);
  }
  return items;
}

/** Tells a person about a group: a join request for its facilitators, or the answer to one. */
export async function notifyGroup(db: DatabaseLike, actorId: string, groupId: string, kind: GroupNoticeKind, userIds: string[]): Promise<void> {
  const to = userIds.filter((id) => id !== actorId);
  if (!to.length) return;
  await db.insert(notifications).values(to.map((userId) => ({ userId, kind, groupId, actorId })));
}

/** Tells people about one meeting of a group: a place opened for them, or the meeting was cancelled. Never hushed: it answers their own mark. */
export async function notifyMeeting(db: DatabaseLike, actorId: string, groupId: string, meetingOn: string, kind: 'meeting_place' | 'meeting_cancelled', userIds: string[]): Promise<void> {
  if (!userIds.length) return;
  await db.insert(notifications).values(userIds.map((userId) => ({ userId, kind, groupId, meetingOn, actorId })));
}

/** Tells a member something from the moderators: a message, or what became of their post. */
export async function notifyModeration(db: DatabaseLike, actorId: string, userId: string, kind: ModerationNoticeKind, postId: string | null = null): Promise<void> {
  if (userId === actorId) return;
  await db.insert(notifications).values({ userId, kind, postId, actorId });
}

/**
 * Tells people about the mentor scheme: the two of a pair (or one of them), or the coordinators.
 * With no actor, nobody did it (a pair's time ran out): each stands as their own notice's actor.
 * While one message notice (or one new application) waits unread, later ones add none.
 */
export async function notifyPair(db: DatabaseLike, actorId: string | null, pairId: string | null, kind: PairNoticeKind, userIds: string[]): Promise<void> {
  // One after another: this runs inside the writer's transaction.
  for (const userId of userIds.filter((id) => id !== actorId)) {
    if (kind === 'pair_message' || kind === 'application_new') {
      const [waiting] = await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), pairId ? eq(notifications.pairId, pairId) : isNull(notifications.pairId), eq(notifications.kind, kind), isNull(notifications.readAt)))
        .limit(1);
      if (waiting) continue;
    }
    await db.insert(notifications).values({ userId, kind, pairId, actorId: actorId ?? userId });
  }
}

/** Tells the scheme's coordinators (all of them, but the one who acted). */
export async function notifyCoordinators(db: DatabaseLike, actorId: string, pairId: string | null, kind: PairNoticeKind): Promise<void> {
  const coordinators = await db.select({ id: mentorCoordinators.userId }).from(mentorCoordinators);
  await notifyPair(db, actorId, pairId, kind, coordinators.map((c) => c.id));
}

/**
 * Tells a member of a running pair that a check-in fell due, once for its due day (kept in
 * meeting_on). Nobody did anything, so the member stands as the notice's actor.
 */
export async function notifyCheckinDue(db: DatabaseLike, userId: string, pairId: string, dueOn: string): Promise<boolean> {
  const [already] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.pairId, pairId), eq(notifications.kind, 'pair_checkin'), eq(notifications.meetingOn, dueOn)));
  if (already) return false;
  await db.insert(notifications).values({ userId, kind: 'pair_checkin', pairId, meetingOn: dueOn, actorId: userId });
  return true;
}

/** The reader opened the pair's conversation: its message notices are read. */
export async function markPairRead(db: DatabaseLike, userId: string, pairId: string): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), eq(notifications.pairId, pairId), eq(notifications.kind, 'pair_message'), isNull(notifications.readAt)));
}

/** Marks one notification (and its group) read and says where it leads. */
export async function openNotification(db: DatabaseLike, userId: string, id: string): Promise<string | null> {
  const [row] = await db
    .select({ notice: notifications, groupSlug: groups.slug, thread: { id: threads.id, number: threads.number, title: threads.title }, actorUsername: users.username })
    .from(notifications)
    .leftJoin(groups, eq(groups.id, notifications.groupId))
    .leftJoin(posts, eq(posts.id, notifications.postId))
    .leftJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(users, eq(users.id, notifications.actorId))
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
  if (!row) return null;
  const { notice, groupSlug, thread, actorUsername } = row;
  const threadId = thread?.id;
  const sameGroup =
    notice.kind === 'reaction' && notice.postId
      ? and(eq(notifications.postId, notice.postId), eq(notifications.kind, 'reaction'))
      : notice.kind === 'watched' && threadId
        ? and(eq(notifications.kind, 'watched'), inArray(notifications.postId, db.select({ id: posts.id }).from(posts).where(eq(posts.threadId, threadId))))
        : notice.kind === 'post_approved'
          ? eq(notifications.kind, 'post_approved')
          : eq(notifications.id, id);
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), sameGroup, isNull(notifications.readAt)));
  if (notice.kind === 'moderator_message') return '/moderator-messages';
  if (notice.kind === 'pair_proposed') return '/mentoring#pairs';
  // Back on the waiting list: their application, with its place.
  if (notice.kind === 'pair_declined') return '/mentoring#mine';
  if (notice.kind === 'proposal_declined' || notice.kind === 'application_new') return '/mentoring/applications';
  if (notice.pairId) return `/mentoring/pairs/${notice.pairId}${notice.kind === 'pair_checkin' ? '#checkin' : notice.kind === 'pair_ended' ? '#closing' : ''}`;
  if (notice.kind === 'member_answered') return `/moderation/members/${encodeURIComponent(actorUsername)}#messages`;
  // Several new posts read from the first one not yet read.
  if (notice.kind === 'watched' && thread) return `${paths.thread(thread)}/unread`;
  if (notice.postId) return paths.post({ id: notice.postId });
  if (!groupSlug) return null;
  const group = paths.group({ slug: groupSlug });
  if (notice.kind === 'join_request') return `${group}/requests`;
  return notice.meetingOn ? `${group}#meeting-${notice.meetingOn}` : group;
}

export async function markAllRead(db: DatabaseLike, userId: string): Promise<void> {
  await db.update(notifications).set({ readAt: new Date() }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
}
