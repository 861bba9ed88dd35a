// Attacks on the inbox and on fetching, sent by a server that is not Fedify: each is refused and
// changes nothing, while the same server's honest activity is taken.
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { contexts, rsaKeys, startForeignPeer, type ForeignPeer } from '../support/foreign-peer.ts';
import { signedIn } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { posts } from '../../server/forums/forums.tables.ts';
import { federationQueue } from '../../federation/federation.tables.ts';
import { paths } from '../../server/paths.ts';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

describe('federation: attacks', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let peer: ForeignPeer;
  let other: ForeignPeer;
  let thread: Thread;
  let alice: ReturnType<ForeignPeer['actor']>;
  let mallory: ReturnType<ForeignPeer['actor']>;
  let written = 0;

  const inbox = () => `${node.url}/ap/actors/avoin/inbox`;
  const group = () => `${node.url}/ap/actors/avoin`;
  /** A public reply by someone on a server, kept there at its id. */
  const reply = (server: ForeignPeer, author: string, content: string) => {
    const id = `${server.url}/notes/${++written}`;
    const note = { '@context': contexts, id, type: 'Note', attributedTo: author, content, inReplyTo: `${node.url}/ap/threads/${thread.id}`, to: [PUBLIC], cc: [group()] };
    server.documents.set(new URL(id).pathname, note);
    return note;
  };
  const create = (actor: string, object: { id: string; to: string[]; cc: string[] }) => ({ '@context': contexts, id: `${object.id}/create`, type: 'Create', actor, object, to: object.to, cc: object.cc });
  const stored = (id: string) => node.database.db.select().from(posts).where(eq(posts.iri, id));
  const settled = () => until('the inbox queue handled', async () => (await node.database.db.select().from(federationQueue)).length === 0);

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini'] });
    const forum = await makeForum(node.database.db, 'avoin', 'public', { replyPolicy: 'members_and_remote' });
    thread = await makeThread(node.database.db, node.people.sini!, forum, 'Avoin ketju', 'Tervetuloa.');
    peer = await startForeignPeer();
    other = await startForeignPeer();
    alice = peer.actor('alice');
    mallory = other.actor('mallory');
  });
  after(async () => {
    await Promise.all([peer?.close(), other?.close()]);
    await node?.close();
  });

  it('takes an honest reply signed by a non-Fedify signer', async () => {
    const note = reply(peer, alice.id, '<p>Rehellinen vastaus</p>');
    const answer = await peer.send(inbox(), create(alice.id, note), alice);
    assert.ok(answer.status >= 200 && answer.status < 300, `status ${answer.status}`);
    await until('stored', async () => (await stored(note.id)).length === 1);
  });

  it('refuses a key whose document claims an owner that does not list it (GHSA-q9f8-5hc7-898f)', async () => {
    const forged = rsaKeys();
    const keyId = `${other.url}/keys/forged`;
    other.documents.set('/keys/forged', { '@context': contexts, id: keyId, type: 'Key', owner: alice.id, publicKeyPem: forged.publicKeyPem });
    const note = reply(peer, alice.id, '<p>Väärennetty avain</p>');
    const answer = await other.send(inbox(), create(alice.id, note), { keyId, keys: forged });
    assert.ok(answer.status >= 400, `status ${answer.status}`);
    await settled();
    assert.equal((await stored(note.id)).length, 0);
  });

  it('refuses an activity whose actor is not its signer', async () => {
    const note = reply(peer, alice.id, '<p>Toisen nimissä</p>');
    const answer = await other.send(inbox(), create(alice.id, note), mallory);
    assert.ok(answer.status >= 400, `status ${answer.status}`);
    await settled();
    assert.equal((await stored(note.id)).length, 0);
  });

  it('refuses an object from another origin than its actor', async () => {
    const note = reply(other, alice.id, '<p>Väärältä palvelimelta</p>');
    await peer.send(inbox(), create(alice.id, note), alice);
    await settled();
    assert.equal((await stored(note.id)).length, 0);
  });

  it('refuses a stale signature, and a replay changes nothing', async () => {
    const note = reply(peer, alice.id, '<p>Vanha allekirjoitus</p>');
    const stale = await peer.send(inbox(), create(alice.id, note), alice, { date: new Date(Date.now() - 2 * 3600_000) });
    assert.ok(stale.status >= 400, `status ${stale.status}`);
    await settled();
    assert.equal((await stored(note.id)).length, 0);

    const fresh = reply(peer, alice.id, '<p>Kahdesti lähetetty</p>');
    await peer.send(inbox(), create(alice.id, fresh), alice);
    await peer.send(inbox(), create(alice.id, fresh), alice);
    await settled();
    assert.equal((await stored(fresh.id)).length, 1);
  });

  it('refuses a Delete from a server that is not the post’s', async () => {
    const [kept] = await node.database.db.select().from(posts).where(eq(posts.body, 'Rehellinen vastaus'));
    const deletion = { '@context': contexts, id: `${mallory.id}/delete/1`, type: 'Delete', actor: mallory.id, object: kept!.iri, to: [PUBLIC] };
    await other.send(inbox(), deletion, mallory);
    await settled();
    assert.equal((await stored(kept!.iri!))[0]!.deletedAt, null);
  });
});

describe('federation: the inbox limit', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let peer: ForeignPeer;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true', FEDERATION_INBOX_LIMIT: '5' }, people: ['sini'] });
    await makeForum(node.database.db, 'avoin', 'public');
    peer = await startForeignPeer();
  });
  after(async () => {
    await peer?.close();
    await node?.close();
  });

  it('answers 429 to a server that posts more than its share in a minute, and pages are not affected', async () => {
    const flooder = peer.actor('tulva');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const follow = { '@context': contexts, id: `${flooder.id}/follows/${i}`, type: 'Follow', actor: flooder.id, object: `${node.url}/ap/actors/avoin` };
      statuses.push((await peer.send(`${node.url}/ap/actors/avoin/inbox`, follow, flooder)).status);
    }
    assert.ok(statuses.slice(0, 5).every((status) => status < 300), statuses.join(' '));
    assert.deepEqual(statuses.slice(5), [429, 429]);
    const pages = await fetch(`${node.url}/forums`);
    assert.equal(pages.status, 200, 'pages are not limited by it');
  });
});

describe('federation: fetching stays off private addresses outside tests', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let peer: ForeignPeer;

  before(async () => {
    node = await startSetUpNode({ people: ['bea'] });
    peer = await startForeignPeer();
    peer.actor('ryhma', 'Group');
  });
  after(async () => {
    await peer?.close();
    await node?.close();
  });

  it('will not follow a group on a loopback address, and never asks it anything', async () => {
    const bea = await signedIn(node.url, 'bea');
    const page = await bea.submit('/following', { address: `${peer.url}/users/ryhma` });
    assert.equal(page.status, 422);
    assert.deepEqual(peer.requests, []);
  });
});
