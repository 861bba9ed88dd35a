// A person's own data across every feature: the export ("download my data") and the deletion of
// the account. It sits above the features because it touches them all; the accounts service
// below knows nothing of forums, groups or moderation.
import { and, eq, isNull, or } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { emit } from '../events.ts';
import { sessions, users } from '../accounts/accounts.tables.ts';
import { findUserById, otherActiveAdmins, signOutEverywhere, type User } from '../accounts/accounts.service.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { forums, forumWatches, posts, threads, threadWatches } from '../forums/forums.tables.ts';
import { groupMembers, groups, meetingAttendance } from '../groups/groups.tables.ts';
import { moderatorMessages, mutes, reports } from '../moderation/moderation.tables.ts';
import { forumFollows } from '../../federation/federation.tables.ts';
import { outboundMail } from '../notifications/notifications.tables.ts';
import { endParticipations } from '../groups/participation.ts';
import { questionnaireResponses } from '../questionnaires/questionnaires.tables.ts';
import { ownAnswers } from '../questionnaires/questionnaires.service.ts';
import { mentorApplications, mentorInterests, mentorCoordinators, mentorPairCheckins, mentorPairMessages } from '../mentoring/mentoring.tables.ts';
import { forgetMentoring, ownPairs } from '../mentoring/pairs.service.ts';
import { invalid, type Invalid } from '../validation.ts';

/**
 * Deletes what identifies the person. The row stays, renamed nowhere, so the username is never
 * handed to someone else and their posts read "deleted member".
 */
export async function deleteAccount(db: DatabaseLike, user: User, password: string): Promise<{ ok: true } | Invalid> {
  if (!(await verifyPassword(password, user.passwordHash))) return invalid('password', 'errors.password.wrongCurrent');
  if (user.role === 'admin' && (await otherActiveAdmins(db, user.id)) === 0) return invalid('password', 'errors.role.lastAdmin');
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        status: 'deleted',
        displayName: '',
        email: null,
        bio: '',
        passwordHash: null,
        locale: null,
        deletedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    // Being in a peer-support group says something about one's health: it goes with the account.
    await endParticipations(tx, eq(groupMembers.userId, user.id));
    await tx.delete(groupMembers).where(eq(groupMembers.userId, user.id));
    await tx.delete(meetingAttendance).where(eq(meetingAttendance.userId, user.id));
    await tx.delete(threadWatches).where(eq(threadWatches.userId, user.id));
    await tx.delete(forumWatches).where(eq(forumWatches.userId, user.id));
    // Applying to the mentor scheme says something about one's health too: what they wrote goes;
    // a pair that ran stays only as a nameless count.
    await forgetMentoring(tx, user.id);
    await tx.delete(mentorCoordinators).where(eq(mentorCoordinators.userId, user.id));
    // Their questionnaire answers go; the totals of closed rounds are made again from what is left.
    await tx.delete(questionnaireResponses).where(eq(questionnaireResponses.userId, user.id));
    // Mail not yet sent holds their address and what they were told.
    await tx.delete(outboundMail).where(eq(outboundMail.userId, user.id));
    // Whom they muted, who muted them and the moderators' messages to them are about them alone.
    await tx.delete(mutes).where(or(eq(mutes.userId, user.id), eq(mutes.mutedId, user.id)));
    await tx.delete(moderatorMessages).where(eq(moderatorMessages.userId, user.id));
    await signOutEverywhere(tx, user.id);
    await emit(tx, { type: 'member.deleted', userId: user.id });
  });
  return { ok: true };
}

/** The member's applications to the mentor scheme, their interests by name (as the node has them, in every language given). */
async function ownApplications(db: DatabaseLike, userId: string) {
  const rows = await db.select().from(mentorApplications).where(eq(mentorApplications.userId, userId));
  const interests = await db.select().from(mentorInterests);
  return rows.map((a) => ({
    kind: a.kind,
    status: a.status,
    languages: a.languages,
    municipality: a.municipalityCode,
    remote: a.remote,
    weekdays: a.weekdays,
    interests: interests.filter((interest) => a.interestIds.includes(interest.id)).map((interest) => interest.names),
    note: a.note,
    trainedOn: a.trainedOn,
    appliedAt: a.createdAt,
  }));
}

