// Proposing a pair and answering it: a coordinator proposes a waiting mentee and a trained
// mentor with a message; each says yes or no. Both yes: the pair runs for its months, and how
// long the match took counts for the next applicants' estimate. Any no: both go back to their
// waiting lists at the place they had.
import { aliasedTable, and, desc, eq, gte, inArray, isNull, ne, or } from 'drizzle-orm';
import { authorNameOf, authorUsernameOf } from '../access.sql.ts';
import { meanToTenth } from '../statistics.ts';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { users } from '../accounts/accounts.tables.ts';
import { invalid, parseForm, realDate, type Invalid } from '../validation.ts';
import { notifyCheckinDue, notifyCoordinators, notifyPair } from '../notifications/notifications.service.ts';
import { judge } from '../moderation/word-rules.ts';
import { mentorApplications, mentorPairCheckins, mentorPairMeetings, mentorPairMessages, mentorPairs, pairActivities, type MentorPair } from './mentoring.tables.ts';

type Refused = { ok: false; kind: 'refused'; reason: 'notWaiting' | 'notTrained' | 'samePerson' };

const proposalForm = z.object({
  mentorApplicationId: z.uuid('errors.mentoring.chooseMentor'),
  message: z.string().trim().max(2000, 'errors.mentoring.note').default(''),
  months: z.coerce.number('errors.mentoring.months').int('errors.mentoring.months').min(1, 'errors.mentoring.months').max(24, 'errors.mentoring.months'),
});

/** A coordinator proposes a pair: both must be waiting, the mentor trained, and they two people. */
export async function proposePair(db: DatabaseLike, coordinator: User, peerApplicationId: string, form: unknown): Promise<{ ok: true } | Invalid | Refused> {
  const parsed = parseForm(proposalForm, form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const both = await tx
      .select()
      .from(mentorApplications)
      .where(inArray(mentorApplications.id, [peerApplicationId, parsed.value.mentorApplicationId]))
      .for('update');
    const peer = both.find((a) => a.id === peerApplicationId && a.kind === 'peer');
    const mentor = both.find((a) => a.id === parsed.value.mentorApplicationId && a.kind === 'mentor');
    if (!peer || !mentor || peer.status !== 'waiting' || mentor.status !== 'waiting') return { ok: false as const, kind: 'refused' as const, reason: 'notWaiting' as const };
    if (!mentor.trainedOn) return { ok: false as const, kind: 'refused' as const, reason: 'notTrained' as const };
    // One may wait as a mentee and as a mentor at once, but not be both of one pair.
    if (peer.userId === mentor.userId) return { ok: false as const, kind: 'refused' as const, reason: 'samePerson' as const };
    const [pair] = await tx.insert(mentorPairs).values({ peerApplicationId: peer.id, mentorApplicationId: mentor.id, message: parsed.value.message, months: parsed.value.months }).returning({ id: mentorPairs.id });
    await tx.update(mentorApplications).set({ status: 'proposed' }).where(inArray(mentorApplications.id, [peer.id, mentor.id]));
    await notifyPair(tx, coordinator.id, pair!.id, 'pair_proposed', [peer.userId, mentor.userId]);
    return { ok: true as const };
  });
}

const peerApplication = aliasedTable(mentorApplications, 'peer_application');
const mentorApplication = aliasedTable(mentorApplications, 'mentor_application');
const peerUser = aliasedTable(users, 'peer_user');
const mentorUser = aliasedTable(users, 'mentor_user');

/** Pairs and proposals with both people, for the member's page and the coordinators'. */
function pairsWhere(db: DatabaseLike, where: ReturnType<typeof and>) {
  return db
    .select({
      pair: mentorPairs,
      // handle: their username, or null once their account is deleted (the rule for every author's name).
      peer: { id: peerUser.id, username: peerUser.username, displayName: peerUser.displayName, handle: authorUsernameOf(peerUser) },
      mentor: { id: mentorUser.id, username: mentorUser.username, displayName: mentorUser.displayName, handle: authorUsernameOf(mentorUser) },
    })
    .from(mentorPairs)
    .innerJoin(peerApplication, eq(peerApplication.id, mentorPairs.peerApplicationId))
    .innerJoin(mentorApplication, eq(mentorApplication.id, mentorPairs.mentorApplicationId))
    .innerJoin(peerUser, eq(peerUser.id, peerApplication.userId))
    .innerJoin(mentorUser, eq(mentorUser.id, mentorApplication.userId))
    .where(where)
    .orderBy(desc(mentorPairs.proposedAt));
}

