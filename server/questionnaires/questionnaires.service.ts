// Building a questionnaire, opening rounds, answering (once, or skipping) and the results, which
// are aggregates only: nothing is shown of a round fewer than the node's threshold answered, free
// text comes without names, and start against end only over the people who answered both.
import { and, asc, desc, eq, exists, gte, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import type { Locale } from '../config.ts';
import { translator } from '../i18n/i18n.ts';
import { groupMembers, groups } from '../groups/groups.tables.ts';
import { invalid, parseForm, singleLine, type Invalid } from '../validation.ts';
import { mentorApplications, mentorPairs } from '../mentoring/mentoring.tables.ts';
import { nodeSettings } from '../admin/settings.tables.ts';
import { questionnaireAnswers, questionnaireItems, questionnaireResponses, questionnaireRounds, questionnaires, roundAudiences, roundKinds } from './questionnaires.tables.ts';
import { templateItems, templateNames, type TemplateName } from './templates.ts';
import { meanToTenth, roundToTenth } from '../statistics.ts';

export type Questionnaire = typeof questionnaires.$inferSelect;
export type Item = typeof questionnaireItems.$inferSelect;
export type Round = typeof questionnaireRounds.$inferSelect;
type Refused<R extends string> = { ok: false; kind: 'refused'; reason: R };

/** Whose questionnaires: a group's (its id), or the mentor scheme's (null). */
export type Owner = string | null;
const ownedBy = (owner: Owner) => (owner === null ? isNull(questionnaires.groupId) : eq(questionnaires.groupId, owner));

export function listQuestionnaires(db: DatabaseLike, owner: Owner) {
  return db.select().from(questionnaires).where(ownedBy(owner)).orderBy(desc(questionnaires.createdAt));
}

const newForm = z.object({
  title: singleLine(z.string().trim().min(1, 'errors.questionnaire.title').max(200, 'errors.questionnaire.title'), 'errors.singleLine'),
  template: z.enum(['', ...templateNames], 'form.invalidField'),
});

/** A new questionnaire, empty or from one of ours (its texts then in the builder's language, theirs to change). */
export async function createQuestionnaire(db: DatabaseLike, groupId: Owner, form: unknown, locale: Locale): Promise<{ ok: true; questionnaire: Questionnaire } | Invalid> {
  const parsed = parseForm(newForm, form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const template = parsed.value.template as TemplateName | '';
    const intro = template ? translator(locale)(`questionnaires.templates.${template}.intro`) : '';
    const [made] = await tx.insert(questionnaires).values({ groupId, title: parsed.value.title, intro }).returning();
    if (template) {
      const items = templateItems(template, locale);
      await tx.insert(questionnaireItems).values(items.map((item, position) => ({ ...item, questionnaireId: made!.id, position })));
    }
    return { ok: true as const, questionnaire: made! };
  });
}

export async function findQuestionnaire(db: DatabaseLike, owner: Owner, id: string) {
  const [questionnaire] = await db.select().from(questionnaires).where(and(eq(questionnaires.id, id), ownedBy(owner)));
  if (!questionnaire) return undefined;
  const items = await db.select().from(questionnaireItems).where(eq(questionnaireItems.questionnaireId, id)).orderBy(asc(questionnaireItems.position));
  const rounds = await db.select().from(questionnaireRounds).where(eq(questionnaireRounds.questionnaireId, id)).orderBy(asc(questionnaireRounds.openedAt));
  // Items are fixed once a round has been opened: answers must mean what they meant.
  return { questionnaire, items, rounds, locked: rounds.length > 0 };
}
export type Found = NonNullable<Awaited<ReturnType<typeof findQuestionnaire>>>;

const label = z.string().trim().max(60, 'errors.questionnaire.label');
const itemForm = z
  .object({
    kind: z.enum(['scale', 'choice', 'text'], 'form.invalidField'),
    prompt: z.string().trim().min(1, 'errors.questionnaire.prompt').max(500, 'errors.questionnaire.prompt'),
    scaleMax: z.string().optional(),
    lowLabel: label.optional(),
    highLabel: label.optional(),
    choices: z.string().max(2000, 'errors.questionnaire.choices').optional(),
  })
  .superRefine((v, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.kind === 'scale') {
      if (v.scaleMax !== '5' && v.scaleMax !== '10') problem('scaleMax', 'errors.questionnaire.scaleMax');
      if (!v.lowLabel) problem('lowLabel', 'errors.questionnaire.labels');
      if (!v.highLabel) problem('highLabel', 'errors.questionnaire.labels');
    }
    if (v.kind === 'choice') {
      const choices = (v.choices ?? '').split('\n').map((c) => c.trim()).filter(Boolean);
      if (choices.length < 2 || choices.length > 12 || choices.some((c) => c.length > 100) || new Set(choices).size !== choices.length) problem('choices', 'errors.questionnaire.choices');
    }
  });

