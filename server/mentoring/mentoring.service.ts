// The peer-mentor scheme's intake: applications as a peer or a mentor, the waiting lists with
// each applicant's own place, an honest word on how long matching has taken, mentors' training
// (and the group where the course is held), and who fits whom. The pairs are in pairs.service.ts.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { locales, type Locale } from '../config.ts';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { users } from '../accounts/accounts.tables.ts';
import { groupLanguages, groupMembers, groups } from '../groups/groups.tables.ts';
import { getSettings, writeSettings } from '../admin/settings.service.ts';
import { findMunicipality } from '../groups/municipalities.ts';
import { invalid, list, parseForm, realDate, type Invalid } from '../validation.ts';
import { mentorApplications, mentorCoordinators, mentorInterests, type ApplicationKind } from './mentoring.tables.ts';
import { notifyCoordinators } from '../notifications/notifications.service.ts';

export type Application = typeof mentorApplications.$inferSelect;
export type Interest = typeof mentorInterests.$inferSelect;

export async function isCoordinator(db: DatabaseLike, userId: string | undefined): Promise<boolean> {
  if (!userId) return false;
  return Boolean(await db.query.mentorCoordinators.findFirst({ where: eq(mentorCoordinators.userId, userId) }));
}

/** Whether the member coordinates the scheme now: only while the node runs it. */
export async function coordinatesScheme(db: DatabaseLike, userId: string | undefined): Promise<boolean> {
  return Boolean((await getSettings(db))?.mentorScheme) && (await isCoordinator(db, userId));
}

export function listCoordinators(db: DatabaseLike) {
  return db.select({ id: users.id, username: users.username, displayName: users.displayName }).from(mentorCoordinators).innerJoin(users, eq(users.id, mentorCoordinators.userId)).orderBy(asc(users.username));
}

export async function addCoordinator(db: DatabaseLike, username: string): Promise<{ ok: true } | Invalid> {
  const user = await db.query.users.findFirst({ where: and(sql`lower(${users.username}) = ${username.trim().toLowerCase()}`, eq(users.status, 'active')) });
  if (!user) return invalid('username', 'errors.group.noSuchMember');
  await db.insert(mentorCoordinators).values({ userId: user.id }).onConflictDoNothing();
  return { ok: true };
}

export async function removeCoordinator(db: DatabaseLike, userId: string): Promise<void> {
  await db.delete(mentorCoordinators).where(eq(mentorCoordinators.userId, userId));
}

export function listInterests(db: DatabaseLike): Promise<Interest[]> {
  return db.select().from(mentorInterests).orderBy(asc(mentorInterests.position), asc(mentorInterests.id));
}

export function interestName(interest: Interest, locale: string, fallback: string): string {
  const names = interest.names as Record<string, string | undefined>;
  return names[locale] || names[fallback] || Object.values(names).find(Boolean) || '';
}

const interestForm = z.object({ name: z.string().trim().min(1, 'errors.mentoring.interest').max(60, 'errors.mentoring.interest') });

/** An interest named in the admin's language (its names in the other languages on its own page). */
export async function addInterest(db: DatabaseLike, form: unknown, locale: string): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(interestForm, form);
  if (!parsed.ok) return parsed;
  const [last] = await db.select({ position: mentorInterests.position }).from(mentorInterests).orderBy(desc(mentorInterests.position)).limit(1);
  await db.insert(mentorInterests).values({ names: { [locale]: parsed.value.name }, position: (last?.position ?? -1) + 1 });
  return { ok: true };
}

const interestName60 = z.string().trim().max(60, 'errors.mentoring.interest').default('');
const interestNamesForm = z.object({ name_fi: interestName60, name_sv: interestName60, name_en: interestName60, name_da: interestName60 });

/** An interest's names, one for each language people may read it in (an empty one shows another's); at least one. */
export async function renameInterest(db: DatabaseLike, id: string, form: unknown, locale: Locale): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  const parsed = parseForm(interestNamesForm, form);
  if (!parsed.ok) return parsed;
  const names = Object.fromEntries(locales.flatMap((l) => (parsed.value[`name_${l}`] ? [[l, parsed.value[`name_${l}`]]] : [])));
  if (!Object.keys(names).length) return invalid(`name_${locale}`, 'errors.mentoring.interestNames');
  const renamed = await db.update(mentorInterests).set({ names }).where(eq(mentorInterests.id, id)).returning({ id: mentorInterests.id });
  return renamed.length ? { ok: true } : { ok: false, kind: 'refused' };
}

export async function removeInterest(db: DatabaseLike, id: string): Promise<void> {
  await db.delete(mentorInterests).where(eq(mentorInterests.id, id));
}