/** The member's proposals and pairs (either side). */
export function pairsOf(db: DatabaseLike, member: User) {
  return pairsWhere(db, and(or(eq(peerUser.id, member.id), eq(mentorUser.id, member.id)), inArray(mentorPairs.status, ['proposed', 'active'])));
}

/** The member's pairs that have ended: their conversation stays theirs to read. */
export function endedPairsOf(db: DatabaseLike, member: User) {
  return pairsWhere(db, and(or(eq(peerUser.id, member.id), eq(mentorUser.id, member.id)), eq(mentorPairs.status, 'ended')));
}

/** Pairs that ended since the given day: for the coordinators, who follow up on an early end. */
export function endedPairsSince(db: DatabaseLike, since: string) {
  return pairsWhere(db, and(eq(mentorPairs.status, 'ended'), gte(mentorPairs.endedOn, since)));
}

/** Proposals waiting for answers, and running pairs: for the coordinators. */
export function currentPairs(db: DatabaseLike) {
  return pairsWhere(db, inArray(mentorPairs.status, ['proposed', 'active']));
}

/** The member says yes or no to a proposal made to them. */
export async function answerProposal(db: DatabaseLike, member: User, pairId: string, accept: boolean): Promise<{ ok: true; status: 'proposed' | 'active' | 'declined' } | { ok: false }> {
  return db.transaction(async (tx) => {
    const [row] = await pairsWhere(tx, and(eq(mentorPairs.id, pairId), eq(mentorPairs.status, 'proposed'))).for('update', { of: mentorPairs });
    if (!row) return { ok: false as const };
    const side = row.peer.id === member.id ? 'peerAnswer' : row.mentor.id === member.id ? 'mentorAnswer' : null;
    if (!side || row.pair[side]) return { ok: false as const };
    const answers = { peerAnswer: row.pair.peerAnswer, mentorAnswer: row.pair.mentorAnswer, [side]: accept ? 'accepted' : 'declined' } as const;
    if (!accept) {
      await notGoingAhead(tx, row.pair, answers);
      // The other and the coordinators hear it will not go ahead; never who said no.
      await notifyPair(tx, member.id, pairId, 'pair_declined', [row.peer.id, row.mentor.id]);
      await notifyCoordinators(tx, member.id, pairId, 'proposal_declined');
      return { ok: true as const, status: 'declined' as const };
    }
    if (answers.peerAnswer !== 'accepted' || answers.mentorAnswer !== 'accepted') {
      await tx.update(mentorPairs).set(answers).where(eq(mentorPairs.id, pairId));
      return { ok: true as const, status: 'proposed' as const };
    }
    const start = new Date();
    const end = new Date(start);
    end.setUTCMonth(end.getUTCMonth() + row.pair.months);
    await tx
      .update(mentorPairs)
      .set({ ...answers, status: 'active', startsOn: start.toISOString().slice(0, 10), endsOn: end.toISOString().slice(0, 10) })
      .where(eq(mentorPairs.id, pairId));
    await tx.update(mentorApplications).set({ status: 'matched', matchedAt: start }).where(inArray(mentorApplications.id, [row.pair.peerApplicationId, row.pair.mentorApplicationId]));
    // The one who said yes first hears that the pair has started.
    await notifyPair(tx, member.id, pairId, 'pair_started', [row.peer.id, row.mentor.id]);
    return { ok: true as const, status: 'active' as const };
  });
}

type Answers = Pick<MentorPair, 'peerAnswer' | 'mentorAnswer'>;

/** A proposal that will not go ahead: both go back to their waiting lists, each at the place they had. */
async function notGoingAhead(db: DatabaseLike, pair: MentorPair, answers: Answers): Promise<void> {
  await db.update(mentorPairs).set({ ...answers, status: 'declined' }).where(eq(mentorPairs.id, pair.id));
  await db.update(mentorApplications).set({ status: 'waiting' }).where(inArray(mentorApplications.id, [pair.peerApplicationId, pair.mentorApplicationId]));
}

