// Three running nodes on loopback, over real signed HTTP: members of two nodes follow a public
// forum of the third through the Following page, read its conversations at home and reply from
// there; edits, deletions, removals and bans travel; unfollowing stops delivery; and nothing
// members-only reaches the other nodes.
import assert from 'node:assert/strict';
import { and, eq, like } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { signedIn } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import type { Client } from '../support/client.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { forums, posts, threads } from '../../server/forums/forums.tables.ts';
import { followers, remoteForums } from '../../federation/federation.tables.ts';
import { wiretap, type Wiretap } from '../support/wiretap.ts';

describe('federation: three nodes', function () {
  this.timeout(240_000);
  const env = { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' };
  let a: SetUpTestNode;
  let b: SetUpTestNode;
  let c: SetUpTestNode;
  let open: Forum;
  let bea: Client;
  let cecilia: Client;
  let wire: Wiretap;

  /** A node's copy of a post, by words it contains. */
  const copies = (node: SetUpTestNode, words: string) => node.database.db.select().from(posts).where(like(posts.body, `%${words}%`));
  const mirrored = async (node: SetUpTestNode) => (await node.database.db.select().from(forums).where(eq(forums.iri, `${a.url}/ap/actors/avoin`)))[0];

  before(async () => {
    wire = wiretap();
    [a, b, c] = await Promise.all([
      startSetUpNode({ env, people: ['sini', ['moderaattori_maija', 'moderator']] }),
      startSetUpNode({ env, people: ['bea'] }),
      startSetUpNode({ env, people: ['cecilia'] }),
    ]);
    open = await makeForum(a.database.db, 'avoin', 'public', { startPolicy: 'members_and_remote', replyPolicy: 'members_and_remote' });
    bea = await signedIn(b.url, 'bea');
    cecilia = await signedIn(c.url, 'cecilia');
  });
  after(async () => {
    wire?.stop();
    await Promise.all([a, b, c].map((node) => node?.close()));
  });

  it('follows a group on another node from the Following page, refusing an address that is not a group', async () => {
    const wrong = await bea.submit('/following', { address: 'ei osoite' });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.$('input[name="address"]').attr('value'), 'ei osoite', 'what was typed comes back');
    const notGroup = await bea.submit('/following', { address: `${a.url}/ap/actors/_node` });
    assert.equal(notGroup.status, 422);

    // What the group said before anyone here followed it is there at once.
    await makeThread(a.database.db, a.people.sini!, open, 'Jo ennestään', 'Kirjoitettu ennen seuraamista.');
    for (const [client, node] of [[bea, b], [cecilia, c]] as const) {
      const page = await client.submit('/following', { address: `${a.url}/ap/actors/avoin` });
      assert.equal(page.status, 200);
      assert.match(page.$('main').text(), /Forum avoin/);
      await until('the Accept', async () => (await node.database.db.select().from(remoteForums))[0]?.state === 'accepted');
      await until('the earlier conversation', async () => (await copies(node, 'ennen seuraamista')).length === 1);
    }
    assert.match((await bea.get('/following')).$('main').text(), /Jo ennestään/);
    // What she follows is hers: it is in her data export.
    const exported = JSON.parse((await bea.get('/settings/export')).html) as { groupsElsewhereYouFollow: { address: string }[] };
    assert.deepEqual(exported.groupsElsewhereYouFollow.map((g) => g.address), [`${a.url}/ap/actors/avoin`]);
    // Whom a member follows is theirs: visitors are sent to sign in, another member sees only their own.
    const visitor = await fetch(`${b.url}/following`, { redirect: 'manual' });
    assert.equal(visitor.status, 303);
    const { makeUser } = await import('../support/fixtures.ts');
    await makeUser(b.database.db, 'toinen');
    const other = await (await signedIn(b.url, 'toinen')).get('/following');
    assert.doesNotMatch(other.$('main').text(), /Forum avoin/);
    const following = await a.database.db.select().from(followers).where(eq(followers.actor, 'avoin'));
    assert.deepEqual(following.map((f) => f.follower).sort(), [`${b.url}/ap/actors/_node`, `${c.url}/ap/actors/_node`].sort(), 'the nodes follow, not their members');
  });

  it('delivers a new thread to both nodes, takes a reply from one and passes it to the other', async () => {
    const thread = await makeThread(a.database.db, a.people.sini!, open, 'Kevään kuulumisia', 'Miten teillä menee?');
    await until('the thread on both', async () => (await copies(b, 'Miten teillä menee')).length === 1 && (await copies(c, 'Miten teillä menee')).length === 1);
    const list = await bea.get('/following');
    assert.match(list.$('main').text(), /Kevään kuulumisia/);
    const [copy] = await copies(b, 'Miten teillä menee');
    const page = await bea.get(`/threads/${copy!.threadId}`);
    assert.match(page.$('main').text(), /Miten teillä menee/);
    assert.match(page.$('main').text(), new RegExp(`@sini@${new URL(a.url).host}`));

    // Bea answers at home, through the reply form.
    const replied = await bea.submit(`/threads/${copy!.threadId}`, { body: 'Hyvin menee, kiitos kysymästä!' }, `/threads/${copy!.threadId}/replies`);
    assert.ok(replied.status < 400, `reply: ${replied.status}`);
    await until('the reply on the group node', async () => (await copies(a, 'Hyvin menee')).length === 1);
    const [atA] = await copies(a, 'Hyvin menee');
    assert.equal(atA!.threadId, thread.id);
    await until('the reply passed on to the third node', async () => (await copies(c, 'Hyvin menee')).length === 1);
    assert.equal((await copies(b, 'Hyvin menee')).length, 1, 'bea’s own node keeps one copy');
  });

  it('carries members’ support as the site’s own Like, never naming them, and takes it back when none supports', async () => {
    const { reactions } = await import('../../server/forums/forums.tables.ts');
    const { users } = await import('../../server/accounts/accounts.tables.ts');
    const [opening] = await copies(a, 'Miten teillä menee');
    const [copy] = await copies(b, 'Miten teillä menee');
    const supportersAtA = () => a.database.db.select({ iri: users.iri }).from(reactions).innerJoin(users, eq(users.id, reactions.userId)).where(eq(reactions.postId, opening!.id));
    const given = await bea.submit(`/threads/${copy!.threadId}`, {}, `/posts/${copy!.id}/support`);
    assert.ok(given.status < 400, `support: ${given.status}`);
    await until('support on the group’s node', async () => (await supportersAtA()).length === 1);
    assert.deepEqual((await supportersAtA()).map((s) => s.iri), [`${b.url}/ap/actors/_node`], 'the site, not bea');
    const likes = wire.find('"Like"');
    assert.ok(likes.length > 0);
    assert.ok(likes.every((body) => !body.includes(b.people.bea!.id)), 'no Like names bea');
    await bea.submit(`/threads/${copy!.threadId}`, {}, `/posts/${copy!.id}/support`);
    await until('taken back', async () => (await supportersAtA()).length === 0);
  });

  it('carries an edit, the author’s deletion, a moderator’s removal and a ban', async () => {
    const db = a.database.db;
    const { findPost, editPost } = await import('../../server/forums/threads.service.ts');
    const { removePost, suspendMember } = await import('../../server/moderation/moderation.service.ts');
    const [opening] = await copies(a, 'Miten teillä menee');
    assert.ok((await editPost(db, a.people.sini!, (await findPost(db, opening!.id))!, { title: 'Kevään kuulumisia', body: 'Miten teillä menee tänä keväänä?', contentWarning: '' })).ok);
    await until('the edit on both', async () => (await copies(b, 'tänä keväänä')).length === 1 && (await copies(c, 'tänä keväänä')).length === 1);

    // Bea deletes her reply at home: it goes on the group node and on the third.
    const [mine] = await copies(b, 'Hyvin menee');
    const deleted = await bea.submit(`/posts/${mine!.id}/delete`, {}, `/posts/${mine!.id}/delete`);
    assert.ok(deleted.status < 400, `delete: ${deleted.status}`);
    await until('deleted on the group node', async () => (await copies(a, 'Hyvin menee'))[0]?.deletedAt !== null);
    await until('deleted on the third node', async () => (await copies(c, 'Hyvin menee'))[0]?.deletedAt !== null);

    // Cecilia writes; the group's moderator removes it.
    const [atC] = await copies(c, 'tänä keväänä');
    await cecilia.submit(`/threads/${atC!.threadId}`, { body: 'Tämä viesti poistetaan.' }, `/threads/${atC!.threadId}/replies`);
    await until('cecilia’s reply on the group node', async () => (await copies(a, 'Tämä viesti poistetaan')).length === 1);
    await until('and on bea’s node', async () => (await copies(b, 'Tämä viesti poistetaan')).length === 1);
    const [hers] = await copies(a, 'Tämä viesti poistetaan');
    assert.ok((await removePost(db, a.people.moderaattori_maija!, (await findPost(db, hers!.id))!, { reason: 'Asiaton' })).ok);
    await until('gone on bea’s node', async () => (await copies(b, 'Tämä viesti poistetaan'))[0]?.deletedAt !== null);

    // Banned on the group node: what cecilia writes after that stays at home.
    const [person] = await db.query.users.findMany({ where: (u, { like }) => like(u.username, 'cecilia@%') });
    assert.ok((await suspendMember(db, a.people.moderaattori_maija!, person!, { reason: 'Häiriköinti' }, true)).ok);
    await cecilia.submit(`/threads/${atC!.threadId}`, { body: 'Kiellon jälkeen kirjoitettu.' }, `/threads/${atC!.threadId}/replies`);
    const later = await makeThread(db, a.people.sini!, open, 'Merkki', 'Tämä tulee kiellon jälkeen.');
    await until('a later thread on bea’s node', async () => (await copies(b, 'Tämä tulee kiellon jälkeen')).length === 1);
    assert.equal((await copies(a, 'Kiellon jälkeen kirjoitettu')).length, 0);
    assert.equal((await copies(b, 'Kiellon jälkeen kirjoitettu')).length, 0);
    assert.ok(later);
  });

  it('carries a moderator’s lock and pin, and lifting them', async () => {
    const db = a.database.db;
    const { findThread, setThreadFlag } = await import('../../server/forums/threads.service.ts');
    const { lockThread } = await import('../../server/moderation/moderation.service.ts');
    const thread = await makeThread(db, a.people.sini!, open, 'Lukittava', 'Tämä lukitaan pian.');
    await until('on bea’s node', async () => (await copies(b, 'lukitaan pian')).length === 1);
    const [copy] = await copies(b, 'lukitaan pian');
    const copyThread = async () => (await b.database.db.select().from(threads).where(eq(threads.id, copy!.threadId)))[0]!;
    const maija = a.people.moderaattori_maija!;
    assert.ok((await lockThread(db, maija, (await findThread(db, thread.id))!, true, { reason: 'Keskustelu on käyty' })).ok);
    assert.ok((await setThreadFlag(db, maija, (await findThread(db, thread.id))!, 'pinned', true)).ok);
    await until('locked and pinned on bea’s node', async () => (await copyThread()).locked && (await copyThread()).pinned);
    const refused = await bea.submit(`/threads/${copy!.threadId}`, { body: 'Lukittuun ketjuun.' }, `/threads/${copy!.threadId}/replies`);
    assert.ok(refused.status >= 400, `reply to a locked conversation: ${refused.status}`);
    assert.equal((await copies(b, 'Lukittuun ketjuun')).length, 0);

    assert.ok((await lockThread(db, maija, (await findThread(db, thread.id))!, false, { reason: '' })).ok);
    assert.ok((await setThreadFlag(db, maija, (await findThread(db, thread.id))!, 'pinned', false)).ok);
    await until('open and unpinned on bea’s node', async () => !(await copyThread()).locked && !(await copyThread()).pinned);
    // Who moderated stays on the group's node: the forum itself speaks, in Lemmy's words.
    assert.ok(wire.find('"type":"Lock"').length > 0);
    assert.equal(wire.find(maija.id).length, 0);
  });

  it('never lets members-only words reach another node, and stops delivering when the last member unfollows', async () => {
    const closed = await makeForum(a.database.db, 'jasenille', 'members', { replyPolicy: 'members_and_remote' });
    const secret = await makeThread(a.database.db, a.people.sini!, closed, 'Salainen otsikko', 'Vain jäsenille tarkoitettu.');
    // A public conversation moved to members only, then written on there: only the request to delete it travels.
    const { findThread, reply } = await import('../../server/forums/threads.service.ts');
    const { moveThread } = await import('../../server/moderation/moderation.service.ts');
    const moved = await makeThread(a.database.db, a.people.sini!, open, 'Siirrettävä keskustelu', 'Tämä siirretään jäsenille.');
    await until('the moved one on both', async () => (await copies(b, 'siirretään jäsenille')).length === 1 && (await copies(c, 'siirretään jäsenille')).length === 1);
    const found = (await findThread(a.database.db, moved.id))!;
    assert.ok((await moveThread(a.database.db, a.people.moderaattori_maija!, found, { forumId: closed.id, reason: 'Yksityisasia' })).ok);
    const inside = (await findThread(a.database.db, moved.id))!;
    assert.ok((await reply(a.database.db, a.people.sini!, inside.forum, inside.thread, { body: 'Siirron jälkeen kirjoitettu luottamuksellinen.' })).ok);
    // Bea's own node has a members-only forum too.
    const home = await makeForum(b.database.db, 'kotijasenet', 'members');
    const homeSecret = await makeThread(b.database.db, b.people.bea!, home, 'Kodin salaisuus', 'Bean jäsenviesti kotona.');

    await makeThread(a.database.db, a.people.sini!, open, 'Julkinen merkki', 'Tämä on julkinen merkki.');
    await until('the marker on both', async () => (await copies(b, 'julkinen merkki')).length === 1 && (await copies(c, 'julkinen merkki')).length === 1);
    await until('the moved conversation deleted on both', async () =>
      (await Promise.all([b, c].map(async (node) => (await copies(node, 'siirretään jäsenille'))[0]?.deletedAt !== null))).every(Boolean),
    );
    for (const node of [b, c]) {
      assert.equal((await copies(node, 'Vain jäsenille')).length, 0);
      assert.equal((await node.database.db.select().from(threads).where(eq(threads.title, 'Salainen otsikko'))).length, 0);
    }
    // Every byte the three nodes sent one another, requests and answers alike.
    assert.ok(wire.find('julkinen merkki').length > 0, 'the wiretap sees deliveries');
    for (const word of ['Salainen otsikko', 'Vain jäsenille', 'Siirron jälkeen', 'luottamuksellinen', 'Kodin salaisuus', 'Bean jäsenviesti', 'jasenille', 'kotijasenet', secret.id, homeSecret.id, closed.id, home.id]) {
      assert.deepEqual(wire.find(word), [], `"${word}" left a node`);
    }
    wire.stop();
    for (const [node, id] of [[a, secret.id], [a, moved.id], [b, homeSecret.id]] as const) {
      assert.equal((await fetch(`${node.url}/ap/threads/${id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
    }

    const forum = await mirrored(b);
    const stopped = await bea.submit('/following', {}, `/following/${forum!.id}/stop`);
    assert.ok(stopped.status < 400);
    await until('b no longer follows', async () => (await a.database.db.select().from(followers).where(and(eq(followers.actor, 'avoin'), eq(followers.follower, `${b.url}/ap/actors/_node`)))).length === 0);
    await makeThread(a.database.db, a.people.sini!, open, 'Vain Cecilialle', 'Tämä menee enää kolmannelle.');
    await until('on the third node', async () => (await copies(c, 'enää kolmannelle')).length === 1);
    assert.equal((await copies(b, 'enää kolmannelle')).length, 0);
  });
});
