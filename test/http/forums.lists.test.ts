import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { posts, threads } from '../../server/forums/forums.tables.ts';

describe('forums: lists say what happened (replies, the last writer and when, the latest conversation)', () => {
  let node: SetUpTestNode;
  const db = () => node.database.db;
  const person = (name: string) => node.people[name]!;
  const meta = (page: Awaited<ReturnType<Client['get']>>, title: string) =>
    page.$('.thread-item').filter((_, el) => page.$(el).find('.thread-title a').first().text() === title).find('.meta').text().replace(/\s+/g, ' ');
  const latestOf = (page: Awaited<ReturnType<Client['get']>>, forumName: string) =>
    page.$('.forum-item').filter((_, el) => page.$(el).find('h3 a').text() === forumName).find('.latest').text().replace(/\s+/g, ' ');

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen', 'kolmas'] });
  });
  after(() => node.close());

  it('names the last writer whose post is out in the open, and counts only such replies', async () => {
    const forum = await makeForum(db(), 'arki', 'members');
    const thread = await makeThread(db(), person('sini'), forum, 'Viikonloppu', 'Mitä teette?');
    await makeReply(db(), person('toinen'), forum, thread, 'Lepään.');
    const waiting = await makeReply(db(), person('kolmas'), forum, thread, 'Odottaa moderaattoria');
    await db().update(posts).set({ heldAt: new Date(), heldReason: 'forum' }).where(eq(posts.id, waiting.id));
    await makeThread(db(), person('kolmas'), forum, 'Yksin', 'Ei vastauksia vielä');

    const sini = await signedIn(node.url, 'sini');
    const page = await sini.get('/forums/arki');
    assert.match(meta(page, 'Viikonloppu'), /^sini · 1 reply · latest by toinen \w{3} \d+/);
    assert.doesNotMatch(page.html, /latest by kolmas/, 'a waiting post names nobody');
    assert.match(meta(page, 'Yksin'), /^kolmas · 0 replies · \w{3}/);

    const index = await sini.get('/forums');
    assert.match(latestOf(index, 'Forum arki'), /Latest conversation: Yksin · latest by kolmas/);
  });

  it('shows visitors the latest conversation of public forums only, never one waiting for a moderator', async () => {
    const open = await makeForum(db(), 'avoin', 'public');
    await makeThread(db(), person('sini'), open, 'Julkinen aihe', 'Kaikille');
    const held = await makeThread(db(), person('kolmas'), open, 'Odottava aihe', 'Ei vielä näy');
    await db().update(threads).set({ heldAt: new Date() }).where(eq(threads.id, held.id));

    const visitor = await new Client(node.url).get('/forums');
    assert.match(latestOf(visitor, 'Forum avoin'), /Latest conversation: Julkinen aihe · latest by sini/);
    assert.doesNotMatch(visitor.html, /Odottava aihe|Yksin|Viikonloppu|Forum arki/);
  });
});
