import assert from 'node:assert/strict';
import { desc, eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { password, signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';
import { moderationLog } from '../../server/moderation/moderation.tables.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import type { Post, Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

describe('moderation: actions, who may take them, and the log', () => {
  let node: SetUpTestNode;
  let admin: User;
  let maija: User;
  let sini: User;
  let open: Forum;
  let other: Forum;
  let thread: Thread;
  let hurtful: Post;
  let mod: Client;
  let siniClient: Client;

  const lastLog = async () => (await node.database.db.select().from(moderationLog).orderBy(desc(moderationLog.createdAt)).limit(1))[0];
  const threadText = async (client: Client, t: Thread = thread) => (await client.get(`${paths.thread(t)}`)).$('main').text();

  before(async () => {
    node = await startSetUpNode({ people: [['moderaattori_maija', 'moderator'], 'sini', 'toinen'] });
    const db = node.database.db;
    admin = node.admin;
    maija = node.people.moderaattori_maija!;
    sini = node.people.sini!;
    open = await makeForum(db, 'avoin', 'public');
    other = await makeForum(db, 'muut', 'members');
    thread = await makeThread(db, sini, open, 'Arjen jaksaminen', 'Miten te jaksatte arjessa?');
    const toinen = (await db.query.users.findFirst({ where: eq(users.username, 'toinen') }))!;
    hurtful = await makeReply(db, toinen, open, thread, 'Loukkaava sivuhuomautus sinulle');
    mod = await signedIn(node.url, 'moderaattori_maija');
    siniClient = await signedIn(node.url, 'sini');
  });
  after(() => node?.close());

  it('removes a post with a reason only its author sees, logs it, and restoring brings it back', async () => {
    const notificationsLink = async () => (await siniClient.get('/settings')).$('header a[href="/notifications"]').text();
    assert.match(await notificationsLink(), /\(1/, 'sini hears of the reply');
    const refused = await mod.post(`/moderation/posts/${hurtful.id}/remove`, { _csrf: await tokenOf(mod, `${paths.thread(thread)}`), reason: '' });
    assert.equal(refused.status, 303, 'a missing reason sends the moderator back with a notice');
    assert.match(await threadText(new Client(node.url)), /Loukkaava sivuhuomautus/, 'nothing changed without a reason');

    await mod.submit(`${paths.thread(thread)}`, { reason: 'Henkilöön menevä kommentti' }, `/moderation/posts/${hurtful.id}/remove`);
    const visitorView = await threadText(new Client(node.url));
    assert.doesNotMatch(visitorView, /Loukkaava sivuhuomautus/);
    assert.match(visitorView, /Removed by the moderators/);
    assert.doesNotMatch(visitorView, /Henkilöön menevä/, 'the reason is for the author and moderators');
    assert.doesNotMatch(await threadText(siniClient), /Loukkaava sivuhuomautus/);
    assert.doesNotMatch(await notificationsLink(), /\(/, 'the count drops the removed reply, as the list does');

    const author = await signedIn(node.url, 'toinen');
    const own = await threadText(author);
    assert.match(own, /Loukkaava sivuhuomautus/);
    assert.match(own, /Henkilöön menevä kommentti/);
    assert.match((await author.get('/notifications')).$('main').text(), /removed your post/);

    const entry = await lastLog();
    assert.equal(entry?.action, 'remove');
    assert.equal(entry?.actorId, maija.id);
    assert.equal(entry?.reason, 'Henkilöön menevä kommentti');

    await mod.submit(`${paths.thread(thread)}`, {}, `/moderation/posts/${hurtful.id}/restore`);
    assert.match(await threadText(new Client(node.url)), /Loukkaava sivuhuomautus/);
    assert.equal((await lastLog())?.action, 'restore');
  });

  it('puts a content warning on a post, and logs it', async () => {
    await mod.submit(`${paths.thread(thread)}`, { contentWarning: 'Loukkaava sävy' }, `/moderation/posts/${hurtful.id}/content-warning`);
    const page = await new Client(node.url).get(`${paths.thread(thread)}`);
    assert.match(page.$('details.content-warning summary').text(), /Loukkaava sävy/);
    const entry = await lastLog();
    assert.equal(entry?.action, 'content_warning');
    assert.equal(entry?.detail, 'Loukkaava sävy');
  });

  it('locks a thread against members\' replies, and moves it; both logged', async () => {
    await mod.submit(`${paths.thread(thread)}`, { value: 'true' }, `${paths.thread(thread)}/lock`);
    assert.equal((await lastLog())?.action, 'lock');
    const reply = await siniClient.post(`${paths.thread(thread)}/replies`, { _csrf: await tokenOf(siniClient, '/settings'), body: 'Vielä yksi ajatus' });
    assert.equal(reply.status, 409);
    await mod.submit(`${paths.thread(thread)}`, { value: 'false' }, `${paths.thread(thread)}/lock`);
    assert.equal((await lastLog())?.action, 'unlock');

    const moved = await mod.submit(`/moderation/threads/${thread.id}/move`, { forumId: other.id, reason: 'Sopii paremmin jäsenille' });
    assert.match(moved.$('.breadcrumb').text(), /Forum muut/);
    const entry = await lastLog();
    assert.equal(entry?.action, 'move');
    assert.equal(entry?.detail, 'Forum avoin → Forum muut');
    assert.equal((await new Client(node.url).get(`${paths.thread(thread)}`)).status, 404, 'now members-only');
  });

  it('never moves a thread into a closed group\'s space', async () => {
    const db = node.database.db;
    const group = await makeGroup(db, { name: 'Suljettu', slug: 'suljettu', joinPolicy: 'closed' }, [sini]);
    const space = (await spaceOf(db, group.id))!;
    const page = await mod.get(`/moderation/threads/${thread.id}/move`);
    assert.equal(page.$(`option[value="${space.id}"]`).length, 0);
    const forged = await mod.post(`/moderation/threads/${thread.id}/move`, { _csrf: page.$('input[name="_csrf"]').attr('value')!, forumId: space.id });
    assert.equal(forged.status, 422);
    assert.match(errorsOf(forged), /Choose the forum/);
  });

  it('sends a member a message from the moderators', async () => {
    await mod.submit('/moderation/members/sini', { message: 'Muistathan ystävällisen sävyn.' }, '/moderation/members/sini/warn');
    const notices = await siniClient.get('/notifications');
    assert.match(notices.$('main').text(), /message from the moderators/);
    const messages = await siniClient.get('/moderator-messages');
    assert.match(messages.$('main').text(), /Muistathan ystävällisen sävyn/);
    assert.doesNotMatch(messages.$('main').text(), /moderaattori_maija/, 'it comes from "the moderators", not a person');
    assert.equal((await lastLog())?.action, 'warn');
  });

  it('suspends for some days: signed out, told why and until when, and able to sign in again after', async () => {
    const member = await signedIn(node.url, 'toinen');
    const bad = await mod.submit('/moderation/members/toinen', { days: '3', reason: '' }, '/moderation/members/toinen/suspend');
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /Write a short reason/);
    assert.equal((await node.database.db.query.users.findFirst({ where: eq(users.username, 'toinen') }))?.status, 'active', 'nothing changed');

    await mod.submit('/moderation/members/toinen', { days: '3', reason: 'Toistuvia loukkauksia' }, '/moderation/members/toinen/suspend');
    assert.equal((await member.request('/settings')).status, 303, 'signed out at once');
    const login = await new Client(node.url).submit('/login', { login: 'toinen', password });
    assert.equal(login.status, 401);
    assert.match(login.$('main').text(), /suspended for a while/);
    assert.match(login.$('main').text(), /Toistuvia loukkauksia/);
    assert.match(login.$('main').text(), /The suspension ends on/);
    const entry = await lastLog();
    assert.equal(entry?.action, 'suspend');
    assert.ok(new Date(entry!.detail).getTime() > Date.now() + 2.9 * 86_400_000);

    // When the time has passed, the next sign-in ends the suspension.
    await node.database.db.update(users).set({ suspendedUntil: new Date(Date.now() - 1000) }).where(eq(users.username, 'toinen'));
    const back = await signedIn(node.url, 'toinen');
    assert.equal((await back.get('/settings')).status, 200);
  });

  it('bans until lifted, and lifting lets the member back in', async () => {
    await mod.submit('/moderation/members/toinen', { reason: 'Häirintää yksityisviesteissä' }, '/moderation/members/toinen/ban');
    const login = await new Client(node.url).submit('/login', { login: 'toinen', password });
    assert.equal(login.status, 401);
    assert.match(login.$('main').text(), /closed by the moderators/);
    assert.equal((await lastLog())?.action, 'ban');
    await mod.submit('/moderation/members/toinen', {}, '/moderation/members/toinen/lift');
    assert.equal((await lastLog())?.action, 'lift');
    await signedIn(node.url, 'toinen');
  });

  it('lets only admins act on moderators and admins, and nobody on their own posts', async () => {
    const adminPost = await makeReply(node.database.db, admin, open, await makeThread(node.database.db, admin, open, 'Ylläpidon tiedote', 'Tiedote'), 'Ylläpitäjän vastaus');
    const onAdmin = await mod.post(`/moderation/posts/${adminPost.id}/remove`, { _csrf: await tokenOf(mod, '/moderation'), reason: 'Kokeilu' });
    assert.equal(onAdmin.status, 403);
    const ownPost = await makeReply(node.database.db, maija, open, await makeThread(node.database.db, maija, open, 'Moderaattorin ketju', 'Aloitus'), 'Oma vastaus');
    const onSelf = await mod.post(`/moderation/posts/${ownPost.id}/dismiss`, { _csrf: await tokenOf(mod, '/moderation') });
    assert.equal(onSelf.status, 403);

    const page = await mod.get('/moderation/members/admin_anna');
    assert.match(page.$('main').text(), /Only an admin can act on moderators and admins/);
    const forged = await mod.post('/moderation/members/admin_anna/ban', { _csrf: await tokenOf(mod, '/moderation'), reason: 'Vallankaappaus' });
    assert.equal(forged.status, 403);
    assert.equal((await node.database.db.query.users.findFirst({ where: eq(users.id, admin.id) }))?.status, 'active');
  });

  it('keeps members and visitors out of the queue, the log and every action, forged forms included', async () => {
    for (const path of ['/moderation', '/moderation/log', '/moderation/members/toinen']) {
      assert.equal((await siniClient.get(path)).status, 403, path);
      assert.match((await new Client(node.url).get(path)).url, /\/login/, path);
    }
    const token = await tokenOf(siniClient, '/settings');
    const before = await node.database.db.select().from(moderationLog);
    for (const path of [`/moderation/posts/${hurtful.id}/remove`, `/moderation/posts/${hurtful.id}/content-warning`, `/moderation/threads/${thread.id}/lock`, '/moderation/members/toinen/ban']) {
      const forged = await siniClient.post(path, { _csrf: token, reason: 'Väärennetty', value: 'true', contentWarning: 'x' });
      assert.equal(forged.status, 403, path);
    }
    assert.equal((await node.database.db.select().from(moderationLog)).length, before.length, 'nothing was logged');
    assert.match(await threadText(siniClient), /Loukkaava sivuhuomautus/);
  });

  it('shows the log to moderators, filtered by action, member and moderator', async () => {
    const all = await mod.get('/moderation/log');
    assert.ok(all.$('tbody tr').length >= 8);
    const removals = await mod.get('/moderation/log?action=remove');
    assert.equal(removals.$('tbody tr').length, 1);
    assert.match(removals.$('tbody').text(), /Henkilöön menevä kommentti/);
    const aboutToinen = await mod.get('/moderation/log?member=toinen');
    const actions = aboutToinen.$('tbody tr td:nth-child(2)').map((_, el) => aboutToinen.$(el).text()).get().join('|');
    assert.match(actions, /Suspended/);
    assert.match(actions, /Banned/);
    assert.doesNotMatch(actions, /Message sent/, 'the warning was to sini');
    assert.equal((await mod.get('/moderation/log?moderator=admin_anna')).$('tbody tr').length, 0);
  });

  it('publishes the log without names only when the node chooses to', async () => {
    assert.equal((await new Client(node.url).get('/moderation-log')).status, 404);
    const adminClient = await signedIn(node.url, 'admin_anna');
    await adminClient.submit('/admin/moderation', { premoderatedPosts: '0', emergencyNumber: '112', publishModerationLog: 'on' }, '/admin/moderation/settings');
    const published = await new Client(node.url).get('/moderation-log');
    assert.equal(published.status, 200);
    assert.equal(published.$('footer a[href="/moderation-log"]').length, 1, 'linked from every page');
    const text = published.$('main').text();
    assert.match(text, /Post removed/);
    assert.match(text, /Suspended/);
    for (const word of ['moderaattori_maija', 'toinen', 'sini', 'Muistathan', 'Henkilöön menevä', 'Toistuvia loukkauksia']) assert.doesNotMatch(text, new RegExp(word), word);
  });
});

async function tokenOf(client: Client, path: string): Promise<string> {
  const page = await client.get(path);
  return page.$('input[name="_csrf"]').first().attr('value') ?? '';
}