/**
 * A coordinator withdraws a proposal (one of the two has not answered for long, or something
 * changed): both are told it will not go ahead and are back on their lists at their places.
 */
export async function withdrawProposal(db: DatabaseLike, coordinator: User, pairId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await pairsWhere(tx, and(eq(mentorPairs.id, pairId), eq(mentorPairs.status, 'proposed'))).for('update', { of: mentorPairs });
    if (!row) return false;
    await notGoingAhead(tx, row.pair, row.pair);
    await notifyPair(tx, coordinator.id, pairId, 'pair_declined', [row.peer.id, row.mentor.id]);
    return true;
  });
}

const meetingForm = z.object({
  on: z.string('errors.figures.date').refine(realDate, 'errors.figures.date'),
  activity: z.enum(pairActivities, 'errors.mentoring.activity'),
});

/** Either of an active pair logs a meeting: a day within the pair's time, not in the future. */
export async function logMeeting(db: DatabaseLike, member: User, pairId: string, form: unknown): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  const [row] = await pairsWhere(db, and(eq(mentorPairs.id, pairId), eq(mentorPairs.status, 'active')));
  if (!row || (row.peer.id !== member.id && row.mentor.id !== member.id)) return { ok: false, kind: 'refused' };
  const parsed = parseForm(meetingForm, form);
  if (!parsed.ok) return parsed;
  const today = new Date().toISOString().slice(0, 10);
  if (parsed.value.on > today || (row.pair.startsOn && parsed.value.on < row.pair.startsOn)) return invalid('on', 'errors.mentoring.meetingDay');
  await db.insert(mentorPairMeetings).values({ pairId, on: parsed.value.on, activity: parsed.value.activity });
  return { ok: true };
}

/** The pair's meetings, newest first. */
export function meetingsOf(db: DatabaseLike, pairId: string) {
  return db.select().from(mentorPairMeetings).where(eq(mentorPairMeetings.pairId, pairId)).orderBy(desc(mentorPairMeetings.on));
}

/** One pair with its two people, for its space (the caller asks access.ts who may read it). */
export async function findPair(db: DatabaseLike, pairId: string) {
  const [row] = await pairsWhere(db, and(eq(mentorPairs.id, pairId), inArray(mentorPairs.status, ['active', 'ended'])));
  return row;
}
export type FoundPair = NonNullable<Awaited<ReturnType<typeof findPair>>>;

export function pairMessages(db: DatabaseLike, pairId: string) {
  return db
    .select({ id: mentorPairMessages.id, body: mentorPairMessages.body, createdAt: mentorPairMessages.createdAt, editedAt: mentorPairMessages.editedAt, authorId: mentorPairMessages.authorId, authorName: authorNameOf(users), authorUsername: users.username })
    .from(mentorPairMessages)
    .innerJoin(users, eq(users.id, mentorPairMessages.authorId))
    .where(eq(mentorPairMessages.pairId, pairId))
    .orderBy(mentorPairMessages.createdAt);
}

const messageForm = z.object({ body: z.string().trim().min(1, 'errors.mentoring.messageEmpty').max(5000, 'errors.mentoring.messageTooLong') });

/**
 * A message saved; `crisis` when its words sound like the writer may be in crisis, so that they
 * are shown where help answers. Nobody else is told: moderators have no place in a pair's space,
 * and the pair's privacy is what lets a mentee write like this at all. (The node's refuse and
 * hold rules are for what others read in forums; no moderator reads here.)
 */
type Written = { ok: true; crisis: boolean } | Invalid | { ok: false; kind: 'refused' };

/** A message in the pair's space, while the pair runs. */
export async function writeToPair(db: DatabaseLike, author: User, found: FoundPair, form: unknown): Promise<Written> {
  if (found.pair.status !== 'active') return { ok: false, kind: 'refused' };
  const parsed = parseForm(messageForm, form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.insert(mentorPairMessages).values({ pairId: found.pair.id, authorId: author.id, body: parsed.value.body });
    await notifyPair(tx, author.id, found.pair.id, 'pair_message', [found.peer.id, found.mentor.id]);
  });
  return { ok: true, crisis: (await judge(db, parsed.value.body)).crisis };
}

const ownMessage = (author: User, found: FoundPair, messageId: string) =>
  and(eq(mentorPairMessages.id, messageId), eq(mentorPairMessages.pairId, found.pair.id), eq(mentorPairMessages.authorId, author.id));

