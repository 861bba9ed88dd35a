// Domain events: every action tells what happened once, in its own transaction, and each change in
// who can see a post is exactly one event, marked public or not as the publication rule says.
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { makeUser, password, setUpNode } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { listing } from '../support/groups.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import { deleteAccount } from '../../server/account-data/account-data.service.ts';
import { subscribe, type DomainEvent } from '../../server/events.ts';
import { wireSubscribers } from '../../server/subscribers.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { deletePost, editPost, findPost, findThread, reply, setThreadFlag, toggleSupport, type FoundPost } from '../../server/forums/threads.service.ts';
import { approvePost, lockThread, moveThread, removePost, restorePost } from '../../server/moderation/moderation.service.ts';
import { addRule } from '../../server/moderation/word-rules.ts';
import { saveGroup } from '../../server/groups/groups.service.ts';
import { notifications } from '../../server/notifications/notifications.tables.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';
import { posts } from '../../server/forums/forums.tables.ts';

const publication = new Set<DomainEvent['type']>(['post.published', 'post.changed', 'post.withdrawn']);

describe('domain events', () => {
  let fresh: TestDatabase;
  let admin: User;
  let sini: User;
  let toinen: User;
  let open: Forum;
  let membersOnly: Forum;
  const recorded: DomainEvent[] = [];
  let stop: () => void;

  before(async () => {
    fresh = await freshDatabase();
    const db = fresh.database.db;
    wireSubscribers();
    stop = subscribe('test: recorder', 'all', async (_db, event) => void recorded.push(event));
    admin = await setUpNode(db);
    sini = await makeUser(db, 'sini');
    toinen = await makeUser(db, 'toinen');
    open = await makeForum(db, 'avoin', 'public');
    membersOnly = await makeForum(db, 'jasenille', 'members');
  });
  after(async () => {
    stop();
    await fresh.drop();
  });

  /** What one action emitted. */
  async function during(action: () => Promise<unknown>): Promise<DomainEvent[]> {
    recorded.length = 0;
    await action();
    return [...recorded];
  }
  const types = (events: DomainEvent[]) => events.map((e) => e.type);
  const found = async (postId: string): Promise<FoundPost> => (await findPost(fresh.database.db, postId))!;

  it('a new conversation in a public forum: one publication, public; a reply in a members-only forum: one, not public', async () => {
    const db = fresh.database.db;
    const first = await during(() => makeThread(db, sini, open, 'Aamun ajatuksia', 'Hyvää huomenta kaikille.'));
    assert.deepEqual(types(first), ['post.published']);
    assert.equal((first[0] as { public: boolean }).public, true);

    const thread = await makeThread(db, sini, membersOnly, 'Vain meille', 'Tämä on jäsenille.');
    const events = await during(() => makeReply(db, toinen, membersOnly, thread, 'Kiitos, @sini.'));
    assert.deepEqual(types(events), ['post.published']);
    assert.equal((events[0] as { public: boolean }).public, false);
    // The notices subscribe to it: the thread's author hears of the reply (a mention counts as the stronger kind).
    const notices = await db.select().from(notifications).where(eq(notifications.userId, sini.id));
    assert.ok(notices.some((n) => n.kind === 'mention'), JSON.stringify(notices));
  });

  it('a held reply emits nothing until a moderator lets it through, then one publication', async () => {
    const db = fresh.database.db;
    const thread = await makeThread(db, sini, open, 'Odotellaan', 'Aloitus.');
    await addRule(db, { locale: 'fi', pattern: 'tarkistettava', action: 'hold', message: '' });
    const fresh0 = (await findThread(db, thread.id))!;
    let postId = '';
    const written = await during(async () => {
      const result = await reply(db, toinen, open, fresh0.thread, { body: 'Tämä on tarkistettava viesti.', contentWarning: '' });
      assert.ok(result.ok && result.held);
      postId = result.post.id;
    });
    assert.deepEqual(types(written).filter((t) => publication.has(t)), []);
    const approved = await during(async () => approvePost(db, admin, await found(postId)));
    assert.deepEqual(types(approved), ['post.published']);
    assert.equal((approved[0] as { number: number }).number, 2, 'the number it was given');
  });

  it('edit, remove, restore and delete: one event each; an edit that waits again withdraws the post', async () => {
    const db = fresh.database.db;
    const thread = await makeThread(db, sini, open, 'Muokataan', 'Aloitus.');
    const post = await makeReply(db, toinen, open, thread, 'Alkuperäinen vastaus.');
    const edited = await during(async () => editPost(db, toinen, await found(post.id), { body: 'Muokattu vastaus.', contentWarning: '' }));
    assert.deepEqual(types(edited), ['post.changed']);

    const removed = await during(async () => removePost(db, admin, await found(post.id), { reason: 'Asiaton' }));
    assert.deepEqual(types(removed), ['post.withdrawn']);
    assert.equal((removed[0] as { why: string }).why, 'removed');
    assert.deepEqual(types(await during(async () => restorePost(db, admin, await found(post.id), { reason: '' }))), ['post.published']);

    const held = await during(async () => editPost(db, toinen, await found(post.id), { body: 'Nyt tarkistettava sana.', contentWarning: '' }));
    assert.deepEqual(types(held), ['post.withdrawn']);
    assert.equal((held[0] as { why: string }).why, 'held');
    assert.deepEqual(types(await during(async () => deletePost(db, toinen, await found(post.id)))), [], 'a waiting post was out of sight already');

    const other = await makeReply(db, toinen, open, thread, 'Toinen vastaus.');
    const deleted = await during(async () => deletePost(db, toinen, await found(other.id)));
    assert.deepEqual(types(deleted), ['post.withdrawn']);
    assert.equal((deleted[0] as { why: string }).why, 'deleted');
  });

  it('strength given and taken back, pin, lock and move are told as what they are', async () => {
    const db = fresh.database.db;
    const thread = await makeThread(db, sini, open, 'Voimia', 'Aloitus.');
    const [opening] = await db.select().from(posts).where(eq(posts.threadId, thread.id));
    assert.deepEqual(types(await during(async () => toggleSupport(db, toinen, await found(opening!.id)))), ['reaction.given']);
    assert.deepEqual(types(await during(async () => toggleSupport(db, toinen, await found(opening!.id)))), ['reaction.withdrawn']);
    const current = async () => (await findThread(db, thread.id))!;
    assert.deepEqual(types(await during(async () => setThreadFlag(db, admin, await current(), 'pinned', true))), ['thread.pinned']);
    assert.deepEqual(types(await during(async () => lockThread(db, admin, await current(), true, { reason: '' }))), ['thread.locked']);
    const moved = await during(async () => moveThread(db, admin, await current(), { forumId: membersOnly.id, reason: '' }));
    assert.deepEqual(moved, [{ type: 'thread.moved', threadId: thread.id, fromForumId: open.id, toForumId: membersOnly.id, actorId: admin.id, wasPublic: true, public: false }]);
  });

  it('crisis wording raises the moderators\' alert through its own event, besides the one publication', async () => {
    const db = fresh.database.db;
    const thread = await makeThread(db, sini, open, 'Ilta', 'Aloitus.');
    const events = await during(() => makeReply(db, toinen, open, thread, 'En jaksa enää elää näin.'));
    assert.deepEqual(types(events).filter((t) => publication.has(t)), ['post.published']);
    assert.ok(types(events).includes('post.crisisWording'));
    const alerts = await db.select().from(reports).where(and(eq(reports.subjectUserId, toinen.id), eq(reports.reason, 'crisis_wording')));
    assert.equal(alerts.length, 1);
  });

  it('a group listing created, paused and ended; a member deleted', async () => {
    const db = fresh.database.db;
    let groupId = '';
    const created = await during(async () => {
      const result = await saveGroup(db, null, listing({ slug: 'tapahtumat' }));
      assert.ok(result.ok);
      groupId = result.group.id;
    });
    assert.deepEqual(created, [{ type: 'group.created', groupId }]);
    assert.deepEqual(await during(() => saveGroup(db, groupId, listing({ slug: 'tapahtumat', summary: 'Uusi kuvaus.' }))), [{ type: 'group.changed', groupId }]);
    assert.deepEqual(await during(() => saveGroup(db, groupId, listing({ slug: 'tapahtumat', status: 'paused' }))), [{ type: 'group.paused', groupId }]);
    assert.deepEqual(await during(() => saveGroup(db, groupId, listing({ slug: 'tapahtumat', status: 'ended' }))), [{ type: 'group.ended', groupId }]);
    const leaving = await makeUser(db, 'lahtija');
    assert.deepEqual(await during(() => deleteAccount(db, leaving, password)), [{ type: 'member.deleted', userId: leaving.id }]);
  });

  it('a subscriber that fails undoes the action it was told of', async () => {
    const db = fresh.database.db;
    const thread = await makeThread(db, sini, open, 'Peruutus', 'Aloitus.');
    const off = subscribe('test: failing', ['post.published'], async () => {
      throw new Error('the subscriber failed');
    });
    try {
      const fresh1 = (await findThread(db, thread.id))!;
      await assert.rejects(reply(db, toinen, open, fresh1.thread, { body: 'Tämä ei jää.', contentWarning: '' }), /the subscriber failed/);
    } finally {
      off();
    }
    assert.equal((await findThread(db, thread.id))!.thread.postCount, 1, 'the reply and its number are gone');
  });
});