const applicationForm = z
  .object({
    kind: z.enum(['peer', 'mentor'], 'form.invalidField'),
    languages: list(z.enum(groupLanguages, 'errors.mentoring.language')).refine((chosen) => chosen.length > 0, 'errors.mentoring.language'),
    municipalityCode: z.preprocess((value) => (value === '' || value === undefined ? null : value), z.string().nullable()),
    remote: z.preprocess((value) => value === 'on', z.boolean()),
    interestIds: list(z.uuid('errors.mentoring.unknownInterest')),
    weekdays: list(z.coerce.number().int().min(1, 'errors.mentoring.weekdays').max(7, 'errors.mentoring.weekdays')).refine((chosen) => chosen.length > 0, 'errors.mentoring.weekdays'),
    note: z.string().trim().max(1000, 'errors.mentoring.note').default(''),
  })
  .superRefine((v, ctx) => {
    if (v.municipalityCode && !findMunicipality(v.municipalityCode)) ctx.addIssue({ code: 'custom', path: ['municipalityCode'], message: 'errors.group.municipality' });
    if (!v.municipalityCode && !v.remote) ctx.addIssue({ code: 'custom', path: ['municipalityCode'], message: 'errors.mentoring.place' });
  });

/** What an application says, checked as typed (interests against the node's list). */
async function parseApplication(db: DatabaseLike, form: unknown) {
  const parsed = parseForm(applicationForm, form);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const interestIds = [...new Set(v.interestIds)];
  if (interestIds.length) {
    const known = await db.select({ id: mentorInterests.id }).from(mentorInterests).where(inArray(mentorInterests.id, interestIds));
    if (known.length !== interestIds.length) return invalid('interestIds', 'errors.mentoring.unknownInterest');
  }
  return {
    ok: true as const,
    kind: v.kind,
    says: { languages: [...new Set(v.languages)], municipalityCode: v.municipalityCode, remote: v.remote, interestIds, weekdays: [...new Set(v.weekdays)].sort(), note: v.note },
  };
}

/** Applies as a peer or a mentor; one waiting application of each kind at a time. */
export async function apply(db: DatabaseLike, member: User, form: unknown): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused'; reason: 'alreadyWaiting' }> {
  const parsed = await parseApplication(db, form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    if (await waitingApplication(tx, member.id, parsed.kind)) return { ok: false as const, kind: 'refused' as const, reason: 'alreadyWaiting' as const };
    await tx.insert(mentorApplications).values({
      userId: member.id,
      kind: parsed.kind,
      // Training is the person's, not the application's: a mentor who comes back after a pair is still trained.
      trainedOn: parsed.kind === 'mentor' ? await trainedOn(tx, member.id) : null,
      ...parsed.says,
    });
    // Intake is continuous: the coordinators hear that someone waits (one notice until they look).
    await notifyCoordinators(tx, member.id, null, 'application_new');
    return { ok: true as const };
  });
}

/** The applicant changes what their waiting application says; it keeps its place in the list. */
export async function changeApplication(db: DatabaseLike, member: User, kind: ApplicationKind, form: unknown): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused' }> {
  const parsed = await parseApplication(db, { ...(form as Record<string, unknown>), kind });
  if (!parsed.ok) return parsed;
  const changed = await db
    .update(mentorApplications)
    .set(parsed.says)
    .where(and(eq(mentorApplications.userId, member.id), eq(mentorApplications.kind, kind), eq(mentorApplications.status, 'waiting')))
    .returning({ id: mentorApplications.id });
  return changed.length ? { ok: true } : { ok: false, kind: 'refused' };
}

async function trainedOn(db: DatabaseLike, userId: string): Promise<string | null> {
  const [latest] = await db
    .select({ on: mentorApplications.trainedOn })
    .from(mentorApplications)
    .where(and(eq(mentorApplications.userId, userId), eq(mentorApplications.kind, 'mentor'), isNotNull(mentorApplications.trainedOn)))
    .orderBy(desc(mentorApplications.trainedOn))
    .limit(1);
  return latest?.on ?? null;
}

function waitingApplication(db: DatabaseLike, userId: string, kind: ApplicationKind) {
  return db.query.mentorApplications.findFirst({ where: and(eq(mentorApplications.userId, userId), eq(mentorApplications.kind, kind), eq(mentorApplications.status, 'waiting')) });
}

export async function withdraw(db: DatabaseLike, member: User, kind: ApplicationKind): Promise<void> {
  await db
    .update(mentorApplications)
    .set({ status: 'withdrawn' })
    .where(and(eq(mentorApplications.userId, member.id), eq(mentorApplications.kind, kind), eq(mentorApplications.status, 'waiting')));
}

/** How long matching has taken, from the latest matches of this kind: the middle value in days, when there are at least three. */
async function usualWaitDays(db: DatabaseLike, kind: ApplicationKind): Promise<number | null> {
  const rows = await db
    .select({ days: sql<number>`extract(epoch from (${mentorApplications.matchedAt} - ${mentorApplications.createdAt})) / 86400` })
    .from(mentorApplications)
    .where(and(eq(mentorApplications.kind, kind), isNotNull(mentorApplications.matchedAt)))
    .orderBy(desc(mentorApplications.matchedAt))
    .limit(20);
  if (rows.length < 3) return null;
  const days = rows.map((row) => Number(row.days)).sort((a, b) => a - b);
  return Math.round(days[Math.floor(days.length / 2)]!);
}

