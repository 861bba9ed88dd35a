import assert from 'node:assert/strict';
import { desc, eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';
import { moderationLog, reports } from '../../server/moderation/moderation.tables.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import type { Post, Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

describe('moderation: reports, the queue and muting', () => {
  let node: SetUpTestNode;
  let sini: User;
  let toinen: User;
  let open: Forum;
  let thread: Thread;
  let rude: Post;
  let groupSecret: Post;

  const queueText = async (client: Client) => (await client.get('/moderation')).$('main').text();

  before(async () => {
    node = await startSetUpNode({ people: [['moderaattori_maija', 'moderator'], 'sini', 'toinen', 'kolmas'] });
    const db = node.database.db;
    sini = node.people.sini!;
    toinen = node.people.toinen!;
    open = await makeForum(db, 'avoin', 'public');
    thread = await makeThread(db, sini, open, 'Vertaistukea illalla', 'Kuka on paikalla tänään?');
    rude = await makeReply(db, toinen, open, thread, 'Tyly kommentti, joka ilmoitetaan');
    // A closed group's space: what is said there is for its people and admins only, moderators included.
    const group = await makeGroup(db, { name: 'Suljettu piiri', slug: 'suljettu-piiri', joinPolicy: 'closed' }, [sini]);
    const space = (await spaceOf(db, group.id))!;
    const groupThread = await makeThread(db, sini, { ...space, inGroup: true }, 'Ryhmän oma asia', 'Ryhmän luottamuksellinen viesti');
    groupSecret = (await db.query.posts.findFirst({ where: (p, { eq }) => eq(p.threadId, groupThread.id) }))!;
  });
  after(() => node?.close());

  it('takes a report with a reason and a note; the form says what is missing and keeps the text', async () => {
    const kolmas = await signedIn(node.url, 'kolmas');
    const bad = await kolmas.submit(`/posts/${rude.id}/report`, { note: 'Tämä satutti' });
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /Choose what the report is about/);
    assert.equal(bad.$('#field-note').text(), 'Tämä satutti');
    assert.equal((await node.database.db.select().from(reports)).length, 0);

    const sent = await kolmas.submit(`/posts/${rude.id}/report`, { reason: 'harassment', note: 'Tämä satutti' });
    assert.match(sent.$('.notice').text(), /moderators will look at it/);
    // The same person reporting the same post again adds nothing.
    await kolmas.submit(`/posts/${rude.id}/report`, { reason: 'other', note: '' });
    const siniClient = await signedIn(node.url, 'sini');
    await siniClient.submit(`/posts/${rude.id}/report`, { reason: 'harassment', note: '' });
    assert.equal((await node.database.db.select().from(reports)).length, 2);
  });

  it('shows reports of one post as one item, with the post in context, to moderators', async () => {
    const mod = await signedIn(node.url, 'moderaattori_maija');
    const page = await mod.get('/moderation');
    const items = page.$('.queue-item');
    assert.match(page.$('header a[href="/moderation"]').text(), /Moderation \(1 waiting\)/, 'the header counts what waits');
    const reported = items.filter((_, el) => page.$(el).text().includes('Tyly kommentti'));
    assert.equal(reported.length, 1, 'two reports, one item');
    assert.match(reported.text(), /Reports: 2/);
    assert.match(reported.text(), /Vertaistukea illalla/);
    assert.match(reported.text(), /Tämä satutti/);
    assert.match(reported.text(), /It hurts or harasses someone/);
  });

  it('refuses reports of one\'s own post and from visitors', async () => {
    const toinenClient = await signedIn(node.url, 'toinen');
    assert.equal((await toinenClient.get(`/posts/${rude.id}/report`)).status, 403);
    assert.match((await new Client(node.url).get(`/posts/${rude.id}/report`)).url, /\/login/);
  });

  it('takes reports of a profile, and a dismissal clears them with a log line', async () => {
    const kolmas = await signedIn(node.url, 'kolmas');
    await kolmas.submit('/members/toinen/report', { reason: 'spam', note: 'Mainoslinkki profiilissa' });
    const mod = await signedIn(node.url, 'moderaattori_maija');
    assert.match(await queueText(mod), /Mainoslinkki profiilissa/);
    await mod.submit('/moderation', {}, '/moderation/members/toinen/dismiss');
    assert.doesNotMatch(await queueText(mod), /Mainoslinkki profiilissa/);
    const [entry] = await node.database.db.select().from(moderationLog).orderBy(desc(moderationLog.createdAt)).limit(1);
    assert.equal(entry?.action, 'dismiss');
    assert.equal(entry?.targetUserId, toinen.id);
  });

  it('never shows a closed group\'s posts to moderators in the queue, nor lets them act there; admins can', async () => {
    const member = await signedIn(node.url, 'toinen');
    // toinen is not in the group: the space's post is not even reportable for them.
    assert.equal((await member.get(`/posts/${groupSecret.id}/report`)).status, 404);
    // A report raised inside the group (here straight into the table, as a participant would) reaches admins only.
    await node.database.db.insert(reports).values({ postId: groupSecret.id, subjectUserId: sini.id, reporterId: toinen.id, reason: 'worry' });
    const mod = await signedIn(node.url, 'moderaattori_maija');
    assert.doesNotMatch(await queueText(mod), /Ryhmän luottamuksellinen viesti/);
    const token = (await mod.get('/moderation')).$('input[name="_csrf"]').first().attr('value')!;
    const forged = await mod.post(`/moderation/posts/${groupSecret.id}/remove`, { _csrf: token, reason: 'Kokeilu' });
    assert.equal(forged.status, 404);
    const admin = await signedIn(node.url, 'admin_anna');
    assert.match(await queueText(admin), /Ryhmän luottamuksellinen viesti/);
  });

  it('sends reports about a moderator to admins, never to the moderator', async () => {
    const kolmas = await signedIn(node.url, 'kolmas');
    await kolmas.submit('/members/moderaattori_maija/report', { reason: 'other', note: 'Moderaattori oli epäreilu' });
    const mod = await signedIn(node.url, 'moderaattori_maija');
    assert.doesNotMatch(await queueText(mod), /Moderaattori oli epäreilu/);
    assert.match(await queueText(await signedIn(node.url, 'admin_anna')), /Moderaattori oli epäreilu/);
  });

  it('dismisses a post\'s reports and removes them from the queue', async () => {
    const mod = await signedIn(node.url, 'moderaattori_maija');
    await mod.submit('/moderation', {}, `/moderation/posts/${rude.id}/dismiss`);
    assert.doesNotMatch(await queueText(mod), /Tyly kommentti/);
    const open = await node.database.db.select().from(reports).where(eq(reports.postId, rude.id));
    assert.ok(open.every((r) => r.resolvedAt !== null));
  });

  it('mutes a member: no notifications from them, their posts folded away; unmuting undoes it', async () => {
    const siniClient = await signedIn(node.url, 'sini');
    const muted = await siniClient.submit('/members/toinen', {}, '/members/toinen/mute');
    assert.match(muted.$('.notice').text(), /Muted/);
    const before = (await siniClient.get('/notifications')).$('main li').length;
    await makeReply(node.database.db, toinen, open, thread, 'Uusi vastaus mykistetyltä');
    assert.equal((await siniClient.get('/notifications')).$('main li').length, before, 'no notification from a muted member');
    const page = await siniClient.get(`${paths.thread(thread)}`);
    assert.match(page.$('details.muted-post').text(), /Uusi vastaus mykistetyltä/);
    assert.equal((await new Client(node.url).get(`${paths.thread(thread)}`)).$('details.muted-post').length, 0, 'others see it as usual');
    const exported = JSON.parse((await siniClient.get('/settings/export')).html) as { muted: { username: string }[]; reportsYouSent: { note: string }[] };
    assert.deepEqual(exported.muted.map((m) => m.username), ['toinen'], 'the export holds whom they muted');
    assert.equal(exported.reportsYouSent.length, 1);

    await siniClient.submit('/members/toinen', {}, '/members/toinen/unmute');
    assert.equal((await siniClient.get(`${paths.thread(thread)}`)).$('details.muted-post').length, 0);
  });
});