/** A message of the writer's own that they may still correct: while the pair runs. */
export async function editableMessage(db: DatabaseLike, author: User, found: FoundPair, messageId: string): Promise<{ id: string; body: string } | undefined> {
  if (found.pair.status !== 'active') return undefined;
  const [message] = await db.select({ id: mentorPairMessages.id, body: mentorPairMessages.body }).from(mentorPairMessages).where(ownMessage(author, found, messageId));
  return message;
}

/** The writer corrects a message of their own while the pair runs; the other is not told again. */
export async function editOwnMessage(db: DatabaseLike, author: User, found: FoundPair, messageId: string, form: unknown): Promise<Written> {
  if (!(await editableMessage(db, author, found, messageId))) return { ok: false, kind: 'refused' };
  const parsed = parseForm(messageForm, form);
  if (!parsed.ok) return parsed;
  await db.update(mentorPairMessages).set({ body: parsed.value.body, editedAt: new Date() }).where(ownMessage(author, found, messageId));
  return { ok: true, crisis: (await judge(db, parsed.value.body)).crisis };
}

/** The writer takes back a message of their own (written too soon, or saying too much); it is gone, not marked. */
export async function removeOwnMessage(db: DatabaseLike, author: User, found: FoundPair, messageId: string): Promise<boolean> {
  const removed = await db
    .delete(mentorPairMessages)
    .where(ownMessage(author, found, messageId))
    .returning({ id: mentorPairMessages.id });
  return removed.length > 0;
}

/** Either of the two asks the coordinators in; it is recorded who and when, shown to all, and the coordinators are told. */
export async function inviteCoordinators(db: DatabaseLike, member: User, found: FoundPair): Promise<boolean> {
  if (member.id !== found.peer.id && member.id !== found.mentor.id) return false;
  await db.transaction(async (tx) => {
    const [invited] = await tx
      .update(mentorPairs)
      .set({ coordinatorInvitedBy: member.id, coordinatorInvitedAt: new Date() })
      .where(and(eq(mentorPairs.id, found.pair.id), isNull(mentorPairs.coordinatorInvitedAt)))
      .returning({ id: mentorPairs.id });
    if (invited) await notifyCoordinators(tx, member.id, found.pair.id, 'pair_invited');
  });
  return true;
}

/** The check-ins along the way, in months from the start. */
export const checkinMonths = [1, 3, 6] as const;

function addMonths(day: string, months: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}

/** The member's check-ins that are due and not yet answered or skipped (within the pair's months). */
export async function dueCheckins(db: DatabaseLike, member: Pick<User, 'id'>, found: FoundPair, today = new Date().toISOString().slice(0, 10)): Promise<number[]> {
  if (found.pair.status !== 'active' || !found.pair.startsOn) return [];
  const done = await db
    .select({ atMonths: mentorPairCheckins.atMonths })
    .from(mentorPairCheckins)
    .where(and(eq(mentorPairCheckins.pairId, found.pair.id), eq(mentorPairCheckins.userId, member.id)));
  return checkinMonths.filter((months) => months <= found.pair.months && addMonths(found.pair.startsOn!, months) <= today && !done.some((d) => d.atMonths === months));
}

/**
 * Tells each of a running pair once when a check-in falls due (the notice keeps its due day, so
 * none is sent twice); it names nobody.
 */
export async function remindDueCheckins(db: DatabaseLike, today = new Date().toISOString().slice(0, 10)): Promise<number> {
  let told = 0;
  // One after another: a handful of pairs, once an hour, and PGlite has one connection.
  for (const found of await pairsWhere(db, eq(mentorPairs.status, 'active'))) {
    for (const person of [found.peer, found.mentor]) {
      for (const months of await dueCheckins(db, person, found, today)) {
        if (await notifyCheckinDue(db, person.id, found.pair.id, addMonths(found.pair.startsOn!, months))) told++;
      }
    }
  }
  return told;
}

const checkinForm = z.object({
  rating: z.preprocess((value) => (value === '' || value === undefined ? null : value), z.coerce.number().int().min(1, 'errors.mentoring.rating').max(5, 'errors.mentoring.rating').nullable()),
  note: z.string().trim().max(2000, 'errors.mentoring.note').default(''),
});

