// Crisis alerts come first, the header says when one waits, a held crisis post tells its writer one
// thing, and a peer leader's words on accepting someone reach that person.
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { report } from '../../server/moderation/moderation.service.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { saveModerationSettings } from '../../server/moderation/settings.ts';
import { paths } from '../../server/paths.ts';

describe('safety: the crisis queue and the peer leader\'s answer', () => {
  let node: SetUpTestNode;
  const db = () => node.database.db;

  before(async () => {
    node = await startSetUpNode();
  });
  after(() => node?.close());

  it('puts a crisis alert on top of older reports, marked with the time since posting, and says so in the header', async () => {
    await makeUser(db(), 'moderaattori_maija', 'moderator');
    const sini = await makeUser(db(), 'sini');
    const toinen = await makeUser(db(), 'toinen');
    const forum = await makeForum(db(), 'arki', 'public');
    const thread = await makeThread(db(), toinen, forum, 'Viikon kuulumiset', 'Miten viikko meni?');
    const old = await makeReply(db(), toinen, forum, thread, 'Vanha riitaisa viesti');
    await report(db(), sini, { post: old, member: toinen }, { reason: 'harassment', note: '' });
    // The report is a week old; the crisis post comes now.
    await db().update(reports).set({ createdAt: new Date(Date.now() - 7 * 86_400_000) }).where(eq(reports.postId, old.id));
    const mod = await signedIn(node.url, 'moderaattori_maija');
    assert.doesNotMatch((await mod.get('/forums')).$('header').text(), /crisis alert waiting/);

    const writer = await signedIn(node.url, 'sini');
    await writer.submit(`${paths.thread(thread)}`, { body: 'En jaksa enää elää tällaista elämää' }, `${paths.thread(thread)}/replies`);
    const queue = await mod.get('/moderation');
    const first = queue.$('.queue-item').first();
    assert.ok(first.hasClass('is-crisis'), 'the crisis alert is first');
    assert.match(first.text(), /En jaksa enää elää/);
    assert.match(first.find('.since').text(), /written (this minute|\d+ minutes? ago)/);
    assert.match(queue.$('.queue-item').eq(1).text(), /Vanha riitaisa viesti/);
    const header = (await mod.get('/forums')).$('header').text();
    assert.match(header, /Moderation \(2/);
    assert.match(header, /crisis alert waiting/);
  });

  it('tells the writer of a held crisis post one consistent thing', async () => {
    await saveModerationSettings(db(), { premoderatedPosts: '3', emergencyNumber: '112' });
    await makeUser(db(), 'uusi');
    const forum = await makeForum(db(), 'uudet', 'public');
    const starter = (await db().query.users.findFirst({ where: eq(users.username, 'admin_anna') }))!;
    const thread = await makeThread(db(), starter, forum, 'Tervetuloa', 'Kertokaa itsestänne');
    const client = await signedIn(node.url, 'uusi');
    const after = await client.submit(`${paths.thread(thread)}`, { body: 'Haluaisin vain kuolla pois' }, `${paths.thread(thread)}/replies`);
    const box = after.$('.crisis-box').text();
    assert.match(box, /A moderator will read your post soon, before others see it/);
    assert.doesNotMatch(after.$('main').text(), /is published/, 'never "published" for a post that waits');
    assert.equal(after.$('.notice[role="status"]').length, 0, 'no second, separate "waiting" notice');
    assert.equal((after.$('main').text().match(/waiting for a moderator|before others see it/gi) ?? []).length, 1, 'said once, in the box');
    await saveModerationSettings(db(), { premoderatedPosts: '0', emergencyNumber: '112' });
  });

  it('shows the peer leader\'s message on accepting, in the notice and on the group page', async () => {
    const leader = await makeUser(db(), 'ohjaaja_oona');
    await makeUser(db(), 'pekka');
    await makeGroup(db(), { name: 'Suljettu ryhmä', slug: 'suljettu', joinPolicy: 'closed' }, [leader]);
    const pekka = await signedIn(node.url, 'pekka');
    await pekka.submit('/groups/suljettu', { message: 'Saanko tulla?' }, '/groups/suljettu/ask');
    const pekkaId = (await db().query.users.findFirst({ where: eq(users.username, 'pekka') }))!.id;
    const oona = await signedIn(node.url, 'ohjaaja_oona');
    await oona.submit('/groups/suljettu/requests', { decision: 'accept', reply: 'Tervetuloa! Tavataan kirjaston aulassa.' }, `/groups/suljettu/requests/${pekkaId}`);
    const notices = await pekka.get('/notifications');
    assert.match(notices.$('.notification-list').text(), /You were accepted into Suljettu ryhmä[\s\S]*Tervetuloa! Tavataan kirjaston aulassa\./);
    const page = await pekka.get('/groups/suljettu');
    assert.match(page.$('#joining').parent().text(), /When you were accepted, the peer leader wrote:\s*Tervetuloa! Tavataan kirjaston aulassa\./);
    assert.equal(page.$('#joining').text(), 'You are in the group', 'no "Join the group" once in');
    assert.doesNotMatch((await (await signedIn(node.url, 'sini')).get('/groups/suljettu')).$('main').text(), /kirjaston aulassa/, 'the answer is for the person alone');
  });
});