type ItemValues = z.infer<typeof itemForm>;

/** The item as kept: only what its kind uses. */
function itemColumns(v: ItemValues) {
  return {
    kind: v.kind,
    prompt: v.prompt,
    scaleMax: v.kind === 'scale' ? Number(v.scaleMax) : null,
    lowLabel: v.kind === 'scale' ? (v.lowLabel ?? '') : '',
    highLabel: v.kind === 'scale' ? (v.highLabel ?? '') : '',
    choices: v.kind === 'choice' ? (v.choices ?? '').split('\n').map((c) => c.trim()).filter(Boolean) : [],
  };
}

export async function addItem(db: DatabaseLike, found: Found, form: unknown): Promise<{ ok: true } | Invalid | Refused<'locked'>> {
  if (found.locked) return { ok: false, kind: 'refused', reason: 'locked' };
  const parsed = parseForm(itemForm, form);
  if (!parsed.ok) return parsed;
  await db.insert(questionnaireItems).values({ questionnaireId: found.questionnaire.id, position: (found.items.at(-1)?.position ?? -1) + 1, ...itemColumns(parsed.value) });
  return { ok: true };
}

/** An item changed in place (its words, or even its kind) while no round has opened. */
export async function editItem(db: DatabaseLike, found: Found, itemId: string, form: unknown): Promise<{ ok: true } | Invalid | Refused<'locked' | 'missing'>> {
  if (found.locked) return { ok: false, kind: 'refused', reason: 'locked' };
  if (!found.items.some((item) => item.id === itemId)) return { ok: false, kind: 'refused', reason: 'missing' };
  const parsed = parseForm(itemForm, form);
  if (!parsed.ok) return parsed;
  await db.update(questionnaireItems).set(itemColumns(parsed.value)).where(eq(questionnaireItems.id, itemId));
  return { ok: true };
}

/** An item one place up or down, while no round has opened. */
export async function moveItem(db: DatabaseLike, found: Found, itemId: string, up: boolean): Promise<{ ok: true } | Refused<'locked' | 'missing'>> {
  if (found.locked) return { ok: false, kind: 'refused', reason: 'locked' };
  const at = found.items.findIndex((item) => item.id === itemId);
  if (at < 0) return { ok: false, kind: 'refused', reason: 'missing' };
  const other = found.items[up ? at - 1 : at + 1];
  if (!other) return { ok: true };
  const item = found.items[at]!;
  await db.transaction(async (tx) => {
    await tx.update(questionnaireItems).set({ position: other.position }).where(eq(questionnaireItems.id, item.id));
    await tx.update(questionnaireItems).set({ position: item.position }).where(eq(questionnaireItems.id, other.id));
  });
  return { ok: true };
}

export async function removeItem(db: DatabaseLike, found: Found, itemId: string): Promise<{ ok: true } | Refused<'locked'>> {
  if (found.locked) return { ok: false, kind: 'refused', reason: 'locked' };
  await db.delete(questionnaireItems).where(and(eq(questionnaireItems.id, itemId), eq(questionnaireItems.questionnaireId, found.questionnaire.id)));
  return { ok: true };
}

const aboutForm = z.object({
  title: newForm.shape.title,
  intro: z.string().trim().max(2000, 'errors.questionnaire.intro').default(''),
});

/** Its name and the words before the questions: theirs to change at any time (they say what it is, not what an answer meant). */
export async function saveAbout(db: DatabaseLike, found: Found, form: unknown): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(aboutForm, form);
  if (!parsed.ok) return parsed;
  await db.update(questionnaires).set(parsed.value).where(eq(questionnaires.id, found.questionnaire.id));
  return { ok: true };
}

/** A questionnaire nobody was asked yet can go; once a round has opened, its answers keep it. */
export async function deleteQuestionnaire(db: DatabaseLike, found: Found): Promise<{ ok: true } | Refused<'locked'>> {
  if (found.locked) return { ok: false, kind: 'refused', reason: 'locked' };
  await db.delete(questionnaires).where(eq(questionnaires.id, found.questionnaire.id));
  return { ok: true };
}