/** A check-in answered (a rating and a note, both optional) or skipped: once each. */
export async function answerCheckin(db: DatabaseLike, member: User, found: FoundPair, atMonths: number, form: unknown, skip: boolean): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  if (!(await dueCheckins(db, member, found)).includes(atMonths)) return { ok: false, kind: 'refused' };
  const parsed = skip ? { ok: true as const, value: { rating: null, note: '' } } : parseForm(checkinForm, form);
  if (!parsed.ok) return parsed;
  await db.insert(mentorPairCheckins).values({ pairId: found.pair.id, userId: member.id, atMonths, skipped: skip, rating: parsed.value.rating, note: parsed.value.note }).onConflictDoNothing();
  return { ok: true };
}

const endForm = z.object({
  reason: z.string().trim().max(1000, 'errors.mentoring.note').default(''),
  rating: checkinForm.shape.rating,
  feedback: z.string().trim().max(2000, 'errors.mentoring.note').default(''),
});

/**
 * Either of the two ends the pair: at its end, or early, with a reason then. Their feedback
 * (a rating and words, both optional) is kept as the closing check-in.
 */
export async function endPair(db: DatabaseLike, member: User, found: FoundPair, form: unknown, today = new Date().toISOString().slice(0, 10)): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  if (found.pair.status !== 'active' || (member.id !== found.peer.id && member.id !== found.mentor.id)) return { ok: false, kind: 'refused' };
  const parsed = parseForm(endForm, form);
  if (!parsed.ok) return parsed;
  const early = Boolean(found.pair.endsOn && today < found.pair.endsOn);
  if (early && !parsed.value.reason) return invalid('reason', 'errors.mentoring.endReason');
  await db.transaction(async (tx) => {
    await tx.update(mentorPairs).set({ status: 'ended', endedOn: today, endReason: early ? parsed.value.reason : '', endedBy: member.id }).where(eq(mentorPairs.id, found.pair.id));
    await tx.insert(mentorPairCheckins).values({ pairId: found.pair.id, userId: member.id, atMonths: 0, rating: parsed.value.rating, note: parsed.value.feedback }).onConflictDoNothing();
    await notifyPair(tx, member.id, found.pair.id, 'pair_ended', [found.peer.id, found.mentor.id]);
  });
  return { ok: true };
}

/** Days a pair runs on past its end day (for the last check-in and a goodbye of its own) before it closes by itself. */
export const closeAfterDays = 14;

