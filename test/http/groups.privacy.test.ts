import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { makeThread } from '../support/forums.ts';
import { spaceOf, type Group } from '../../server/groups/groups.service.ts';
import { ask, answer } from '../../server/groups/membership.service.ts';
import type { User } from '../../server/accounts/accounts.service.ts';

// Words that only the closed group's own people may ever see.
const address = 'Salaisenpolku 7 B';
const videoUrl = 'https://video.example/huone-kuusi';
const spaceTitle = 'Ryhmän oma luottamuksellinen keskustelu';
const spaceBody = 'Kerroin ryhmälle lapsuudestani';

describe('groups: a closed group keeps its place, space and people to itself', () => {
  let node: SetUpTestNode;
  let closed: Group;
  let threadId: string;
  let spaceSlug: string;
  let feedToken: string;
  let participant: User;

  before(async () => {
    node = await startSetUpNode({ people: ['ohjaaja_oona', 'toinen_ohjaaja', 'ryhmalainen', 'ulkopuolinen', 'kysyja'] });
    const db = node.database.db;
    const oona = node.people.ohjaaja_oona!;
    const otherLeader = node.people.toinen_ohjaaja!;
    participant = node.people.ryhmalainen!;
    const asker = node.people.kysyja!;
    closed = await makeGroup(db, { name: 'Suljettu toipujien ryhmä', slug: 'suljettu', joinPolicy: 'closed', address, remote: 'on', videoUrl }, [oona]);
    await makeGroup(db, { name: 'Toinen ryhmä', slug: 'toinen' }, [otherLeader]);
    assert.ok((await ask(db, participant, closed, { message: 'Haluaisin mukaan' })).ok);
    assert.ok((await answer(db, oona, closed, participant.id, true, { reply: '' })).ok);
    assert.ok((await ask(db, asker, closed, { message: 'Yksityinen viestini ohjaajalle' })).ok);
    const space = await spaceOf(db, closed.id);
    spaceSlug = space!.slug;
    const thread = await makeThread(db, participant, { ...space!, inGroup: true }, spaceTitle, spaceBody);
    threadId = thread.id;
    const row = await db.query.groupMembers.findFirst({ where: (m, { and, eq }) => and(eq(m.groupId, closed.id), eq(m.userId, participant.id)) });
    feedToken = row!.feedToken;
  });
  after(() => node.close());

  const secrets = [address, videoUrl, spaceTitle, spaceBody, 'Yksityinen viestini ohjaajalle', 'kysyja', 'ryhmalainen'];
  const leaks = (text: string) => secrets.filter((words) => text.includes(words));
  const paths = () => [
    '/groups',
    '/groups?q=toipujien',
    '/groups/suljettu',
    '/groups/suljettu/calendar.ics',
    `/groups/suljettu/calendar/${'x'.repeat(32)}.ics`,
    '/groups/suljettu/space',
    '/groups/suljettu/requests',
    '/groups/suljettu/edit',
    `/forums/${spaceSlug}`,
    `/forums/${spaceSlug}/feed.atom`,
    `/threads/${threadId}`,
    `/search?q=${encodeURIComponent('luottamuksellinen')}`,
    `/search?q=lapsuudestani&forum=${spaceSlug}`,
    '/forums',
    '/notifications',
  ];

  for (const who of ['a visitor', 'another member', "another group's peer leader", 'someone who asked but is not accepted']) {
    it(`shows none of it to ${who}, by URL guessing too`, async () => {
      const client =
        who === 'a visitor'
          ? new Client(node.url)
          : await signedIn(node.url, { 'another member': 'ulkopuolinen', "another group's peer leader": 'toinen_ohjaaja', 'someone who asked but is not accepted': 'kysyja' }[who]!);
      for (const path of paths()) {
        const page = await client.get(path);
        // The asker may see their own message on the group page; nothing else.
        const found = leaks(page.html).filter((w) => !(who.startsWith('someone') && (w === 'kysyja' || w === 'Yksityinen viestini ohjaajalle')));
        assert.deepEqual(found, [], `${path} shows ${found.join(', ')} to ${who}`);
      }
      for (const path of [`/forums/${spaceSlug}`, `/threads/${threadId}`, '/groups/suljettu/calendar/wrong-token.ics']) {
        assert.equal((await client.get(path)).status, 404, `${path} answers 404 to ${who}`);
      }
      const requests = await client.get('/groups/suljettu/requests');
      assert.ok([403, 200].includes(requests.status));
      if (who !== 'a visitor') assert.equal(requests.status, 403);
    });
  }

  it('the public calendar feed has the meetings but not the place', async () => {
    const feed = await new Client(node.url).get('/groups/suljettu/calendar.ics');
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type') ?? '', /text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(feed.html)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    assert.ok(events.length > 0);
    for (const event of events) {
      assert.equal(event.location, null);
      assert.doesNotMatch(feed.html, /Salaisenpolku|video\.example/);
    }
  });

  it('shows the place, the space and the private feed to an accepted participant', async () => {
    const member = await signedIn(node.url, 'ryhmalainen');
    const page = await member.get('/groups/suljettu');
    assert.ok(page.html.includes(address));
    assert.ok(page.html.includes(videoUrl));
    assert.equal(page.$(`a[href="/forums/${spaceSlug}"]`).length, 1);
    const space = await member.get('/groups/suljettu/space');
    assert.equal(space.status, 200);
    assert.ok(space.html.includes(spaceTitle));
    assert.ok((await member.get(`/threads/${threadId}`)).html.includes(spaceBody));
    const found = await member.get('/search?q=luottamuksellinen');
    assert.ok(found.html.includes(spaceTitle));
    const feedLink = page.$('a[href$=".ics"]').last().attr('href')!;
    assert.equal(feedLink, `/groups/suljettu/calendar/${feedToken}.ics`);
    const feed = await new Client(node.url).get(feedLink);
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(feed.html)).getFirstSubcomponent('vevent')!);
    assert.match(event.location ?? '', /Salaisenpolku 7 B, Tampere/);
  });

  it('the facilitator sees the people and the requests; an admin sees the space', async () => {
    const leader = await signedIn(node.url, 'ohjaaja_oona');
    const requests = await leader.get('/groups/suljettu/requests');
    assert.equal(requests.status, 200);
    assert.ok(requests.html.includes('kysyja'));
    assert.ok(requests.html.includes('Yksityinen viestini ohjaajalle'));
    assert.ok(requests.html.includes('ryhmalainen'));
    const admin = await signedIn(node.url, 'admin_anna');
    assert.ok((await admin.get(`/threads/${threadId}`)).html.includes(spaceBody));
  });

  it('a moderator is not let into the space: what is said in the group stays in the group', async () => {
    await makeUser(node.database.db, 'moderaattori', 'moderator');
    const moderator = await signedIn(node.url, 'moderaattori');
    assert.equal((await moderator.get(`/threads/${threadId}`)).status, 404);
    assert.deepEqual(leaks((await moderator.get('/groups/suljettu')).html), []);
  });

  it('a participant who leaves loses the place, the space and the feed', async () => {
    const db = node.database.db;
    const leaver = await makeUser(db, 'lahtija');
    const oona = (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'ohjaaja_oona') }))!;
    await ask(db, leaver, closed, {});
    await answer(db, oona, closed, leaver.id, true, {});
    const client = await signedIn(node.url, 'lahtija');
    assert.ok((await client.get('/groups/suljettu')).html.includes(address));
    const token = (await db.query.groupMembers.findFirst({ where: (m, { and, eq }) => and(eq(m.groupId, closed.id), eq(m.userId, leaver.id)) }))!.feedToken;
    await client.submit('/groups/suljettu/leave', {});
    assert.deepEqual(leaks((await client.get('/groups/suljettu')).html).filter((w) => w !== 'kysyja'), []);
    assert.equal((await client.get(`/threads/${threadId}`)).status, 404);
    assert.equal((await client.get(`/groups/suljettu/calendar/${token}.ics`)).status, 404);
  });
});
