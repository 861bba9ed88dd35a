// The moderation queue: reported posts and profiles, posts waiting for approval and people waiting
// to join, as one list: crisis alerts on top, then oldest first. Posts come only from forums the moderator may read, so a
// closed group's space reaches admins alone.
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { canModerateMember } from '../access.ts';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, DatabaseLike } from '../db/client.ts';
import { prepared, viewerShape } from '../db/prepared.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { User } from '../accounts/accounts.service.ts';
import { forums, posts, threads } from '../forums/forums.tables.ts';
import { authorName, authorUsername, authorUsernameOf, forumReadableBy, logEntryPublished, memberModeratableBy } from '../access.sql.ts';
import { moderationLog, reports, type ModerationAction } from './moderation.tables.ts';

export type ReportLine = { reason: string; note: string; reporter: string | null; createdAt: Date };
export type QueuedPost = {
  id: string;
  number: number;
  threadId: string;
  threadTitle: string;
  threadLocked: boolean;
  forumName: string;
  forumVisibility: string;
  authorId: string;
  authorRole: string;
  authorName: string | null;
  authorUsername: string | null;
  /** Someone on another server: a report can be sent on to it. */
  authorElsewhere: boolean;
  bodyHtml: string;
  contentWarning: string | null;
  createdAt: Date;
  waiting: boolean;
  heldReason: string | null;
  removed: boolean;
};
export type QueueItem =
  | { kind: 'post'; since: Date; post: QueuedPost; reports: ReportLine[]; crisis: boolean }
  | { kind: 'profile'; since: Date; member: Pick<User, 'id' | 'username' | 'displayName' | 'bio' | 'role'>; reports: ReportLine[] }
  | { kind: 'joining'; since: Date; member: Pick<User, 'id' | 'username' | 'displayName' | 'createdAt'> };

const reporter = alias(users, 'reporter');
const shownMax = 100;

function postColumns() {
  return {
    id: posts.id,
    number: posts.number,
    threadId: threads.id,
    threadTitle: threads.title,
    threadLocked: threads.locked,
    forumName: forums.name,
    forumVisibility: forums.visibility,
    authorId: posts.authorId,
    authorRole: users.role,
    authorName,
    authorUsername,
    authorElsewhere: sql<boolean>`${users.iri} is not null`,
    bodyHtml: posts.bodyHtml,
    contentWarning: posts.contentWarning,
    createdAt: posts.createdAt,
    waiting: sql<boolean>`${posts.heldAt} is not null`,
    heldReason: posts.heldReason,
    removed: sql<boolean>`${posts.removedAt} is not null`,
  };
}

export async function moderationQueue(db: Db, moderator: User): Promise<{ items: QueueItem[]; total: number }> {
  const [openReports, held, joining] = await Promise.all([
    db
      .select({ report: reports, reporter: authorUsernameOf(reporter) })
      .from(reports)
      .leftJoin(reporter, eq(reporter.id, reports.reporterId))
      .leftJoin(posts, eq(posts.id, reports.postId))
      .leftJoin(threads, eq(threads.id, posts.threadId))
      .leftJoin(forums, eq(forums.id, threads.forumId))
      .where(and(isNull(reports.resolvedAt), sql`(${reports.postId} is null or ${forumReadableBy(moderator)})`))
      .orderBy(asc(reports.createdAt)),
    db
      .select(postColumns())
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .innerJoin(users, eq(users.id, posts.authorId))
      .where(and(isNotNull(posts.heldAt), isNull(posts.removedAt), isNull(posts.deletedAt), forumReadableBy(moderator)))
      .orderBy(asc(posts.heldAt)),
    db.select().from(users).where(eq(users.status, 'pending')).orderBy(asc(users.createdAt)),
  ]);

  const reportedPostIds = [...new Set(openReports.map((r) => r.report.postId).filter((id): id is string => id !== null))].filter((id) => !held.some((p) => p.id === id));
  const reportedPosts = reportedPostIds.length
    ? await db
        .select(postColumns())
        .from(posts)
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .innerJoin(forums, eq(forums.id, threads.forumId))
        .innerJoin(users, eq(users.id, posts.authorId))
        .where(and(inArray(posts.id, reportedPostIds), isNull(posts.deletedAt)))
    : [];
  const profileIds = [...new Set(openReports.filter((r) => r.report.postId === null).map((r) => r.report.subjectUserId))];
  const profiles = profileIds.length ? await db.select().from(users).where(inArray(users.id, profileIds)) : [];

  const linesFor = (match: (report: typeof reports.$inferSelect) => boolean) =>
    openReports.filter((r) => match(r.report)).map((r) => ({ reason: r.report.reason, note: r.report.note, reporter: r.reporter, createdAt: r.report.createdAt }));
  const items: QueueItem[] = [];
  for (const post of [...held, ...reportedPosts]) {
    const lines = linesFor((r) => r.postId === post.id);
    const since = [post.waiting ? post.createdAt : undefined, ...lines.map((l) => l.createdAt)].filter((d): d is Date => d !== undefined);
    items.push({ kind: 'post', since: new Date(Math.min(...since.map((d) => d.getTime()))), post, reports: lines, crisis: lines.some((l) => l.reason === 'crisis_wording') });
  }
  for (const member of profiles) {
    const lines = linesFor((r) => r.postId === null && r.subjectUserId === member.id);
    items.push({ kind: 'profile', since: lines[0]!.createdAt, member, reports: lines });
  }
  for (const member of joining) items.push({ kind: 'joining', since: member.createdAt, member });
  // Nobody handles reports about themselves, and reports about moderators and admins go to admins.
  const mayHandle = (subject: { id: string; role: string }) => canModerateMember(moderator, subject);
  const handled = items.filter((item) =>
    item.kind === 'post' ? mayHandle({ id: item.post.authorId, role: item.post.authorRole }) : item.kind === 'profile' ? mayHandle(item.member) : true,
  );
  // Crisis alerts first (someone may need help now), then the rest, each oldest first.
  const urgent = (item: QueueItem) => (item.kind === 'post' && item.crisis ? 0 : 1);
  handled.sort((a, b) => urgent(a) - urgent(b) || a.since.getTime() - b.since.getTime());
  return { items: handled.slice(0, shownMax), total: handled.length };
}

