import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { addChange, addFacilitator } from '../../server/groups/groups.service.ts';
import { join, leave } from '../../server/groups/membership.service.ts';
import { groupMembers, groupParticipations, meetingAttendance } from '../../server/groups/groups.tables.ts';
import { mentorApplications, mentorPairMeetings, mentorPairs } from '../../server/mentoring/mentoring.tables.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import type { Group } from '../../server/groups/groups.service.ts';

/**
 * March 2026, counted by hand:
 * - Tiistai (weekly on Tuesdays from 6 Jan): 3, 10, 17, 24 and 31 March, less the cancelled 10th,
 *   plus a one-off on the 20th: 5 meetings. Participants in March: p1 (since January), p2 (from
 *   5 March), p4 (15–20 March) and p6–p10 (since 1 January): 8, of whom 2 new. p3 (February only)
 *   and p5 (from April) do not count. One peer leader.
 * - Keskiviikko (first Wednesday monthly from 7 Jan): 4 March, 1 meeting; 3 participants since
 *   January, none new.
 * - "I'm coming" in March: Tiistai 17th six people, 24th p1 and p2 again (8 marks, 6 people);
 *   Keskiviikko 4th p1 and two of its own (3 marks, 3 people); 8 people in all. A waiting mark and
 *   an April mark do not count.
 */