const roundForm = z
  .object({
    name: z.enum([...roundKinds, 'other'], 'form.invalidField'),
    otherName: z.string().trim().max(60, 'errors.questionnaire.roundName').optional(),
    audience: z.enum(roundAudiences, 'form.invalidField').default('everyone'),
  })
  .superRefine((v, ctx) => {
    if (v.name === 'other' && !v.otherName) ctx.addIssue({ code: 'custom', path: ['otherName'], message: 'errors.questionnaire.roundName' });
  });

/**
 * Opens a round for the group's participants, or (the scheme's) for the people in its pairs, or
 * only the mentees or the mentors; one round open at a time, and only with items to answer.
 */
export async function openRound(db: DatabaseLike, found: Found, form: unknown): Promise<{ ok: true } | Invalid | Refused<'empty' | 'roundOpen'>> {
  const parsed = parseForm(roundForm, form);
  if (!parsed.ok) return parsed;
  if (!found.items.length) return { ok: false, kind: 'refused', reason: 'empty' };
  if (found.rounds.some((round) => !round.closedAt)) return { ok: false, kind: 'refused', reason: 'roundOpen' };
  await db.insert(questionnaireRounds).values({
    questionnaireId: found.questionnaire.id,
    name: parsed.value.name === 'other' ? parsed.value.otherName! : parsed.value.name,
    audience: found.questionnaire.groupId === null ? parsed.value.audience : 'everyone',
  });
  return { ok: true };
}

export async function closeRound(db: DatabaseLike, found: Found, roundId: string): Promise<void> {
  await db
    .update(questionnaireRounds)
    .set({ closedAt: new Date() })
    .where(and(eq(questionnaireRounds.id, roundId), eq(questionnaireRounds.questionnaireId, found.questionnaire.id), isNull(questionnaireRounds.closedAt)));
}

/**
 * Whether the member is among those a round is for: a participant of the questionnaire's group; or,
 * for the mentor scheme's (while it is in use), one of a running pair (or one that ended since the
 * round opened, so an end round reaches those finishing), on the side the round is for.
 */
function roundIsFor(db: DatabaseLike, memberId: string): SQL {
  const inGroup = exists(
    db
      .select({ one: sql`1` })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, questionnaires.groupId), eq(groupMembers.userId, memberId), eq(groupMembers.status, 'accepted'), eq(groupMembers.role, 'participant'))),
  );
  const inPair = exists(
    db
      .select({ one: sql`1` })
      .from(mentorPairs)
      .innerJoin(mentorApplications, or(eq(mentorApplications.id, mentorPairs.peerApplicationId), eq(mentorApplications.id, mentorPairs.mentorApplicationId)))
      .where(
        and(
          eq(mentorApplications.userId, memberId),
          or(eq(questionnaireRounds.audience, 'everyone'), and(eq(questionnaireRounds.audience, 'peers'), eq(mentorApplications.kind, 'peer')), and(eq(questionnaireRounds.audience, 'mentors'), eq(mentorApplications.kind, 'mentor'))),
          or(eq(mentorPairs.status, 'active'), and(eq(mentorPairs.status, 'ended'), gte(mentorPairs.endedOn, sql`(${questionnaireRounds.openedAt})::date`))),
        ),
      ),
  );
  // The scheme's rounds are there only while the scheme is in use, like its pages.
  const schemeOn = exists(db.select({ one: sql`1` }).from(nodeSettings).where(eq(nodeSettings.mentorScheme, true)));
  return or(and(sql`${questionnaires.groupId} is not null`, inGroup), and(isNull(questionnaires.groupId), schemeOn, inPair))!;
}

/** Open rounds the member may answer and has not answered or skipped. */
export function roundsWaitingFor(db: DatabaseLike, member: User) {
  return db
    .select({ round: questionnaireRounds, title: questionnaires.title, groupName: groups.name })
    .from(questionnaireRounds)
    .innerJoin(questionnaires, eq(questionnaires.id, questionnaireRounds.questionnaireId))
    .leftJoin(groups, eq(groups.id, questionnaires.groupId))
    .leftJoin(questionnaireResponses, and(eq(questionnaireResponses.roundId, questionnaireRounds.id), eq(questionnaireResponses.userId, member.id)))
    .where(and(isNull(questionnaireRounds.closedAt), isNull(questionnaireResponses.id), roundIsFor(db, member.id)))
    .orderBy(asc(questionnaireRounds.openedAt));
}

