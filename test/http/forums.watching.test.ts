import assert from 'node:assert/strict';
import { and, eq, isNull } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { notifications } from '../../server/notifications/notifications.tables.ts';
import { forumWatches, threadWatches } from '../../server/forums/forums.tables.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

describe('forums: watching and muting conversations and forums', () => {
  let node: SetUpTestNode;
  let forum: Forum;
  const db = () => node.database.db;
  const person = (name: string) => node.people[name]!;
  /** The kinds of unread notices a person has, oldest first. */
  const unread = async (name: string) =>
    (await db().select().from(notifications).where(and(eq(notifications.userId, person(name).id), isNull(notifications.readAt))).orderBy(notifications.createdAt)).map((n) => n.kind);
  const readAll = (name: string) => db().update(notifications).set({ readAt: new Date() }).where(eq(notifications.userId, person(name).id));

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen', 'kolmas'] });
    forum = await makeForum(db(), 'arki', 'members');
  });
  after(() => node.close());

  it('tells the writer of replies by default, and a watcher of every new post in one line that opens at the first unread', async () => {
    const thread = await makeThread(db(), person('sini'), forum, 'Aamut', 'Miten aamunne sujuvat?');
    const kolmas = await signedIn(node.url, 'kolmas');
    const page = await kolmas.get(`${paths.thread(thread)}`);
    assert.match(page.$('.watch').text(), /only when someone mentions or quotes you/);
    const watched = await kolmas.submit(`${paths.thread(thread)}`, { level: 'watching' }, `${paths.thread(thread)}/watch`);
    assert.match(watched.$('.watch').text(), /You get a notice of each new post/);

    await makeReply(db(), person('toinen'), forum, thread, 'Hitaasti mutta varmasti.');
    await makeReply(db(), person('toinen'), forum, thread, 'Ja kahvin kanssa.');
    assert.deepEqual(await unread('sini'), ['reply', 'reply'], 'the writer watches what they started');
    assert.deepEqual(await unread('kolmas'), ['watched', 'watched']);

    const list = await kolmas.get('/notifications');
    const line = list.$('.notification-list li');
    assert.equal(line.length, 1, 'two new posts in one conversation are one line');
    assert.match(line.text(), /2 new posts in Aamut/);
    const opened = await kolmas.request(line.find('a').attr('href')!);
    assert.equal(opened.headers.get('location'), `${paths.thread(thread)}/unread`);
    assert.deepEqual(await unread('kolmas'), [], 'both are read');
  });

  it('stops telling the writer when they stop watching, and a muted conversation tells nothing, not even a mention', async () => {
    const thread = await makeThread(db(), person('sini'), forum, 'Illat', 'Mitä teette iltaisin?');
    const sini = await signedIn(node.url, 'sini');
    await sini.submit(`${paths.thread(thread)}`, { level: 'normal' }, `${paths.thread(thread)}/watch`);
    const kolmas = await signedIn(node.url, 'kolmas');
    const muted = await kolmas.submit(`${paths.thread(thread)}`, { level: 'muted' }, `${paths.thread(thread)}/watch`);
    assert.match(muted.$('.watch').text(), /muted: you get no notices/);
    await readAll('sini');
    await readAll('kolmas');

    await makeReply(db(), person('toinen'), forum, thread, 'Luen. Mitä sinä @kolmas luet?');
    assert.deepEqual(await unread('sini'), [], 'no reply notice after stopping');
    assert.deepEqual(await unread('kolmas'), [], 'muted: not even the mention');
    await makeReply(db(), person('toinen'), forum, thread, 'Entä @sini?');
    assert.deepEqual(await unread('sini'), ['mention'], 'what is addressed to the writer still comes');

    const refused = await kolmas.submit(`${paths.thread(thread)}`, { level: 'loud' }, `${paths.thread(thread)}/watch`);
    assert.equal(refused.status, 400);
    const [row] = await db().select().from(threadWatches).where(and(eq(threadWatches.threadId, thread.id), eq(threadWatches.userId, person('kolmas').id)));
    assert.equal(row?.level, 'muted', 'a bad choice changes nothing');
  });

  it('tells a forum watcher of each new conversation; a muted forum is quiet but for what one started there', async () => {
    const other = await makeForum(db(), 'vinkit', 'members');
    const kolmas = await signedIn(node.url, 'kolmas');
    const watching = await kolmas.submit('/forums/vinkit', { level: 'watching' }, '/forums/vinkit/watch');
    assert.match(watching.$('.watch').text(), /each new conversation in this forum/);
    await readAll('kolmas');
    await makeThread(db(), person('toinen'), other, 'Hyvä kirja', 'Suosittelen.');
    assert.deepEqual(await unread('kolmas'), ['new_thread']);
    assert.match((await kolmas.get('/notifications')).$('.notification-list').text(), /toinen started a conversation: Hyvä kirja/);

    await kolmas.submit('/forums/vinkit', { level: 'muted' }, '/forums/vinkit/watch');
    await readAll('kolmas');
    const theirs = await makeThread(db(), person('toinen'), other, 'Toinen kirja', 'Tämäkin @kolmas.');
    const own = await makeThread(db(), person('kolmas'), other, 'Oma kysymys', 'Mitä luette?');
    await makeReply(db(), person('toinen'), other, theirs, 'Lisää @kolmas');
    assert.deepEqual(await unread('kolmas'), [], 'nothing from the muted forum');
    await makeReply(db(), person('toinen'), other, own, 'Dekkareita.');
    assert.deepEqual(await unread('kolmas'), ['reply'], 'but their own conversation there still tells them');

    await kolmas.submit('/forums/vinkit', { level: 'normal' }, '/forums/vinkit/watch');
    assert.equal((await db().select().from(forumWatches).where(eq(forumWatches.userId, person('kolmas').id))).length, 0);
  });

  it('tells no one of a closed group space they are not in, whatever they watched, and lets no outsider watch it', async () => {
    const group = await makeGroup(db(), { slug: 'suljettu', name: 'Suljettu ryhmä', joinPolicy: 'closed' }, [person('sini')]);
    const space = (await spaceOf(db(), group.id))!;
    const kolmas = await signedIn(node.url, 'kolmas');
    const outside = await kolmas.submit('/forums', { level: 'watching' }, `/forums/${space.slug}/watch`);
    assert.equal(outside.status, 404, 'an outsider cannot watch the space');
    assert.equal((await db().select().from(forumWatches).where(eq(forumWatches.forumId, space.id))).length, 0);
    // A row left from when they were in the group (or written by a fault): the notice still asks who may read.
    await db().insert(forumWatches).values({ userId: person('kolmas').id, forumId: space.id, level: 'watching' });
    await readAll('kolmas');
    await makeThread(db(), person('sini'), { ...space, inGroup: true }, 'Vain meille', 'Tämä jää ryhmään.');
    assert.deepEqual(await unread('kolmas'), [], 'not in the group: no notice, though the row says watching');
  });
});