export type LogFilter = { action?: ModerationAction; member?: string; moderator?: string; page: number };

const target = alias(users, 'target');
const logPageSize = 50;

/**
 * The log, newest first, with names; filters by action, the member acted on and the moderator.
 * An action in a forum the reader cannot read (a closed group's space, for a moderator) is left out.
 */
export async function moderationLogPage(db: DatabaseLike, reader: User, filter: LogFilter) {
  const conditions: SQL[] = [sql`(${moderationLog.threadId} is null or ${forumReadableBy(reader)})`];
  if (filter.action) conditions.push(eq(moderationLog.action, filter.action));
  if (filter.member) conditions.push(sql`lower(${target.username}) = lower(${filter.member})`);
  if (filter.moderator) conditions.push(sql`lower(${users.username}) = lower(${filter.moderator})`);
  const where = and(...conditions);
  // count(*) over () gives the total with the page, in one query with one set of joins.
  const found = await db
    .select({
      entry: moderationLog,
      moderator: users.username,
      member: target.username,
      threadTitle: threads.title,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(moderationLog)
    .innerJoin(users, eq(users.id, moderationLog.actorId))
    .leftJoin(target, eq(target.id, moderationLog.targetUserId))
    .leftJoin(threads, eq(threads.id, moderationLog.threadId))
    .leftJoin(forums, eq(forums.id, threads.forumId))
    .where(where)
    .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
    .limit(logPageSize)
    .offset((filter.page - 1) * logPageSize);
  return { rows: found, pages: pagesOf(found) };
}

function pagesOf(rows: { total: number }[]): number {
  return Math.max(1, Math.ceil((rows[0]?.total ?? 0) / logPageSize));
}

/** Actions the published log leaves out: a warning is a private message, and joining the node is not moderation of content. */
const unpublished: ModerationAction[] = ['warn', 'approve_member', 'decline_member'];

/**
 * The log as the node publishes it, if it does: what was done and when, and nothing else. Reasons
 * stay out (they were written for the member and may name people or their health), and so does
 * anything done in a closed group's space.
 */
export async function publishedLogPage(db: DatabaseLike, page: number) {
  const where = and(
    sql`${moderationLog.action} not in (${sql.join(unpublished.map((a) => sql`${a}`), sql`, `)})`,
    logEntryPublished,
  );
  const found = await db
    .select({ action: moderationLog.action, createdAt: moderationLog.createdAt, total: sql<number>`(count(*) over ())::int` })
    .from(moderationLog)
    .leftJoin(threads, eq(threads.id, moderationLog.threadId))
    .leftJoin(forums, eq(forums.id, threads.forumId))
    .where(where)
    .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
    .limit(logPageSize)
    .offset((page - 1) * logPageSize);
  return { rows: found, pages: pagesOf(found) };
}

/** How many items wait in the queue, and how many are crisis alerts, for the moderator's header link: one query, three counts, no rows. */
export async function queueCount(db: DatabaseLike, staff: User): Promise<{ total: number; crisis: number }> {
  const { shape, viewer, values } = viewerShape(staff);
  const statement = prepared(db, `queue_count_${shape}`, () => {
    const n = sql<number>`count(*)::int`;
    const reported = db
      .select({
        // A held post that is also reported is one item, counted with the held ones.
        n: sql<number>`count(distinct coalesce(${reports.postId}, ${reports.subjectUserId})) filter (where ${posts.heldAt} is null)::int`.as('n'),
        crisis: sql<number>`count(distinct ${reports.postId}) filter (where ${reports.reason} = 'crisis_wording')::int`.as('crisis'),
      })
      .from(reports)
      .innerJoin(users, eq(users.id, reports.subjectUserId))
      .leftJoin(posts, eq(posts.id, reports.postId))
      .leftJoin(threads, eq(threads.id, posts.threadId))
      .leftJoin(forums, eq(forums.id, threads.forumId))
      .where(
        and(
          isNull(reports.resolvedAt),
          isNull(posts.deletedAt),
          sql`(${reports.postId} is null or ${forumReadableBy(viewer)})`,
          memberModeratableBy(viewer),
        ),
      )
      .as('reported');
    const held = db
      .select({ n })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(and(isNotNull(posts.heldAt), isNull(posts.removedAt), isNull(posts.deletedAt), forumReadableBy(viewer)));
    const joining = db.select({ n }).from(users).where(eq(users.status, 'pending'));
    return db
      .select({ reported: reported.n, crisis: reported.crisis, held: sql<number>`(${held})`, joining: sql<number>`(${joining})` })
      .from(reported);
  });
  const [row] = await statement.execute(values);
  return { total: (row?.reported ?? 0) + (row?.held ?? 0) + (row?.joining ?? 0), crisis: row?.crisis ?? 0 };
}