describe('the association’s figures for a period, as a funder’s report', () => {
  let node: SetUpTestNode;
  const db = () => node.database.db;
  const period = 'from=2026-03-01&to=2026-03-31';
  const people: User[] = [];

  const stretch = async (group: Group, person: User, startedOn: string, endedOn: string | null = null) => {
    assert.equal((await join(db(), person, group)).ok, true);
    if (endedOn) assert.equal((await leave(db(), person, group)).ok, true);
    const row = await db().query.groupMembers.findFirst({ where: (m, { and, eq }) => and(eq(m.groupId, group.id), eq(m.userId, person.id)) });
    const id = row?.participationId ?? (await db().select().from(groupParticipations).where(eq(groupParticipations.groupId, group.id))).find((p) => p.endedOn && !p.startedOn.startsWith('2026-0'))!.id;
    await db().update(groupParticipations).set({ startedOn, endedOn }).where(eq(groupParticipations.id, id));
  };
  const marks = (group: Group, on: string, who: User[], status: 'coming' | 'waiting' = 'coming') =>
    db().insert(meetingAttendance).values(who.map((person) => ({ groupId: group.id, on, userId: person.id, status })));

  before(async () => {
    node = await startSetUpNode({ people: [['valvoja', 'moderator']] });
    for (let i = 1; i <= 13; i++) people.push(await makeUser(db(), `osallistuja${i}`));
    const [p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, k1, k2, k3] = people as [User, User, User, User, User, User, User, User, User, User, User, User, User];
    const leader = await makeUser(db(), 'ohjaaja');
    const tuesday = await makeGroup(db(), { name: 'Tiistai', slug: 'tiistai' });
    const wednesday = await makeGroup(db(), { name: 'Keskiviikko', slug: 'keskiviikko', frequency: 'monthly', weekday: '3', monthWeek: '1', startsOn: '2026-01-07', startTime: '17:00' });
    await makeGroup(db(), { name: 'Alkaa myöhemmin', slug: 'myohemmin', startsOn: '2026-09-01' });
    await addChange(db(), tuesday.id, { kind: 'cancelled', on: '2026-03-10', note: '' }, leader.id);
    await addChange(db(), tuesday.id, { kind: 'extra', on: '2026-03-20', startTime: '12:00', note: '' }, leader.id);
    await addFacilitator(db(), tuesday.id, 'ohjaaja');
    await db().update(groupParticipations).set({ startedOn: '2026-01-01' }).where(eq(groupParticipations.groupId, tuesday.id));
    await stretch(tuesday, p1, '2026-01-10');
    await stretch(tuesday, p2, '2026-03-05');
    await stretch(tuesday, p3, '2026-02-01', '2026-02-20');
    await stretch(tuesday, p4, '2026-03-15', '2026-03-20');
    await stretch(tuesday, p5, '2026-04-02');
    for (const person of [p6, p7, p8, p9, p10]) await stretch(tuesday, person, '2026-01-01');
    for (const person of [k1, k2, k3]) await stretch(wednesday, person, '2026-01-07');
    await marks(tuesday, '2026-03-17', [p1, p2, p6, p7, p8, p9]);
    await marks(tuesday, '2026-03-24', [p1, p2]);
    await marks(tuesday, '2026-03-24', [p10], 'waiting');
    await marks(tuesday, '2026-04-07', [p6]);
    await marks(wednesday, '2026-03-04', [p1, k1, k2]);

    // Mentor pairs, by start, planned end and (if ended early) the day it ended.
    const pair = async (startsOn: string | null, endsOn: string | null, endedOn: string | null = null, logged: string[] = []) => {
      const [peer] = await db().insert(mentorApplications).values({ userId: p1.id, kind: 'peer', status: 'matched' }).returning();
      const [mentor] = await db().insert(mentorApplications).values({ userId: k1.id, kind: 'mentor', status: 'matched', trainedOn: '2025-01-01' }).returning();
      const [made] = await db()
        .insert(mentorPairs)
        .values({ peerApplicationId: peer!.id, mentorApplicationId: mentor!.id, status: startsOn ? (endedOn ? 'ended' : 'active') : 'proposed', startsOn, endsOn, endedOn })
        .returning();
      if (logged.length) await db().insert(mentorPairMeetings).values(logged.map((on) => ({ pairId: made!.id, on, activity: 'leisure' as const })));
    };
    await pair('2026-01-10', '2026-07-10', null, ['2026-02-20', '2026-03-03', '2026-03-17']);
    for (const day of ['02', '05', '09', '20', '31']) await pair(`2026-03-${day}`, `2026-09-${day === '31' ? '30' : day}`, null, day === '05' ? ['2026-03-12', '2026-03-26'] : []);
    await pair('2026-02-01', '2026-08-01', '2026-03-15', ['2026-03-01', '2026-03-08']);
    await pair('2025-09-01', '2026-03-01', null, ['2026-03-01']);
    await pair('2026-04-02', '2026-10-02', null, ['2026-04-09']);
    await pair(null, null);
  });
  after(() => node.close());

  it('counts meetings, people and marks per group and in total, hiding small counts of people and what would give them away', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const page = await admin.get(`/admin/figures?${period}`);
    assert.equal(page.status, 200);
    const rows = page.$('table.figures tr').map((_, tr) => [page.$(tr).find('th, td').map((__, cell) => page.$(cell).text().trim()).get()]).get() as string[][];
    assert.deepEqual(rows.slice(1), [
      ['Keskiviikko', '1', '0', 'fewer than 5', '0', 'fewer than 5', '3'],
      // Keskiviikko's 3 is hidden, so Tiistai's 8 and 6 are withheld too: 11 less 8 would tell it.
      ['Tiistai', '5', '1', 'not shown', 'fewer than 5', 'not shown', '8'],
      ['Total', '6', '1', '11', 'fewer than 5', '8', '11'],
    ]);
    assert.doesNotMatch(page.html, /Alkaa myöhemmin/, 'a group with nothing in the period has no row');
    // Pairs in March: started on the 2nd, 5th, 9th, 20th and 31st (5); running at some time: those,
    // the one from January, the one ended early on the 15th and the one whose time ended on the 1st
    // (8); ended: those two (fewer than 5); logged meetings on 3, 17, 12, 26, 1, 8 and 1 March (7).
    assert.deepEqual(
      page.$('.pair-figures dd').map((_, dd) => page.$(dd).text().trim()).get(),
      ['5', '8', 'fewer than 5', '7'],
    );
    assert.doesNotMatch(page.html, /osallistuja/, 'nobody is named');

    const csv = await admin.request(`/admin/figures.csv?${period}`);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /figures-2026-03-01-2026-03-31\.csv/);
    const parsed = parse(csv.html, { relax_column_count: true }) as string[][];
    assert.deepEqual(parsed[0], ['Group', 'Meetings held', 'Peer leaders', 'Participants', 'New participants', 'People who said they were coming', '"I\'m coming" marks']);
    assert.deepEqual(parsed.slice(1, rows.length), rows.slice(1));
    assert.deepEqual(parsed.slice(rows.length + 1, rows.length + 6), [['Peer-mentor scheme'], ['Pairs started', '5'], ['Pairs running at some time in the period', '8'], ['Pairs whose time ended', 'fewer than 5'], ['Meetings the pairs logged', '7']]);
  });

  it('takes a lower threshold (never below 3), and then shows what it may', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const refused = await admin.submit('/admin/figures', { smallNumberThreshold: '2' }, '/admin/figures/threshold');
    assert.equal(refused.status, 422);
    assert.match(errorsOf(refused), /whole number from 3 to 50/);
    assert.equal(refused.$('#field-smallNumberThreshold').val(), '2', 'the typed number comes back');
    await admin.submit('/admin/figures', { smallNumberThreshold: '3' }, '/admin/figures/threshold');
    const page = await admin.get(`/admin/figures?${period}`);
    assert.deepEqual(page.$('table.figures tbody tr').first().find('td').map((_, td) => page.$(td).text().trim()).get(), ['1', '0', '3', '0', '3', '3']);
    assert.equal(page.$('table.figures tbody tr').last().find('td').eq(3).text().trim(), 'fewer than 3');
    await admin.submit('/admin/figures', { smallNumberThreshold: '5' }, '/admin/figures/threshold');
  });

  it('refuses a period that ends before it starts, with the dates filled back, and is for admins only', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const wrong = await admin.get('/admin/figures?from=2026-03-31&to=2026-03-01');
    assert.equal(wrong.status, 422);
    assert.match(errorsOf(wrong), /The end is before the start/);
    assert.equal(wrong.$('#field-from').val(), '2026-03-31');
    assert.equal(wrong.$('table.figures').length, 0);
    assert.equal((await admin.get('/admin/figures?from=2026-02-30&to=2026-03-01')).status, 422);

    const moderator = await signedIn(node.url, 'valvoja');
    assert.equal((await moderator.get(`/admin/figures?${period}`)).status, 403);
    assert.equal((await moderator.request(`/admin/figures.csv?${period}`)).status, 403);
    const member = await signedIn(node.url, 'osallistuja1');
    assert.equal((await member.request(`/admin/figures.csv?${period}`)).status, 403);
  });

  it('keeps a nameless stretch when someone leaves or deletes their account', async () => {
    const tuesday = (await db().query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'tiistai') }))!;
    const before = (await db().select().from(groupParticipations).where(eq(groupParticipations.groupId, tuesday.id))).length;
    const p6 = people[5]!;
    assert.equal((await leave(db(), p6, tuesday)).ok, true);
    const after = await db().select().from(groupParticipations).where(eq(groupParticipations.groupId, tuesday.id));
    assert.equal(after.length, before, 'the stretch stays');
    assert.equal(after.filter((p) => p.endedOn === null).length, after.length - 3, 'p3, p4 and now p6 ended');
    assert.equal((await db().select().from(groupMembers).where(eq(groupMembers.userId, p6.id))).length, 0);
  });
});
