// The association's yearly figures, for a funder's report: per group and in total, for a chosen
// period. Counts only: who took part is never named, and a count of people below the node's
// threshold is shown as "fewer than N".
import { and, count, countDistinct, eq, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { mentorPairMeetings, mentorPairs } from '../mentoring/mentoring.tables.ts';
import type { DatabaseLike } from '../db/client.ts';
import { groupParticipations, groups, meetingAttendance } from '../groups/groups.tables.ts';
import { changesOf } from '../groups/groups.service.ts';
import { upcomingMeetings } from '../groups/schedule.ts';
import { questionnaireRounds, questionnaires } from '../questionnaires/questionnaires.tables.ts';
import { findQuestionnaire, results, type Change } from '../questionnaires/questionnaires.service.ts';

/** Both days included, as YYYY-MM-DD. */
export type Period = { from: string; to: string };

/**
 * A count of people: the number; or (below the threshold) only that it is fewer; or withheld, a
 * count large enough in itself that would give a hidden one away (see `guarded`).
 */
export type PeopleCount = { n: number } | { fewerThan: number } | { withheld: true };

export type GroupFigures = {
  name: string;
  slug: string;
  meetingsHeld: number;
  peerLeaders: number;
  participants: PeopleCount;
  newParticipants: PeopleCount;
  peopleComing: PeopleCount;
  comingMarks: number;
};

export type PairFigures = { started: PeopleCount; running: PeopleCount; ended: PeopleCount; meetingsLogged: number };

/** A questionnaire's rounds opened in the period: how many answered each, and start against end over those who answered both. */
export type QuestionnaireFigures = { title: string; group: string | null; rounds: { name: string; answered: PeopleCount }[]; change: { n: PeopleCount; items: Change[] } | null };

export type Figures = { groups: GroupFigures[]; total: Omit<GroupFigures, 'name' | 'slug'>; pairs: PairFigures | null; questionnaires: QuestionnaireFigures[] };

function people(n: number, threshold: number): PeopleCount {
  return n > 0 && n < threshold ? { fewerThan: threshold } : { n };
}

/**
 * A column of the groups' counts of people with its total. Below the threshold a count is only
 * "fewer than"; when that hides exactly one group's count while the total shows, the total less
 * the others would tell it, so the next smallest count is withheld too (secondary suppression).
 */
export function guarded(counts: number[], total: number, threshold: number): { cells: PeopleCount[]; total: PeopleCount } {
  const cells = counts.map((n) => people(n, threshold));
  const shownTotal = people(total, threshold);
  if (cells.filter((cell) => 'fewerThan' in cell).length === 1 && 'n' in shownTotal) {
    let smallest = -1;
    counts.forEach((n, i) => {
      if ('n' in cells[i]! && n > 0 && (smallest < 0 || n < counts[smallest]!)) smallest = i;
    });
    if (smallest >= 0) cells[smallest] = { withheld: true };
  }
  return { cells, total: shownTotal };
}

const dayAfter = (day: string) => new Date(new Date(`${day}T00:00:00Z`).getTime() + 86_400_000);

export async function figuresFor(db: DatabaseLike, period: Period, threshold: number, now = new Date()): Promise<Figures> {
  // Every group of ours: one listed later may have met all along (its schedule says since when).
  const own = await db.select().from(groups).where(isNull(groups.origin)).orderBy(groups.name);
  const changes = await changesOf(db, own.map((g) => g.id));
  const overlapping = and(lte(groupParticipations.startedOn, period.to), or(isNull(groupParticipations.endedOn), gte(groupParticipations.endedOn, period.from)));
  const stretches = await db
    .select({
      groupId: groupParticipations.groupId,
      participants: sql<number>`(count(*) filter (where ${groupParticipations.role} = 'participant'))::int`,
      leaders: sql<number>`(count(*) filter (where ${groupParticipations.role} = 'facilitator'))::int`,
      started: sql<number>`(count(*) filter (where ${groupParticipations.role} = 'participant' and ${groupParticipations.startedOn} >= ${period.from}))::int`,
    })
    .from(groupParticipations)
    .where(overlapping)
    .groupBy(groupParticipations.groupId);
  const today = now.toISOString().slice(0, 10);
  const inPeriod = and(eq(meetingAttendance.status, 'coming'), gte(meetingAttendance.on, period.from), lte(meetingAttendance.on, period.to < today ? period.to : today));
  const marks = await db
    .select({ groupId: meetingAttendance.groupId, marks: count(), people: countDistinct(meetingAttendance.userId) })
    .from(meetingAttendance)
    .where(inPeriod)
    .groupBy(meetingAttendance.groupId);
  const [everyone] = await db.select({ people: countDistinct(meetingAttendance.userId) }).from(meetingAttendance).where(inPeriod);

  const end = new Date(Math.min(dayAfter(period.to).getTime(), now.getTime()));
  const rows = own.map((group) => {
    // The meetings of the period that have ended: the schedule, less cancelled dates, with one-off meetings.
    const held = upcomingMeetings(group, changes.get(group.id) ?? [], new Date(`${period.from}T00:00:00Z`), { limit: 5000, until: end }).filter(
      (m) => m.on >= period.from && m.on <= period.to && m.end <= now,
    ).length;
    const stretch = stretches.find((s) => s.groupId === group.id);
    const mark = marks.find((m) => m.groupId === group.id);
    return {
      name: group.name,
      slug: group.slug,
      meetingsHeld: held,
      peerLeaders: stretch?.leaders ?? 0,
      participantsN: stretch?.participants ?? 0,
      newN: stretch?.started ?? 0,
      comingN: mark?.people ?? 0,
      comingMarks: mark?.marks ?? 0,
    };
  });
  const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
  // A group with nothing in the period (not yet started, or long ended) has no row.
  const active = rows.filter((row) => row.meetingsHeld + row.peerLeaders + row.participantsN + row.comingMarks > 0);
  const participants = guarded(active.map((r) => r.participantsN), sum((r) => r.participantsN), threshold);
  const newParticipants = guarded(active.map((r) => r.newN), sum((r) => r.newN), threshold);
  // Someone coming to two groups is one person in the total: it is not a sum, but near enough to guard the same way.
  const peopleComing = guarded(active.map((r) => r.comingN), everyone?.people ?? 0, threshold);
  return {
    pairs: await pairFigures(db, period, threshold, today),
    questionnaires: await questionnaireFigures(db, period, threshold),
    groups: active.map((row, i) => ({
      name: row.name,
      slug: row.slug,
      meetingsHeld: row.meetingsHeld,
      peerLeaders: row.peerLeaders,
      participants: participants.cells[i]!,
      newParticipants: newParticipants.cells[i]!,
      peopleComing: peopleComing.cells[i]!,
      comingMarks: row.comingMarks,
    })),
    total: {
      meetingsHeld: sum((r) => r.meetingsHeld),
      peerLeaders: sum((r) => r.peerLeaders),
      participants: participants.total,
      newParticipants: newParticipants.total,
      peopleComing: peopleComing.total,
      comingMarks: sum((r) => r.comingMarks),
    },
  };
}

/** The mentor scheme's pairs in the period: started, running at some time, ended (their time over), and meetings logged. */
async function pairFigures(db: DatabaseLike, period: Period, threshold: number, today: string): Promise<PairFigures | null> {
  const [row] = await db
    .select({
      any: sql<number>`count(*)::int`,
      started: sql<number>`(count(*) filter (where ${mentorPairs.startsOn} between ${period.from} and ${period.to}))::int`,
      running: sql<number>`(count(*) filter (where ${mentorPairs.startsOn} <= ${period.to} and coalesce(${mentorPairs.endedOn}, ${mentorPairs.endsOn}) >= ${period.from}))::int`,
      // Ended by one of the two, or its time over.
      ended: sql<number>`(count(*) filter (where coalesce(${mentorPairs.endedOn}, ${mentorPairs.endsOn}) between ${period.from} and ${period.to} and coalesce(${mentorPairs.endedOn}, ${mentorPairs.endsOn}) <= ${today}))::int`,
    })
    .from(mentorPairs)
    .where(isNotNull(mentorPairs.startsOn));
  if (!row?.any) return null;
  const [logged] = await db
    .select({ n: count() })
    .from(mentorPairMeetings)
    .where(and(gte(mentorPairMeetings.on, period.from), lte(mentorPairMeetings.on, period.to)));
  return { started: people(row.started, threshold), running: people(row.running, threshold), ended: people(row.ended, threshold), meetingsLogged: logged?.n ?? 0 };
}

/** The questionnaires with rounds opened in the period, each over those rounds only; the same threshold as everywhere. */
async function questionnaireFigures(db: DatabaseLike, period: Period, threshold: number): Promise<QuestionnaireFigures[]> {
  const [from, until] = [new Date(`${period.from}T00:00:00Z`), dayAfter(period.to)];
  const opened = await db
    .selectDistinct({ id: questionnaires.id, groupId: questionnaires.groupId, title: questionnaires.title, group: groups.name })
    .from(questionnaireRounds)
    .innerJoin(questionnaires, eq(questionnaires.id, questionnaireRounds.questionnaireId))
    .leftJoin(groups, eq(groups.id, questionnaires.groupId))
    .where(and(gte(questionnaireRounds.openedAt, from), lt(questionnaireRounds.openedAt, until)))
    .orderBy(groups.name, questionnaires.title);
  const shown: QuestionnaireFigures[] = [];
  // One after another: an admin's page, and PGlite's one connection.
  for (const row of opened) {
    const found = await findQuestionnaire(db, row.groupId, row.id);
    if (!found) continue;
    const inPeriod = found.rounds.filter((round) => round.openedAt >= from && round.openedAt < until);
    const result = await results(db, { ...found, rounds: inPeriod }, threshold);
    shown.push({
      title: row.title,
      group: row.group,
      rounds: result.rounds.map((round) => ({ name: round.round.name, answered: people(round.answered, threshold) })),
      change: result.change && { n: people(result.change.n, threshold), items: result.change.items },
    });
  }
  return shown;
}