/** A round as the member answers it: only one it is for, only while it is open. */
export async function roundFor(db: DatabaseLike, member: User, roundId: string) {
  const [row] = await db
    .select({ round: questionnaireRounds, questionnaire: questionnaires, groupName: groups.name, response: questionnaireResponses.id })
    .from(questionnaireRounds)
    .innerJoin(questionnaires, eq(questionnaires.id, questionnaireRounds.questionnaireId))
    .leftJoin(groups, eq(groups.id, questionnaires.groupId))
    .leftJoin(questionnaireResponses, and(eq(questionnaireResponses.roundId, questionnaireRounds.id), eq(questionnaireResponses.userId, member.id)))
    .where(and(eq(questionnaireRounds.id, roundId), roundIsFor(db, member.id)));
  if (!row || row.round.closedAt) return undefined;
  const items = await db.select().from(questionnaireItems).where(eq(questionnaireItems.questionnaireId, row.questionnaire.id)).orderBy(asc(questionnaireItems.position));
  return { ...row, items, answered: row.response !== null };
}
export type RoundForMember = NonNullable<Awaited<ReturnType<typeof roundFor>>>;

/** The member's answer, once; an item left empty is skipped. `skip` skips the whole round. */
export async function answerRound(db: DatabaseLike, member: User, round: RoundForMember, form: Record<string, unknown>, skip: boolean): Promise<{ ok: true } | Invalid | Refused<'answered'>> {
  if (round.answered) return { ok: false, kind: 'refused', reason: 'answered' };
  const answers: { itemId: string; value: number | null; choice: string | null; text: string | null }[] = [];
  if (!skip) {
    for (const item of round.items) {
      const given = typeof form[`item-${item.id}`] === 'string' ? (form[`item-${item.id}`] as string).trim() : '';
      if (!given) continue;
      if (item.kind === 'scale') {
        const value = Number(given);
        if (!Number.isInteger(value) || value < 1 || value > (item.scaleMax ?? 5)) return invalid(`item-${item.id}`, 'errors.questionnaire.answer');
        answers.push({ itemId: item.id, value, choice: null, text: null });
      } else if (item.kind === 'choice') {
        if (!item.choices.includes(given)) return invalid(`item-${item.id}`, 'errors.questionnaire.answer');
        answers.push({ itemId: item.id, value: null, choice: given, text: null });
      } else {
        if (given.length > 2000) return invalid(`item-${item.id}`, 'errors.questionnaire.textTooLong');
        answers.push({ itemId: item.id, value: null, choice: null, text: given });
      }
    }
  }
  return db.transaction(async (tx) => {
    const [response] = await tx.insert(questionnaireResponses).values({ roundId: round.round.id, userId: member.id, skipped: skip }).onConflictDoNothing().returning({ id: questionnaireResponses.id });
    if (!response) return { ok: false as const, kind: 'refused' as const, reason: 'answered' as const };
    if (answers.length) await tx.insert(questionnaireAnswers).values(answers.map((answer) => ({ ...answer, responseId: response.id })));
    return { ok: true as const };
  });
}

/** The member's own answers over time, questionnaire by questionnaire. */
export async function ownAnswers(db: DatabaseLike, userId: string) {
  return db
    .select({
      questionnaire: questionnaires.title,
      groupName: groups.name,
      round: questionnaireRounds.name,
      answeredAt: questionnaireResponses.createdAt,
      skipped: questionnaireResponses.skipped,
      prompt: questionnaireItems.prompt,
      value: questionnaireAnswers.value,
      scaleMax: questionnaireItems.scaleMax,
      choice: questionnaireAnswers.choice,
      text: questionnaireAnswers.text,
    })
    .from(questionnaireResponses)
    .innerJoin(questionnaireRounds, eq(questionnaireRounds.id, questionnaireResponses.roundId))
    .innerJoin(questionnaires, eq(questionnaires.id, questionnaireRounds.questionnaireId))
    .leftJoin(groups, eq(groups.id, questionnaires.groupId))
    .leftJoin(questionnaireAnswers, eq(questionnaireAnswers.responseId, questionnaireResponses.id))
    .leftJoin(questionnaireItems, eq(questionnaireItems.id, questionnaireAnswers.itemId))
    .where(eq(questionnaireResponses.userId, userId))
    .orderBy(asc(questionnaires.title), asc(questionnaireResponses.createdAt), asc(questionnaireItems.position));
}

