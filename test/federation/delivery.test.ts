// A member posts in a public forum and the forum's followers on other servers get it, signed and
// announced by the forum; what is members-only never leaves the node in any request.
import assert from 'node:assert/strict';
import { Announce, Create, Follow, Page, Note } from '@fedify/vocab';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { startRemoteActor, type RemoteActor } from '../support/remote-actor.ts';
import type { Forum } from '../../server/forums/forums.service.ts';

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
    const group = { id: new URL(`${node.url}/ap/actors/avoin`), inboxId: new URL(`${node.url}/ap/actors/avoin/inbox`) };
    await alice.send(group, (actor) => new Follow({ id: new URL(`${alice.url}/follows/1`), actor, object: group.id }));
    await until('the Accept', () => alice.received.length > 0);
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
    const author = (await (await fetch(create.actorId!, { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>;
    assert.equal(author.type, 'Person');
    assert.equal(author.preferredUsername, 'sini');
    assert.equal(author.summary, undefined, 'no profile text leaves the node');

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
    for (const body of alice.bodies) assert.doesNotMatch(body, /Salainen|Vain jäsenille|jasenille/);
    assert.equal((await fetch(`${node.url}/ap/threads/${secret.id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
    // Toinen has public posts, but nobody who wrote only members-only has an actor.
    const onlyMembers = await node.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'admin_anna') });
    assert.equal((await fetch(`${node.url}/ap/actors/${onlyMembers!.id}`, { headers: { accept: 'application/activity+json' } })).status, 404);
  });
});