/** The day a running pair closes by itself, unless one of the two ends it first. */
export function closesOn(endsOn: string): string {
  const day = new Date(`${endsOn}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + closeAfterDays);
  return day.toISOString().slice(0, 10);
}

/**
 * Pairs whose time ran out and that nobody ended close by themselves, as having ended on their
 * end day; each of the two is told, and their page then asks how it went.
 */
export async function closeFinishedPairs(db: DatabaseLike, today = new Date().toISOString().slice(0, 10)): Promise<number> {
  let closed = 0;
  // One after another: a handful of pairs, once an hour, and PGlite has one connection.
  for (const found of await pairsWhere(db, eq(mentorPairs.status, 'active'))) {
    if (!found.pair.endsOn || closesOn(found.pair.endsOn) > today) continue;
    await db.transaction(async (tx) => {
      const [ended] = await tx
        .update(mentorPairs)
        .set({ status: 'ended', endedOn: found.pair.endsOn, endReason: '' })
        .where(and(eq(mentorPairs.id, found.pair.id), eq(mentorPairs.status, 'active')))
        .returning({ id: mentorPairs.id });
      if (!ended) return;
      await notifyPair(tx, null, found.pair.id, 'pair_ended', [found.peer.id, found.mentor.id]);
      closed++;
    });
  }
  return closed;
}

const closingForm = endForm.pick({ rating: true, feedback: true });

/** Whether one of an ended pair has yet to say how it went: the other ended it, a coordinator did, or its time ran out. */
export async function closingFeedbackDue(db: DatabaseLike, member: Pick<User, 'id'>, found: FoundPair): Promise<boolean> {
  if (found.pair.status !== 'ended' || (member.id !== found.peer.id && member.id !== found.mentor.id)) return false;
  const [given] = await db
    .select({ atMonths: mentorPairCheckins.atMonths })
    .from(mentorPairCheckins)
    .where(and(eq(mentorPairCheckins.pairId, found.pair.id), eq(mentorPairCheckins.userId, member.id), eq(mentorPairCheckins.atMonths, 0)));
  return !given;
}

/** How it went, after the end (a rating and words, both optional), or skipped: once, as the closing check-in. */
export async function giveClosingFeedback(db: DatabaseLike, member: User, found: FoundPair, form: unknown, skip: boolean): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  if (!(await closingFeedbackDue(db, member, found))) return { ok: false, kind: 'refused' };
  const parsed = skip ? { ok: true as const, value: { rating: null, feedback: '' } } : parseForm(closingForm, form);
  if (!parsed.ok) return parsed;
  await db.insert(mentorPairCheckins).values({ pairId: found.pair.id, userId: member.id, atMonths: 0, skipped: skip, rating: parsed.value.rating, note: parsed.value.feedback }).onConflictDoNothing();
  return { ok: true };
}

const monthsForm = proposalForm.pick({ months: true });

/** The two of a running pair hear of a coordinator's change to it (its time, or its end). */
async function tellPair(db: DatabaseLike, coordinator: User, pairId: string, kind: 'pair_changed' | 'pair_ended'): Promise<void> {
  const found = await findPair(db, pairId);
  if (found) await notifyPair(db, coordinator.id, pairId, kind, [found.peer.id, found.mentor.id]);
}

/** A coordinator lengthens or shortens a running pair's time: its months from the start, and so its end. */
export async function changePairMonths(db: DatabaseLike, coordinator: User, pairId: string, form: unknown): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  const parsed = parseForm(monthsForm, form);
  if (!parsed.ok) return parsed;
  const [pair] = await db.select().from(mentorPairs).where(and(eq(mentorPairs.id, pairId), eq(mentorPairs.status, 'active')));
  if (!pair?.startsOn) return { ok: false, kind: 'refused' };
  const startsOn = pair.startsOn;
  await db.transaction(async (tx) => {
    await tx.update(mentorPairs).set({ months: parsed.value.months, endsOn: addMonths(startsOn, parsed.value.months) }).where(eq(mentorPairs.id, pairId));
    await tellPair(tx, coordinator, pairId, 'pair_changed');
  });
  return { ok: true };
}

const closeForm = z.object({ reason: z.string().trim().min(1, 'errors.mentoring.closeReason').max(1000, 'errors.mentoring.note') });

/** A coordinator ends a running pair (say, when one of the two has moved away), always with a reason. */
export async function closePair(db: DatabaseLike, coordinator: User, pairId: string, form: unknown, today = new Date().toISOString().slice(0, 10)): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  const parsed = parseForm(closeForm, form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const [ended] = await tx
      .update(mentorPairs)
      .set({ status: 'ended', endedOn: today, endReason: parsed.value.reason, endedBy: coordinator.id })
      .where(and(eq(mentorPairs.id, pairId), eq(mentorPairs.status, 'active')))
      .returning({ id: mentorPairs.id });
    if (!ended) return { ok: false as const, kind: 'refused' as const };
    await tellPair(tx, coordinator, pairId, 'pair_ended');
    return { ok: true as const };
  });
}

/** How the pairs are going, for the coordinators: per check-in (and the endings) the answers, the mean rating and the notes without names; nothing below the threshold. */
export async function checkinTotals(db: DatabaseLike, threshold: number) {
  const rows = await db.select({ atMonths: mentorPairCheckins.atMonths, skipped: mentorPairCheckins.skipped, rating: mentorPairCheckins.rating, note: mentorPairCheckins.note }).from(mentorPairCheckins);
  return [...checkinMonths, 0].map((atMonths) => {
    const answered = rows.filter((row) => row.atMonths === atMonths && !row.skipped);
    const ratings = answered.flatMap((row) => (row.rating === null ? [] : [row.rating]));
    const shown = answered.length >= threshold;
    return {
      atMonths,
      answered: answered.length,
      shown,
      mean: shown ? meanToTenth(ratings) : null,
      notes: shown ? answered.flatMap((row) => (row.note ? [row.note] : [])).sort((a, b) => a.localeCompare(b)) : [],
    };
  });
}

/**
 * A deleted account's part in the scheme: what they wrote goes (messages, check-ins, what their
 * applications said); a proposal not yet answered is withdrawn and the other goes back to their
 * place; a running pair ends. A pair that ran stays as a nameless count for the figures, with
 * its meeting log (days and kinds, nothing written).
 */
export async function forgetMentoring(db: DatabaseLike, userId: string, today = new Date().toISOString().slice(0, 10)): Promise<void> {
  const mine = await db.select().from(mentorApplications).where(eq(mentorApplications.userId, userId));
  const ids = mine.map((application) => application.id);
  if (ids.length) {
    const theirs = or(inArray(mentorPairs.peerApplicationId, ids), inArray(mentorPairs.mentorApplicationId, ids));
    const proposed = await db.select().from(mentorPairs).where(and(theirs, eq(mentorPairs.status, 'proposed')));
    const others = proposed.flatMap((pair) => [pair.peerApplicationId, pair.mentorApplicationId]).filter((id) => !ids.includes(id));
    if (others.length) await db.update(mentorApplications).set({ status: 'waiting' }).where(inArray(mentorApplications.id, others));
    const ended = await db.update(mentorPairs).set({ status: 'ended', endedOn: today, endReason: '' }).where(and(theirs, eq(mentorPairs.status, 'active'))).returning();
    // The other of a running pair hears that it has ended (from a deleted member, so nobody is named).
    for (const pair of ended) {
      const other = await db.select({ userId: mentorApplications.userId }).from(mentorApplications).where(and(inArray(mentorApplications.id, [pair.peerApplicationId, pair.mentorApplicationId]), ne(mentorApplications.userId, userId)));
      await notifyPair(db, userId, pair.id, 'pair_ended', other.map((row) => row.userId));
    }
  }
  // Why they ended a pair (as one of it, or as a coordinator) is their words too.
  await db.update(mentorPairs).set({ endReason: '' }).where(eq(mentorPairs.endedBy, userId));
  await db.delete(mentorPairMessages).where(eq(mentorPairMessages.authorId, userId));
  await db.delete(mentorPairCheckins).where(eq(mentorPairCheckins.userId, userId));
  // A matched application holds a pair that ran: kept, saying nothing. The rest go, and with them proposals never answered.
  await db
    .update(mentorApplications)
    .set({ languages: [], municipalityCode: null, remote: false, interestIds: [], weekdays: [], note: '' })
    .where(and(eq(mentorApplications.userId, userId), eq(mentorApplications.status, 'matched')));
  await db.delete(mentorApplications).where(and(eq(mentorApplications.userId, userId), ne(mentorApplications.status, 'matched')));
}

/** For the member's data export: their pairs and proposals (as mentee or mentor, declined ones too), their times, and the meetings logged. */
export async function ownPairs(db: DatabaseLike, userId: string) {
  const rows = await db
    .select({ pair: mentorPairs, kind: mentorApplications.kind })
    .from(mentorPairs)
    .innerJoin(mentorApplications, or(eq(mentorApplications.id, mentorPairs.peerApplicationId), eq(mentorApplications.id, mentorPairs.mentorApplicationId)))
    .where(eq(mentorApplications.userId, userId))
    .orderBy(mentorPairs.proposedAt);
  const shown = [];
  // One after another: a member has a pair or two, and PGlite has one connection.
  for (const { pair, kind } of rows) {
    shown.push({
      as: kind,
      status: pair.status,
      yourAnswer: kind === 'peer' ? pair.peerAnswer : pair.mentorAnswer,
      proposedAt: pair.proposedAt,
      startsOn: pair.startsOn,
      endsOn: pair.endsOn,
      endedOn: pair.endedOn,
      // Why it ended is in the export of the one who wrote it; the other never reads it (it is for the coordinators).
      endReason: pair.endedBy === userId ? pair.endReason : '',
      meetingsLogged: (await meetingsOf(db, pair.id)).map((meeting) => ({ on: meeting.on, activity: meeting.activity })),
      // Their own words only: what the other wrote is the other's.
      messagesWritten: await db
        .select({ body: mentorPairMessages.body, writtenAt: mentorPairMessages.createdAt, editedAt: mentorPairMessages.editedAt })
        .from(mentorPairMessages)
        .where(and(eq(mentorPairMessages.pairId, pair.id), eq(mentorPairMessages.authorId, userId)))
        .orderBy(mentorPairMessages.createdAt),
    });
  }
  return shown;
}
