import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { groupMembers, meetingAttendance } from '../../server/groups/groups.tables.ts';
import { notifications } from '../../server/notifications/notifications.tables.ts';
import type { Group } from '../../server/groups/groups.service.ts';

describe("groups: \"I'm coming\" to a meeting, places and the waiting list", () => {
  let node: SetUpTestNode;
  let open: Group;
  let closed: Group;
  const db = () => node.database.db;
  const person = (name: string) => node.people[name]!;
  const marks = async (group: Group, on: string) =>
    Object.fromEntries(
      (await db().select().from(meetingAttendance).where(and(eq(meetingAttendance.groupId, group.id), eq(meetingAttendance.on, on)))).map((row) => [
        Object.entries(node.people).find(([, user]) => user.id === row.userId)![0],
        row.status,
      ]),
    );
  const noticesOf = async (name: string) => (await db().select().from(notifications).where(eq(notifications.userId, person(name).id))).map((n) => `${n.kind} ${n.meetingOn}`);
  /** The first meeting listed on the group's page, as the page names it. */
  const firstMeeting = async (client: Client, slug: string) => (await client.get(`/groups/${slug}`)).$('.meeting-list > li').first().attr('id')!.replace('meeting-', '');
  const mark = (client: Client, slug: string, on: string, coming: 'yes' | 'no' | string) => client.submit(`/groups/${slug}`, { coming }, `/groups/${slug}/meetings/${on}/coming`);

  before(async () => {
    node = await startSetUpNode({ people: ['oona', 'aino', 'bea', 'cecilia', 'outsider'] });
    open = await makeGroup(db(), { name: 'Kävely', slug: 'kavely', meetingCapacity: '2' }, [person('oona')]);
    closed = await makeGroup(db(), { name: 'Suljettu', slug: 'suljettu', joinPolicy: 'closed' }, [person('oona')]);
    await db().insert(groupMembers).values({ groupId: closed.id, userId: person('aino').id, role: 'participant', status: 'accepted', feedToken: 'token-aino' });
  });
  after(() => node.close());

  it('counts those coming, keeps a waiting list past the places, and moves the first up with a notice when someone cancels', async () => {
    const visitor = new Client(node.url);
    const on = await firstMeeting(visitor, 'kavely');
    assert.match(on, /^\d{4}-\d{2}-\d{2}$/);
    const seen = await visitor.get('/groups/kavely');
    assert.match(seen.$(`#meeting-${on} .meta`).text(), /0 coming \/ 2 places/);
    assert.equal(seen.$(`#meeting-${on} form`).length, 0, 'a visitor has no button');
    const tried = await visitor.post(`/groups/kavely/meetings/${on}/coming`, { coming: 'yes' });
    assert.equal(tried.status, 403, 'a visitor cannot mark');

    const aino = await signedIn(node.url, 'aino');
    const bea = await signedIn(node.url, 'bea');
    const cecilia = await signedIn(node.url, 'cecilia');
    assert.match((await mark(aino, 'kavely', on, 'yes')).$('.notice').text(), /You are marked as coming/);
    await mark(bea, 'kavely', on, 'yes');
    const waiting = await mark(cecilia, 'kavely', on, 'yes');
    assert.match(waiting.$('.notice').text(), /The meeting is full, so you are on the waiting list/);
    assert.match(waiting.$(`#meeting-${on}`).text(), /You are number 1 on the waiting list/);
    assert.match(waiting.$(`#meeting-${on} .meta`).text(), /2 coming \/ 2 places · 1 waiting for a place/);
    assert.deepEqual(await marks(open, on), { aino: 'coming', bea: 'coming', cecilia: 'waiting' });
    await mark(aino, 'kavely', on, 'yes');
    assert.deepEqual(await marks(open, on), { aino: 'coming', bea: 'coming', cecilia: 'waiting' }, 'marking twice changes nothing');

    // Names are for the peer leader only.
    const oona = await signedIn(node.url, 'oona');
    const leaderView = (await oona.get('/groups/kavely')).$(`#meeting-${on} .coming-names`).text();
    assert.match(leaderView, /aino[\s\S]*bea[\s\S]*Waiting for a place[\s\S]*cecilia/);
    assert.equal((await bea.get('/groups/kavely')).$(`#meeting-${on} .coming-names`).length, 0);

    assert.match((await mark(aino, 'kavely', on, 'no')).$('.notice').text(), /Your mark is taken back/);
    assert.deepEqual(await marks(open, on), { bea: 'coming', cecilia: 'coming' });
    assert.deepEqual(await noticesOf('cecilia'), [`meeting_place ${on}`]);
    const list = await cecilia.get('/notifications');
    assert.match(list.$('.notification-list').text(), /A place opened for you: Kävely, \w{3} \d+ \w{3}/);
    assert.equal(list.$('.notification-list a').attr('href')!.startsWith('/notifications/'), true);
    const opened = await cecilia.request(list.$('.notification-list a').attr('href')!);
    assert.equal(opened.headers.get('location'), `/groups/kavely#meeting-${on}`);
  });

  it('tells those coming and waiting when the meeting is cancelled, and their marks go', async () => {
    const on = await firstMeeting(new Client(node.url), 'kavely');
    const aino = await signedIn(node.url, 'aino');
    await mark(aino, 'kavely', on, 'yes');
    assert.deepEqual(await marks(open, on), { bea: 'coming', cecilia: 'coming', aino: 'waiting' });
    const oona = await signedIn(node.url, 'oona');
    await oona.submit('/groups/kavely/meetings', { kind: 'cancelled', on, note: 'Sairastuin' });
    assert.deepEqual(await marks(open, on), {});
    for (const name of ['aino', 'bea', 'cecilia']) assert.ok((await noticesOf(name)).includes(`meeting_cancelled ${on}`), name);
    assert.match((await aino.get('/notifications')).$('.notification-list').text(), /Cancelled: the meeting of Kävely on/);
    const late = await mark(aino, 'kavely', on, 'yes');
    assert.match(late.$('.notice').text(), /no longer coming up/);
    assert.deepEqual(await marks(open, on), {}, 'a cancelled meeting takes no marks');
  });

  it("keeps a closed group's meetings to its people, and refuses what no page sends", async () => {
    const on = await firstMeeting(new Client(node.url), 'suljettu');
    const outsider = await signedIn(node.url, 'outsider');
    const page = await outsider.get('/groups/suljettu');
    assert.equal(page.$(`#meeting-${on} .meta`).length, 0, 'no count for outsiders');
    assert.equal(page.$(`#meeting-${on} form`).length, 0);
    const token = page.$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await outsider.post(`/groups/suljettu/meetings/${on}/coming`, { _csrf: token, coming: 'yes' })).status, 404);

    const aino = await signedIn(node.url, 'aino');
    await mark(aino, 'suljettu', on, 'yes');
    assert.deepEqual(await marks(closed, on), { aino: 'coming' });
    assert.match((await aino.get('/groups/suljettu')).$(`#meeting-${on} .meta`).text(), /1 coming/);
    assert.equal((await mark(aino, 'suljettu', on, 'maybe')).status, 400);
    const notMeeting = await mark(aino, 'suljettu', '2026-12-31', 'yes');
    assert.match(notMeeting.$('.notice').text(), /no longer coming up/);
    assert.deepEqual(await marks(closed, new Date('2026-12-31').toISOString().slice(0, 10)), {});

    // Leaving the group takes the marks for meetings to come with it.
    await aino.submit('/groups/suljettu/leave', {});
    assert.deepEqual(await marks(closed, on), {});
  });
});