/** Everything the node keeps about one person, for the "download my data" button. */
export async function exportAccountData(db: DatabaseLike, userId: string): Promise<Record<string, unknown>> {
  const user = await findUserById(db, userId);
  if (!user) return {};
  const activeSessions = await db.select({ expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.userId, userId));
  const memberships = await db
    .select({ group: groups.name, role: groupMembers.role, status: groupMembers.status, message: groupMembers.message, reply: groupMembers.reply, since: groupMembers.createdAt })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId));
  // Their own posts, as they wrote them, wherever they are (deleted ones are gone for them too).
  const written = await db
    .select({ conversation: threads.title, forum: forums.name, text: posts.body, contentWarning: posts.contentWarning, writtenAt: posts.createdAt, editedAt: posts.editedAt })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .where(and(eq(posts.authorId, userId), isNull(posts.deletedAt)))
    .orderBy(posts.createdAt);
  const messages = await db
    .select({ message: moderatorMessages.body, sentAt: moderatorMessages.createdAt, fromYou: moderatorMessages.fromMember })
    .from(moderatorMessages)
    .where(eq(moderatorMessages.userId, userId));
  const muted = await db.select({ username: users.username, since: mutes.createdAt }).from(mutes).innerJoin(users, eq(users.id, mutes.mutedId)).where(eq(mutes.userId, userId));
  const reported = await db.select({ reason: reports.reason, note: reports.note, sentAt: reports.createdAt }).from(reports).where(eq(reports.reporterId, userId));
  const following = await db
    .select({ group: forums.name, address: forums.iri, since: forumFollows.createdAt })
    .from(forumFollows)
    .innerJoin(forums, eq(forums.id, forumFollows.forumId))
    .where(eq(forumFollows.userId, userId));
  const comingTo = await db
    .select({ group: groups.name, meeting: meetingAttendance.on, status: meetingAttendance.status })
    .from(meetingAttendance)
    .innerJoin(groups, eq(groups.id, meetingAttendance.groupId))
    .where(eq(meetingAttendance.userId, userId));
  const watchedThreads = await db
    .select({ conversation: threads.title, level: threadWatches.level })
    .from(threadWatches)
    .innerJoin(threads, eq(threads.id, threadWatches.threadId))
    .where(eq(threadWatches.userId, userId));
  const watchedForums = await db.select({ forum: forums.name, level: forumWatches.level }).from(forumWatches).innerJoin(forums, eq(forums.id, forumWatches.forumId)).where(eq(forumWatches.userId, userId));
  return {
    exportedAt: new Date().toISOString(),
    account: {
      username: user.username,
      displayName: user.displayName,
      email: user.email,
      bio: user.bio,
      role: user.role,
      status: user.status,
      language: user.locale,
      createdAt: user.createdAt,
      approvedAt: user.approvedAt,
      rulesAcceptedAt: user.rulesAcceptedAt,
    },
    sessions: activeSessions.map((s) => ({ expiresAt: s.expiresAt })),
    groups: memberships,
    meetings: comingTo,
    questionnaireAnswers: await ownAnswers(db, userId),
    mentorApplications: await ownApplications(db, userId),
    mentorPairCheckins: await db
      .select({ afterMonths: mentorPairCheckins.atMonths, skipped: mentorPairCheckins.skipped, rating: mentorPairCheckins.rating, note: mentorPairCheckins.note, at: mentorPairCheckins.createdAt })
      .from(mentorPairCheckins)
      .where(eq(mentorPairCheckins.userId, userId)),
    mentorPairs: await ownPairs(db, userId),
    messagesToYourMentorPair: await db.select({ message: mentorPairMessages.body, sentAt: mentorPairMessages.createdAt }).from(mentorPairMessages).where(eq(mentorPairMessages.authorId, userId)),
    watching: { conversations: watchedThreads, forums: watchedForums },
    groupsElsewhereYouFollow: following,
    posts: written,
    messagesWithModerators: messages,
    muted,
    reportsYouSent: reported,
  };
}
