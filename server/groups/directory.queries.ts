// The group directory: every filter, the order by next meeting and the paging happen in SQL,
// over each group's stored meeting summary (groups.service.ts keeps it current).
import { and, asc, count, eq, gte, ilike, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { audiences, groupKinds, groupLanguages, groupMembers, groups, joinPolicies } from './groups.tables.ts';
import { refreshPassedMeetings, type Group } from './groups.service.ts';
import { municipalities, municipalitiesIn } from './municipalities.ts';
import { allConfigs, parseSearch, prefixesOf, searchQuery } from '../markup/search-text.ts';

export const groupsPerPage = 20;

/** A value the form could not have sent (a stale or hand-edited link) reads as "any". */
const choice = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const filterSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  region: choice(z.string().regex(/^\d{2}$/)),
  municipality: choice(z.string().regex(/^\d{3}$/)),
  kind: choice(z.enum(groupKinds)),
  topic: choice(z.uuid()),
  language: choice(z.enum(groupLanguages)),
  audience: choice(z.enum(audiences)),
  weekday: choice(z.coerce.number().int().min(1).max(7)),
  mode: choice(z.enum(['in_person', 'remote'])),
  policy: choice(z.enum(joinPolicies)),
});
export type Filters = z.infer<typeof filterSchema>;

export function parseFilters(query: unknown): Filters {
  const raw = typeof query === 'object' && query ? Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string' && v !== '')) : {};
  return filterSchema.parse(raw);
}

/** The filters as a query string, to keep them in pager links and share a filtered list. */
export function filterQuery(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}

function likePattern(words: string): string {
  return `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The municipalities a word names, in Finnish or Swedish, whole, begun ("tampe") or inflected ("Tampereella"). */
function placesNamed(word: string): string[] {
  const named = (name: string) => name.startsWith(word) || prefixesOf(name).some((prefix) => word.startsWith(prefix));
  return municipalities.filter((m) => named(m.fi.toLocaleLowerCase('fi')) || named(m.sv.toLocaleLowerCase('sv'))).map((m) => m.code);
}

/**
 * `confirmedSince`: a partner node's listing is shown only while its node has confirmed it since
 * then (a partner that has been down too long may list groups that no longer meet).
 */
function conditions(filters: Filters, confirmedSince: Date): SQL | undefined {
  const where: (SQL | undefined)[] = [ne(groups.status, 'ended'), or(isNull(groups.origin), gte(groups.confirmedAt, confirmedSince))];
  if (filters.municipality) where.push(eq(groups.municipalityCode, filters.municipality));
  else if (filters.region) {
    const codes = municipalitiesIn(filters.region).map((m) => m.code);
    where.push(codes.length ? inArray(groups.municipalityCode, codes) : sql`false`);
  }
  if (filters.kind) where.push(eq(groups.kind, filters.kind));
  if (filters.topic) where.push(sql`${filters.topic}::uuid = any(${groups.topicIds})`);
  if (filters.language) where.push(sql`${filters.language} = any(${groups.languages})`);
  if (filters.audience) where.push(sql`${filters.audience} = any(${groups.audiences})`);
  if (filters.weekday) where.push(sql`${filters.weekday}::int = any(${groups.meetingWeekdays})`);
  if (filters.mode === 'in_person') where.push(eq(groups.inPerson, true));
  if (filters.mode === 'remote') where.push(eq(groups.remote, true));
  if (filters.policy) where.push(eq(groups.joinPolicy, filters.policy));
  if (filters.q) {
    // Every word must be found somewhere: in the text (by stem, beginning or as part of a compound
    // word: "tuki" in "vertaistukiryhmä"), or as the place where the group meets ("Tampereella",
    // "Tammerfors").
    const { words, phrases, excluded } = parseSearch(filters.q);
    for (const word of [...words, ...phrases.flatMap((phrase) => parseSearch(phrase).words)]) {
      const pattern = likePattern(word);
      const places = placesNamed(word);
      where.push(
        or(
          // A stop word ("ja", "och") is no condition at all.
          sql`coalesce(${groups.search} @@ ${searchQuery(word, allConfigs)}, true)`,
          ...[groups.name, groups.summary, groups.description, groups.address].map((column) => ilike(column, pattern)),
          places.length ? inArray(groups.municipalityCode, places) : undefined,
        ),
      );
    }
    for (const word of excluded) where.push(sql`not coalesce(${groups.search} @@ ${searchQuery(word, allConfigs)}, false)`);
  }
  return and(...where);
}

export type DirectoryEntry = { group: Group; next: { start: Date; end: Date } | undefined; full: boolean };

/** One page of the directory, soonest next meeting first (groups without one last, by name). */
export async function directory(db: Db, filters: Filters, page: number, confirmedSince: Date, now = new Date()) {
  await refreshPassedMeetings(db, now);
  const where = conditions(filters, confirmedSince);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(groups)
      .where(where)
      .orderBy(sql`${groups.nextMeetingAt} asc nulls last`, asc(groups.name), asc(groups.id))
      .limit(groupsPerPage)
      .offset((page - 1) * groupsPerPage),
    db.select({ n: count() }).from(groups).where(where),
  ]);
  const ids = rows.filter((g) => g.capacity !== null).map((g) => g.id);
  const counts = ids.length
    ? await db
        .select({ groupId: groupMembers.groupId, n: count() })
        .from(groupMembers)
        .where(and(inArray(groupMembers.groupId, ids), eq(groupMembers.status, 'accepted'), eq(groupMembers.role, 'participant')))
        .groupBy(groupMembers.groupId)
    : [];
  const participants = new Map(counts.map((c) => [c.groupId, c.n]));
  const entries = rows.map(
    (group): DirectoryEntry => ({
      group,
      next: group.nextMeetingAt && group.nextMeetingEndsAt ? { start: group.nextMeetingAt, end: group.nextMeetingEndsAt } : undefined,
      full: group.capacity !== null && (participants.get(group.id) ?? 0) >= group.capacity,
    }),
  );
  const n = total?.n ?? 0;
  return { entries, total: n, pages: Math.max(1, Math.ceil(n / groupsPerPage)) };
}
