// A member posts in a public forum and the forum's followers on other servers get it, signed and
// announced by the forum; what is members-only never leaves the node in any request.
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { closeServers } from '../support/process.ts';
import { Announce, Create, Delete, Note, Page, Update } from '@fedify/vocab';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { followForum, startRemoteActor, type RemoteActor } from '../support/remote-actor.ts';
import { until } from '../support/until.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

async function listenOn(handler: RequestListener): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('federation: posts reach the followers of a public forum', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;
  let open: Forum;
  let closed: Forum;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini', 'toinen'] });
    open = await makeForum(node.database.db, 'avoin', 'public');
    closed = await makeForum(node.database.db, 'jasenille', 'members');
    alice = await startRemoteActor();
    await followForum(alice, node.url, 'avoin');
  });
  after(async () => {
    await alice?.close();
    await node?.close();
  });

  it('announces a new thread as Create(Page) and as the Page itself, and a reply as Create(Note)', async () => {
    const db = node.database.db;
    const thread = await makeThread(db, node.people.sini!, open, 'Aamun ajatuksia', 'Hyvää huomenta kaikille.');
    await until('the thread announced twice', () => alice.received.filter((a) => a instanceof Announce).length >= 2);
    const announces = alice.received.filter((a): a is Announce => a instanceof Announce);
    assert.ok(announces.every((a) => a.actorId?.href === `${node.url}/ap/actors/avoin`), 'announced by the forum');
    const inner = await Promise.all(announces.map((a) => a.getObject()));
    const create = inner.find((o): o is Create => o instanceof Create)!;
    assert.ok(create, 'an announced Create');
    const page = (await create.getObject()) as Page;
    assert.ok(page instanceof Page);
    assert.equal(page.name?.toString(), 'Aamun ajatuksia');
    assert.match(page.content?.toString() ?? '', /Hyvää huomenta/);
    assert.equal(page.id?.href, `${node.url}/ap/threads/${thread.id}`);
    assert.ok(inner.some((o) => o instanceof Page), 'the Page itself, for Mastodon');
    // The Page is served at its id, and the author is a Person with keys.
    const served = await fetch(page.id!, { headers: { accept: 'application/activity+json' } });
    assert.equal(served.status, 200);
    const json = await served.text();
    assert.match(json, /"https:\/\/www\.w3\.org\/ns\/activitystreams#Public"/, 'the full Public IRI, which Lemmy requires');
    assert.doesNotMatch(json, /"as:Public"/);
    assert.equal(Number(served.headers.get('content-length')), Buffer.byteLength(json));
    const author = (await (await fetch(create.actorId!, { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>;
    assert.equal(author.type, 'Person');
    assert.equal(author.preferredUsername, 'sini');
    assert.equal(author.summary, undefined, 'no profile text leaves the node');

    // Every activity's id answers (servers re-fetch one passed on by another): the post by its id only.
    for (const activity of [create, ...announces]) {
      const fetched = await fetch(activity.id!, { headers: { accept: 'application/activity+json' } });
      assert.equal(fetched.status, 200, activity.id!.href);
      const body = (await fetched.json()) as Record<string, unknown>;
      assert.equal(body.id, activity.id!.href);
      assert.ok(['Create', 'Announce'].includes(String(body.type)));
      assert.equal(typeof body.object, 'string', 'the object by its id, fetched as it is now');
      assert.doesNotMatch(JSON.stringify(body), /Hyvää huomenta|"as:Public"/);
    }

    const before = alice.received.length;
    await makeReply(db, node.people.toinen!, open, thread, 'Huomenta!');
    await until('the reply', () => alice.received.length > before);
    const reply = await ((await (alice.received.at(-1) as Announce).getObject()) as Create).getObject();
    assert.ok(reply instanceof Note);
    assert.equal(reply.replyTargetId?.href, page.id?.href);
  });

  it('never sends or serves anything members-only', async () => {
    const db = node.database.db;
    const secret = await makeThread(db, node.people.sini!, closed, 'Salainen otsikko', 'Vain jäsenille tarkoitettu teksti.');
    await makeReply(db, node.people.toinen!, closed, secret, 'Salainen vastaus.');
    // A public post after them: once it arrives, anything sent before it has arrived too.
    const marker = await makeThread(db, node.people.toinen!, open, 'Merkki', 'Tämä on julkinen.');
    await until('the marker', () => alice.bodies.some((body) => body.includes(marker.id)));
    for (const body of alice.bodies) {
      assert.doesNotMatch(body, /Salainen|Vain jäsenille|jasenille/);
      // Lemmy 0.19 refuses the compact form of the Public address.
      assert.doesNotMatch(body, /"as:Public"/);
    }
    assert.equal((await fetch(`${node.url}/ap/threads/${secret.id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
    for (const collection of ['context', 'replies']) {
      assert.equal((await fetch(`${node.url}/ap/threads/${secret.id}/${collection}`, { headers: { accept: 'application/activity+json' } })).status, 404, collection);
    }
    for (const collection of ['outbox', 'featured', 'followers']) {
      assert.equal((await fetch(`${node.url}/ap/actors/jasenille/${collection}`, { headers: { accept: 'application/activity+json' } })).status, 404, collection);
    }
    const outbox = await (await fetch(`${node.url}/ap/actors/avoin/outbox?cursor=0`, { headers: { accept: 'application/activity+json' } })).text();
    assert.doesNotMatch(outbox, /Salainen|Vain jäsenille/);
    // Toinen has public posts, but nobody who wrote only members-only has an actor.
    const onlyMembers = await node.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'admin_anna') });
    assert.equal((await fetch(`${node.url}/ap/actors/${onlyMembers!.id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
  });
});

describe('federation: edits, deletions, removals and moves reach the followers', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;
  let open: Forum;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini', ['moderaattori_maija', 'moderator']] });
    open = await makeForum(node.database.db, 'avoin', 'public');
    await makeForum(node.database.db, 'jasenille', 'members');
    alice = await startRemoteActor();
    await followForum(alice, node.url, 'avoin');
  });
  after(async () => {
    await alice?.close();
    await node?.close();
  });

  /** The next activity announced to alice, unwrapped. */
  const nextInner = async (count: number) => {
    await until(`announcement ${count}`, () => alice.received.length > count);
    return (alice.received[count] as Announce).getObject();
  };

  it('sends an edit as Update, a deletion and a removal as Delete, a move out of public view as Delete', async () => {
    const db = node.database.db;
    const { findPost, editPost, deletePost, findThread } = await import('../../server/forums/threads.service.ts');
    const { removePost, moveThread } = await import('../../server/moderation/moderation.service.ts');
    const thread = await makeThread(db, node.people.sini!, open, 'Muokattava', 'Ensimmäinen versio.');
    let seen = alice.received.length;
    await until('the new thread', () => alice.received.length >= seen + 2);
    seen = alice.received.length;

    const reply = await makeReply(db, node.people.sini!, open, thread, 'Vastaus, joka poistetaan.');
    const replyCreate = await nextInner(seen);
    seen = alice.received.length;
    const opening = (await db.query.posts.findFirst({ where: (p, { and, eq }) => and(eq(p.threadId, thread.id), eq(p.number, 1)) }))!;
    assert.ok((await editPost(db, node.people.sini!, (await findPost(db, opening.id))!, { title: 'Muokattava', body: 'Toinen versio.', contentWarning: '' })).ok);
    const update = await nextInner(seen);
    assert.ok(update instanceof Update, `got ${update?.constructor.name}`);
    assert.match(((await update.getObject()) as Page).content?.toString() ?? '', /Toinen versio/);
    await until('the edited Page as well', () => alice.received.length >= seen + 2);
    seen = alice.received.length;

    assert.ok((await deletePost(db, node.people.sini!, (await findPost(db, reply.id))!)).ok);
    const deleted = await nextInner(seen);
    assert.ok(deleted instanceof Delete);
    assert.equal(deleted.objectId?.href, `${node.url}/ap/posts/${reply.id}`);
    // Once a post is gone, the activities about it no longer answer; the deletion does.
    const status = async (id: URL | null | undefined) => (await fetch(id!, { headers: { accept: 'application/activity+json' } })).status;
    assert.equal(await status(replyCreate?.id), 404);
    assert.equal(await status(deleted.id), 200);
    seen = alice.received.length;

    const another = await makeReply(db, node.people.sini!, open, thread, 'Asiaton vastaus.');
    await nextInner(seen);
    seen = alice.received.length;
    assert.ok((await removePost(db, node.people.moderaattori_maija!, (await findPost(db, another.id))!, { reason: 'Asiaton' })).ok);
    const removed = await nextInner(seen);
    assert.ok(removed instanceof Delete);
    assert.equal(removed.objectId?.href, `${node.url}/ap/posts/${another.id}`);
    seen = alice.received.length;

    const membersOnly = (await db.query.forums.findFirst({ where: (f, { eq }) => eq(f.slug, 'jasenille') }))!;
    assert.ok((await moveThread(db, node.people.moderaattori_maija!, (await findThread(db, thread.id))!, { forumId: membersOnly.id, reason: '' })).ok);
    const moved = await nextInner(seen);
    assert.ok(moved instanceof Delete);
    assert.equal(moved.objectId?.href, `${node.url}/ap/threads/${thread.id}`);
    assert.equal((await fetch(`${node.url}/ap/threads/${thread.id}`, { headers: { accept: 'application/activity+json' } })).status, 404, 'no longer served');
  });
});

describe('federation: a member who deletes their account', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['lahtija', 'sini'] });
    alice = await startRemoteActor();
  });
  after(async () => {
    await alice?.close();
    await node?.close();
  });

  it('takes their public words off the network: each post withdrawn, and their actor gone', async () => {
    const db = node.database.db;
    const open = await makeForum(db, 'avoin', 'public');
    const closed = await makeForum(db, 'jasenille', 'members');
    await followForum(alice, node.url, 'avoin');
    const leaver = node.people.lahtija!;
    const thread = await makeThread(db, leaver, open, 'Lähtijän ketju', 'Ensimmäinen.');
    const other = await makeThread(db, node.people.sini!, open, 'Sinin ketju', 'Toinen.');
    const reply = await makeReply(db, leaver, open, other, 'Lähtijän vastaus.');
    await makeThread(db, leaver, closed, 'Jäsenten ketju', 'Ei koskaan ulos.');
    await until('the posts delivered', () => alice.bodies.some((body) => body.includes(reply.id)));
    assert.equal((await fetch(`${node.url}/ap/actors/${leaver.id}`, { headers: { accept: 'application/activity+json' } })).status, 200);
    const seen = alice.received.length;

    const { deleteAccount } = await import('../../server/account-data/account-data.service.ts');
    const { password } = await import('../support/fixtures.ts');
    assert.ok((await deleteAccount(db, leaver, password)).ok);
    await until('two deletions', () => alice.received.slice(seen).filter((a) => a instanceof Announce).length >= 2);
    const deleted = await Promise.all(alice.received.slice(seen).map((a) => (a as Announce).getObject()));
    assert.ok(deleted.every((a) => a instanceof Delete));
    assert.deepEqual(deleted.map((d) => (d as Delete).objectId?.href).sort(), [`${node.url}/ap/posts/${reply.id}`, `${node.url}/ap/threads/${thread.id}`].sort());
    assert.equal((await fetch(`${node.url}/ap/threads/${thread.id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
    assert.equal((await fetch(`${node.url}/ap/actors/${leaver.id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
    for (const body of alice.bodies) assert.doesNotMatch(body, /Jäsenten ketju/);
  });
});

describe('federation: a public forum made members-only', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini'] });
    alice = await startRemoteActor();
  });
  after(async () => {
    await alice?.close();
    await node?.close();
  });

  it('asks its followers to delete every conversation they were sent, and the forum is no longer an actor', async () => {
    const db = node.database.db;
    const forum = await makeForum(db, 'suljettava', 'public');
    await followForum(alice, node.url, 'suljettava');
    const first = await makeThread(db, node.people.sini!, forum, 'Ensimmäinen', 'Yksi.');
    const second = await makeThread(db, node.people.sini!, forum, 'Toinen', 'Kaksi.');
    await until('both delivered', () => alice.bodies.some((b) => b.includes(first.id)) && alice.bodies.some((b) => b.includes(second.id)));
    const seen = alice.received.length;

    const { saveForum } = await import('../../server/forums/forums.service.ts');
    const saved = await saveForum(db, forum.id, { ...forum, description: forum.description ?? '', rules: forum.rules ?? '', position: '0', archived: '', visibility: 'members' });
    assert.ok(saved.ok, JSON.stringify(saved));
    await until('two deletions', () => alice.received.slice(seen).filter((a) => a instanceof Delete).length >= 2);
    const deletions = alice.received.slice(seen).filter((a): a is Delete => a instanceof Delete);
    assert.deepEqual(deletions.map((d) => d.objectId?.href).sort(), [`${node.url}/ap/threads/${first.id}`, `${node.url}/ap/threads/${second.id}`].sort());
    assert.ok(deletions.every((d) => d.actorId?.href === `${node.url}/ap/actors/_node`), 'sent by the node itself');
    for (const id of [first.id, second.id]) assert.equal((await fetch(`${node.url}/ap/threads/${id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
    assert.equal((await fetch(`${node.url}/ap/actors/suljettava`, { headers: { accept: 'application/activity+json' } })).status, 404);

    // Nothing written there afterwards is sent anywhere.
    const { findForumBySlug } = await import('../../server/forums/forums.service.ts');
    const secret = await makeThread(db, node.people.sini!, (await findForumBySlug(db, 'suljettava'))!, 'Nyt jäsenille', 'Salaisuus.');
    const marker = await makeForum(db, 'merkki', 'public');
    await followForum(alice, node.url, 'merkki');
    const after = await makeThread(db, node.people.sini!, marker, 'Merkki', 'Julkinen.');
    await until('the marker', () => alice.bodies.some((b) => b.includes(after.id)));
    for (const body of alice.bodies) assert.ok(!body.includes(secret.id) && !body.includes('Salaisuus'));
  });
});

describe('federation: servers that are gone or not answering', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;
  let gone: Server;
  let broken: Server;
  const hits = { gone: 0, broken: 0 };

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini'] });
    alice = await startRemoteActor();
    gone = await listenOn((_req, res) => {
      hits.gone++;
      res.writeHead(410).end();
    });
    broken = await listenOn((_req, res) => {
      hits.broken++;
      res.writeHead(500).end('database is down');
    });
  });
  after(async () => {
    await alice?.close();
    await closeServers([gone, broken].filter((server) => server !== undefined));
    await node?.close();
  });

  it('drops a follower whose inbox answers 410, keeps trying one that fails, and shows it to the admin only', async () => {
    const db = node.database.db;
    const forum = await makeForum(db, 'avoin', 'public');
    await followForum(alice, node.url, 'avoin');
    const { followers } = await import('../../federation/federation.tables.ts');
    const address = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await db.insert(followers).values([
      { actor: 'avoin', follower: `${address(gone)}/users/poissa`, inbox: `${address(gone)}/users/poissa/inbox` },
      { actor: 'avoin', follower: `${address(broken)}/users/rikki`, inbox: `${address(broken)}/users/rikki/inbox` },
    ]);
    const thread = await makeThread(db, node.people.sini!, forum, 'Kaikille', 'Tämä lähtee kaikille seuraajille.');
    await until('alice has it', () => alice.bodies.some((b) => b.includes(thread.id)));
    await until('the gone follower dropped', async () => (await db.select().from(followers).where(eq(followers.follower, `${address(gone)}/users/poissa`))).length === 0);
    await until('the broken server tried again', () => hits.broken >= 2);
    assert.equal((await db.select().from(followers).where(eq(followers.follower, `${address(broken)}/users/rikki`))).length, 1, 'a failing server keeps its follower');

    const { signedIn } = await import('../support/fixtures.ts');
    const admin = await signedIn(node.url, 'admin_anna');
    const page = await admin.get('/admin/federation');
    assert.equal(page.status, 200);
    const text = page.$('main').text();
    assert.match(text, new RegExp(new URL(address(broken)).host.replace(/\./g, '\\.')));
    assert.match(text, /500 database is down/);
    assert.doesNotMatch(text, new RegExp(`${new URL(address(gone)).host.replace(/\./g, '\\.')}`), 'a dropped follower is not waited for');
    assert.match(text, /2 followers/);
    const member = await signedIn(node.url, 'sini');
    assert.equal((await member.get('/admin/federation')).status, 403);
  });
});