/** The member's waiting applications, each with its place in its list and the usual wait. */
export async function myApplications(db: DatabaseLike, member: User) {
  const mine = await db.select().from(mentorApplications).where(and(eq(mentorApplications.userId, member.id), eq(mentorApplications.status, 'waiting')));
  const result = [];
  for (const application of mine) {
    const [ahead] = await db
      .select({ n: count() })
      .from(mentorApplications)
      .where(and(eq(mentorApplications.kind, application.kind), eq(mentorApplications.status, 'waiting'), lt(mentorApplications.createdAt, application.createdAt)));
    result.push({ ...application, place: (ahead?.n ?? 0) + 1, usualWaitDays: await usualWaitDays(db, application.kind) });
  }
  return result;
}

/** The waiting lists, oldest first, with who applied: for coordinators only. */
export async function waitingLists(db: DatabaseLike) {
  const rows = await db
    .select({ application: mentorApplications, username: users.username, displayName: users.displayName })
    .from(mentorApplications)
    .innerJoin(users, eq(users.id, mentorApplications.userId))
    .where(and(eq(mentorApplications.status, 'waiting'), eq(users.status, 'active')))
    .orderBy(asc(mentorApplications.createdAt));
  return { peers: rows.filter((row) => row.application.kind === 'peer'), mentors: rows.filter((row) => row.application.kind === 'mentor') };
}

const trainingForm = z.object({
  trainedOn: z
    .string('errors.figures.date')
    .refine(realDate, 'errors.figures.date')
    // A course is recorded once it is done, not ahead of it.
    .refine((day) => day <= new Date().toISOString().slice(0, 10), 'errors.mentoring.trainingAhead'),
});

/** A coordinator records that a mentor completed the training. */
export async function recordTraining(db: DatabaseLike, applicationId: string, form: unknown): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(trainingForm, form);
  if (!parsed.ok) return parsed;
  await db
    .update(mentorApplications)
    .set({ trainedOn: parsed.value.trainedOn })
    .where(and(eq(mentorApplications.id, applicationId), eq(mentorApplications.kind, 'mentor')));
  return { ok: true };
}

const trainingGroupForm = z.object({ groupId: z.union([z.literal(''), z.uuid('errors.mentoring.trainingGroup')], 'errors.mentoring.trainingGroup') });

/** An admin names the group where the training course is held (one of ours), or none. */
export async function setTrainingGroup(db: DatabaseLike, form: unknown): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(trainingGroupForm, form);
  if (!parsed.ok) return parsed;
  const groupId = parsed.value.groupId || null;
  if (groupId && !(await db.query.groups.findFirst({ where: and(eq(groups.id, groupId), isNull(groups.origin)) }))) return invalid('groupId', 'errors.mentoring.trainingGroup');
  await writeSettings(db, { mentorTrainingGroupId: groupId });
  return { ok: true };
}

/** Which of these people are in the training course's group (accepted), to show the coordinators who has started. */
export async function inTrainingGroup(db: DatabaseLike, groupId: string | null | undefined, userIds: string[]): Promise<Set<string>> {
  if (!groupId || !userIds.length) return new Set();
  const rows = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.status, 'accepted'), inArray(groupMembers.userId, userIds)));
  return new Set(rows.map((row) => row.userId));
}

export type Fit = { languages: string[]; samePlace: boolean; bothOnline: boolean; interestIds: string[]; weekdays: number[] };

/** What a mentee and a mentor share: languages, the municipality or meeting online, interests and days. */
export function fitOf(peer: Application, mentor: Application): Fit {
  return {
    languages: peer.languages.filter((language) => mentor.languages.includes(language)),
    samePlace: Boolean(peer.municipalityCode) && peer.municipalityCode === mentor.municipalityCode,
    bothOnline: peer.remote && mentor.remote,
    interestIds: peer.interestIds.filter((id) => mentor.interestIds.includes(id)),
    weekdays: peer.weekdays.filter((day) => mentor.weekdays.includes(day)),
  };
}

/**
 * The trained mentors a mentee could meet: a shared language, a place (the same municipality, or
 * both online) and a shared day are needed; interests shared put a mentor higher.
 */
export function fittingMentors<M extends { application: Application }>(peer: Application, mentors: M[]): (M & { fit: Fit })[] {
  return mentors
    .filter((mentor) => mentor.application.trainedOn && mentor.application.userId !== peer.userId)
    .map((mentor) => ({ ...mentor, fit: fitOf(peer, mentor.application) }))
    .filter(({ fit }) => fit.languages.length > 0 && (fit.samePlace || fit.bothOnline) && fit.weekdays.length > 0)
    .sort((a, b) => b.fit.interestIds.length + b.fit.weekdays.length - (a.fit.interestIds.length + a.fit.weekdays.length));
}
