import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { groupMembers } from '../../server/groups/groups.tables.ts';
import { threadWatches } from '../../server/forums/forums.tables.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';
import { findPost } from '../../server/forums/threads.service.ts';
import { report } from '../../server/moderation/moderation.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

describe('home: a member’s day on the front page, and the visitors’ front page', () => {
  let node: SetUpTestNode;
  let forum: Forum;
  const db = () => node.database.db;
  const person = (name: string) => node.people[name]!;
  const text = (page: { $: (s: string) => { text(): string } }, selector: string) => page.$(selector).text().replace(/\s+/g, ' ');

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen', 'oona', ['moni', 'moderator']] });
    forum = await makeForum(db(), 'arki', 'members');
    const walking = await makeGroup(db(), { name: 'Kävelyryhmä', slug: 'kavely', address: 'Kirjastokatu 1' }, [person('oona')]);
    await makeGroup(db(), { name: 'Suljettu piiri', slug: 'piiri', joinPolicy: 'closed', address: 'Salainen katu 9' }, [person('oona')]);
    await db().insert(groupMembers).values({ groupId: walking.id, userId: person('sini').id, role: 'participant', status: 'accepted', feedToken: 'feed-sini' });
  });
  after(() => node.close());

  it('shows exactly my groups with their next meetings, and "I\'m coming" from there comes back home', async () => {
    const sini = await signedIn(node.url, 'sini');
    const home = await sini.get('/');
    const groups = home.$('.home-groups > li');
    assert.equal(groups.length, 1);
    assert.match(groups.text(), /Kävelyryhmä/);
    assert.doesNotMatch(home.html, /Suljettu piiri/, 'nothing of a group I am not in');
    assert.equal(groups.find('.meeting-list > li').length, 3);
    const marked = await sini.submit('/', { coming: 'yes' }, groups.find('form').first().attr('action'));
    assert.equal(new URL(marked.url).pathname, '/');
    assert.match(text(marked, '.home-groups .meeting-list > li:first-child'), /You are coming/);
    assert.equal(marked.$('.home-groups .meeting-list > li:first-child form').length, 0);
  });

  it('lists the conversations I take part in or watch that have new posts, never muted ones or places I cannot read', async () => {
    const wrote = await makeThread(db(), person('toinen'), forum, 'Kirjoitin tähän', 'Aloitus');
    await makeReply(db(), person('sini'), forum, wrote, 'Minun vastaukseni');
    const watched = await makeThread(db(), person('toinen'), forum, 'Seuraan tätä', 'Aloitus');
    await db().insert(threadWatches).values({ userId: person('sini').id, threadId: watched.id, level: 'watching' });
    const muted = await makeThread(db(), person('sini'), forum, 'Hiljensin tämän', 'Oma aloitus');
    await db().insert(threadWatches).values({ userId: person('sini').id, threadId: muted.id, level: 'muted' });
    await makeThread(db(), person('toinen'), forum, 'En ole mukana', 'Aloitus');
    // A closed group's space where sini once wrote, then left.
    const circle = (await db().query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'piiri') }))!;
    const space = (await spaceOf(db(), circle.id))!;
    const secret = await makeThread(db(), person('sini'), { ...space, inGroup: true }, 'Piirin salaisuus', 'Vain piirille');

    const sini = await signedIn(node.url, 'sini');
    // Read up to now, as a member would have.
    for (const thread of [wrote, watched, muted, secret]) await sini.get(`${paths.thread(thread)}`).catch(() => undefined);
    await makeReply(db(), person('toinen'), forum, wrote, 'Uusi vastaus sinulle');
    await makeReply(db(), person('toinen'), forum, watched, 'Uutta seuratussa');
    await makeReply(db(), person('toinen'), forum, watched, 'Ja vielä');
    await makeReply(db(), person('toinen'), forum, muted, 'Tämä ei näy kotisivulla');
    await makeReply(db(), person('oona'), { ...space, inGroup: true }, secret, 'Piirin vastaus');

    const home = await sini.get('/');
    const items = home.$('#home-conversations').parent().find('.thread-item');
    const listed = items.map((_, el) => home.$(el).find('.thread-title').text().trim()).get();
    assert.deepEqual(listed, ['Seuraan tätä', 'Kirjoitin tähän']);
    assert.match(text(home, '.thread-item:first-child .meta'), /Forum arki · 2 new posts · latest by toinen/);
    assert.equal(items.first().find('a').attr('href'), `${paths.thread(watched)}/unread`);
    assert.doesNotMatch(home.html, /Piirin salaisuus|Hiljensin tämän|En ole mukana/);
  });

  it('tells a peer leader of requests to answer and a moderator of the queue; members see neither', async () => {
    const circle = (await db().query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'piiri') }))!;
    await db().insert(groupMembers).values({ groupId: circle.id, userId: person('toinen').id, role: 'participant', status: 'pending', feedToken: 'feed-toinen' });
    const thread = await makeThread(db(), person('toinen'), forum, 'Raportoitava', 'Tämä huolestuttaa');
    const found = (await findPost(db(), (await db().query.posts.findFirst({ where: (p, { eq }) => eq(p.threadId, thread.id) }))!.id))!;
    const reported = await report(db(), person('sini'), { post: found.post, member: person('toinen') }, { reason: 'worry', note: '' });
    assert.equal(reported.ok, true);

    const oona = await signedIn(node.url, 'oona');
    const leaderHome = await oona.get('/');
    assert.match(text(leaderHome, '.home-tasks'), /Suljettu piiri: 1 request to join/);
    assert.equal(leaderHome.$('.home-tasks a').attr('href'), '/groups/piiri/requests');
    assert.match(text(leaderHome, '.home-groups'), /you are a peer leader/);

    const moni = await signedIn(node.url, 'moni');
    assert.match(text(await moni.get('/'), '.home-tasks'), /1 post waits in the moderation queue/);
    const sini = await signedIn(node.url, 'sini');
    assert.equal((await sini.get('/')).$('.home-tasks').length, 0);
  });

  it("shows the association's notice to members only, and visitors the next meetings without any address", async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    // The settings form as the browser sends it: every field as it stands, the notice as typed.
    const form = (await admin.get('/admin')).$('form[action="/admin/settings"]');
    const current: Record<string, string> = {};
    form.find('input[name], textarea[name], select[name]').each((_, el) => {
      const field = form.find(el);
      const type = field.attr('type');
      if (type === 'hidden' || type === 'submit' || ((type === 'radio' || type === 'checkbox') && field.attr('checked') === undefined)) return;
      current[field.attr('name')!] = el.tagName === 'textarea' ? field.text() : el.tagName === 'select' ? (field.find('option[selected]').attr('value') ?? '') : (field.attr('value') ?? '');
    });
    const long = await admin.submit('/admin', { ...current, notice: 'x'.repeat(2001) }, '/admin/settings');
    assert.equal(long.status, 422);
    assert.equal(long.$('#field-notice').text(), 'x'.repeat(2001), 'the text comes back');
    await admin.submit('/admin', { ...current, notice: 'Kahvila on **kiinni** heinäkuun.' }, '/admin/settings');
    const sini = await signedIn(node.url, 'sini');
    const home = await sini.get('/');
    assert.equal(home.$('.association-notice strong').text(), 'kiinni');

    const visitor = await new Client(node.url).get('/');
    assert.equal(visitor.$('.association-notice').length, 0);
    const meetings = text(visitor, '#home-meetings + .meeting-list');
    assert.match(meetings, /Kävelyryhmä/);
    assert.match(meetings, /Suljettu piiri/);
    assert.doesNotMatch(visitor.html, /Kirjastokatu|Salainen katu/);
    assert.equal(visitor.$('.home-groups').length, 0);
  });
});