export type ItemResult = {
  prompt: string;
  kind: Item['kind'];
  n: number;
  /** False when fewer than the threshold gave a scale or choice item a value: then only its count is shown. */
  shown: boolean;
  /** Scale: the mean to one decimal and how many gave each value (1…max); choice: how many chose each. */
  mean: number | null;
  distribution: { label: string; count: number }[];
  /** Free text, without names, in alphabetical order (never in the order given). */
  texts: string[];
};
export type RoundResult = { round: Round; answered: number; skipped: number; shown: boolean; items: ItemResult[] };
export type Change = { prompt: string; n: number; start: number; end: number; change: number };


/** Aggregates per round, and start against end over the people who answered both; nothing below the threshold. */
export async function results(db: DatabaseLike, found: Found, threshold: number): Promise<{ rounds: RoundResult[]; change: { shown: boolean; n: number; items: Change[] } | null }> {
  const roundIds = found.rounds.map((round) => round.id);
  const responses = roundIds.length ? await db.select().from(questionnaireResponses).where(inArray(questionnaireResponses.roundId, roundIds)) : [];
  const answered = responses.filter((r) => !r.skipped);
  const answers = answered.length ? await db.select().from(questionnaireAnswers).where(inArray(questionnaireAnswers.responseId, answered.map((r) => r.id))) : [];
  const rounds = found.rounds.map((round): RoundResult => {
    const mine = answered.filter((r) => r.roundId === round.id);
    const ids = new Set(mine.map((r) => r.id));
    const shown = mine.length >= threshold;
    const items = !shown
      ? []
      : found.items.map((item): ItemResult => {
          const given = answers.filter((a) => a.itemId === item.id && ids.has(a.responseId));
          // A mean or a count over a few is those few's answers, even in a round many answered. (Free
          // texts are shown one by one anyway, without names, once the round has enough answers.)
          if (item.kind !== 'text' && given.length < threshold) return { prompt: item.prompt, kind: item.kind, n: given.length, shown: false, mean: null, distribution: [], texts: [] };
          const values = given.flatMap((a) => (a.value === null ? [] : [a.value]));
          return {
            prompt: item.prompt,
            kind: item.kind,
            n: given.length,
            shown: true,
            mean: item.kind === 'scale' ? meanToTenth(values) : null,
            distribution:
              item.kind === 'scale'
                ? Array.from({ length: item.scaleMax ?? 5 }, (_, i) => ({ label: String(i + 1), count: values.filter((v) => v === i + 1).length }))
                : item.kind === 'choice'
                  ? item.choices.map((choice) => ({ label: choice, count: given.filter((a) => a.choice === choice).length }))
                  : [],
            texts: item.kind === 'text' ? given.flatMap((a) => (a.text ? [a.text] : [])).sort((a, b) => a.localeCompare(b)) : [],
          };
        });
    return { round, answered: mine.length, skipped: responses.filter((r) => r.roundId === round.id && r.skipped).length, shown, items };
  });
  // Start against end: the first start round and the last end round, over the people who answered both.
  const start = found.rounds.find((round) => round.name === 'start');
  const end = [...found.rounds].reverse().find((round) => round.name === 'end');
  if (!start || !end) return { rounds, change: null };
  const byPerson = (roundId: string) => new Map(answered.filter((r) => r.roundId === roundId).map((r) => [r.userId, r.id]));
  const atStart = byPerson(start.id);
  const atEnd = byPerson(end.id);
  const both = [...atStart.keys()].filter((person) => atEnd.has(person));
  const shown = both.length >= threshold;
  const items = !shown
    ? []
    : found.items
        .filter((item) => item.kind === 'scale')
        .map((item): Change => {
          const valueOf = (responseId: string) => answers.find((a) => a.responseId === responseId && a.itemId === item.id)?.value ?? null;
          const pairs = both.flatMap((person) => {
            const [s, e] = [valueOf(atStart.get(person)!), valueOf(atEnd.get(person)!)];
            return s !== null && e !== null ? [[s, e] as const] : [];
          });
          const mean = (pick: 0 | 1) => (pairs.length ? pairs.reduce((sum, pair) => sum + pair[pick], 0) / pairs.length : 0);
          return { prompt: item.prompt, n: pairs.length, start: roundToTenth(mean(0)), end: roundToTenth(mean(1)), change: roundToTenth(mean(1) - mean(0)) };
        })
        .filter((change) => change.n >= threshold);
  return { rounds, change: { shown, n: both.length, items } };
}
