// The regional network's policy between three running nodes: A and B become partners through
// their admins' network pages (a request, then an acceptance); in allowlist mode A talks only to
// B, refusing C's follows, posts and reads; in open mode a blocked C is refused, and lifting the
// block lets it back in.
import assert from 'node:assert/strict';
import { and, eq, like } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { signedIn } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import { errorsOf, type Client } from '../support/client.ts';
import { posts } from '../../server/forums/forums.tables.ts';
import { federationPeers, federationServers, followers, remoteForums } from '../../federation/federation.tables.ts';
import { forums } from '../../server/forums/forums.tables.ts';

describe('federation: partner nodes and the federation policy', function () {
  this.timeout(240_000);
  const env = { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' };
  let a: SetUpTestNode;
  let b: SetUpTestNode;
  let c: SetUpTestNode;
  let adminA: Client;
  let adminB: Client;

  const server = async (node: SetUpTestNode, other: SetUpTestNode) => (await node.database.db.select().from(federationServers).where(eq(federationServers.host, new URL(other.url).host)))[0];
  const copies = (node: SetUpTestNode, words: string) => node.database.db.select().from(posts).where(like(posts.body, `%${words}%`));
  const followsForum = async (node: SetUpTestNode, slug: string, follower: SetUpTestNode) =>
    (await node.database.db.select().from(followers).where(and(eq(followers.actor, slug), eq(followers.follower, `${follower.url}/ap/actors/_node`)))).length > 0;
  const stateAt = async (node: SetUpTestNode, group: string) => (await node.database.db.select({ state: remoteForums.state }).from(remoteForums).innerJoin(forums, eq(forums.id, remoteForums.forumId)).where(eq(forums.iri, group)))[0]?.state;

  before(async () => {
    [a, b, c] = await Promise.all([
      startSetUpNode({ env, people: ['sini'] }),
      startSetUpNode({ env, people: ['bea'] }),
      startSetUpNode({ env, people: ['cecilia'] }),
    ]);
    for (const [node, slug] of [[a, 'avoin'], [a, 'toinen']] as const) await makeForum(node.database.db, slug, 'public');
    adminA = await signedIn(a.url, 'admin_anna');
    adminB = await signedIn(b.url, 'admin_anna');
  });
  after(async () => {
    await Promise.all([a, b, c].map((node) => node?.close()));
  });

  it('makes two nodes partners: a request on one side, accepted by the other admin', async () => {
    const wrong = await adminA.submit('/admin/federation/network', { address: 'ei osoite' }, '/admin/federation/network/partners');
    assert.equal(wrong.status, 422);
    assert.equal(wrong.$('#field-address').val(), 'ei osoite', 'what was typed comes back');
    assert.match(errorsOf(wrong), /address/i);
    const own = await adminA.submit('/admin/federation/network', { address: a.url }, '/admin/federation/network/partners');
    assert.equal(own.status, 422);

    // By the site's own address: the node's actor is found by WebFinger (FEP-d556).
    const added = await adminA.submit('/admin/federation/network', { address: b.url }, '/admin/federation/network/partners');
    assert.ok(added.status < 400, `add: ${added.status}`);
    await until('the request on B', async () => (await server(b, a))?.theirFollow === 'pending');
    const requests = await adminB.get('/admin/federation/network');
    assert.match(requests.$('main').text(), new RegExp(new URL(a.url).host));
    assert.equal((await server(b, a))!.partner, false, 'nothing is decided for B’s admin');

    const accepted = await adminB.submit('/admin/federation/network', { address: (await server(b, a))!.actor! }, '/admin/federation/network/partners');
    assert.ok(accepted.status < 400, `accept: ${accepted.status}`);
    await until('following each other', async () => {
      const [atA, atB] = [await server(a, b), await server(b, a)];
      return atA?.ourFollow === 'accepted' && atA.theirFollow === 'accepted' && atB?.ourFollow === 'accepted' && atB.theirFollow === 'accepted';
    });
    const page = await adminA.get('/admin/federation/network');
    assert.match(page.$('main').text(), /following each other/);
    // Members never see this page.
    assert.equal((await (await signedIn(a.url, 'sini')).get('/admin/federation/network')).status, 403);
  });

  it('in allowlist mode talks only to partners: C’s follows, posts and reads are refused', async () => {
    const saved = await adminA.submit('/admin/federation/network', { mode: 'allowlist' }, '/admin/federation/network/mode');
    assert.ok(saved.status < 400);
    await makeThread(a.database.db, a.people.sini!, (await a.database.db.query.forums.findFirst({ where: eq(forums.slug, 'avoin') }))!, 'Kumppaneille', 'Vain kumppanit lukevat tämän.');

    // A partner's member follows and reads at once: B's fetches are signed by B and let through.
    const bea = await signedIn(b.url, 'bea');
    assert.equal((await bea.submit('/following', { address: `${a.url}/ap/actors/avoin` }, '/following')).status, 200);
    await until('B follows', () => followsForum(a, 'avoin', b));
    await until('the earlier thread on B', async () => (await copies(b, 'Vain kumppanit')).length === 1);

    // C's member tries the same: the Follow is refused at A's inbox.
    const cecilia = await signedIn(c.url, 'cecilia');
    await cecilia.submit('/following', { address: `${a.url}/ap/actors/avoin` }, '/following');
    await until('C’s Follow refused at A', async () => (await c.database.db.select().from(federationPeers)).some((peer) => peer.host === new URL(a.url).host && peer.lastError.startsWith('403')));
    assert.equal(await followsForum(a, 'avoin', c), false);
    assert.equal(await stateAt(c, `${a.url}/ap/actors/avoin`), 'pending');

    // A post claiming to be signed by C is refused before its body is read; an unsigned read too.
    const post = await fetch(`${a.url}/ap/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json', signature: `keyId="${c.url}/ap/actors/_node#main-key",algorithm="rsa-sha256",headers="(request-target)",signature="eA=="` },
      body: JSON.stringify({ type: 'Create', actor: `${c.url}/ap/actors/x` }),
    });
    assert.equal(post.status, 403);
    const [thread] = await copies(a, 'Vain kumppanit');
    const read = await fetch(`${a.url}/ap/threads/${thread!.threadId}`, { headers: { accept: 'application/activity+json' } });
    assert.equal(read.status, 403);
    // The group's own document, with the key every signature is checked with, stays readable.
    assert.equal((await fetch(`${a.url}/ap/actors/avoin`, { headers: { accept: 'application/activity+json' } })).status, 200);
    // C's member is told plainly why, if they try from C again once C knows A's policy… and A's
    // member cannot follow anything on C either.
    const sini = await signedIn(a.url, 'sini');
    const refused = await sini.submit('/following', { address: `${c.url}/ap/actors/anything` }, '/following');
    assert.equal(refused.status, 422);
    assert.match(errorsOf(refused), /not connected/);
  });

  it('in open mode refuses a blocked server, and lifting the block lets it back in', async () => {
    assert.ok((await adminA.submit('/admin/federation/network', { mode: 'open' }, '/admin/federation/network/mode')).status < 400);
    const bad = await adminA.submit('/admin/federation/network', { host: 'ei kelpaa!' }, '/admin/federation/network/blocked');
    assert.equal(bad.status, 422);
    assert.equal(bad.$('#field-host').val(), 'ei kelpaa!');
    assert.ok((await adminA.submit('/admin/federation/network', { host: c.url }, '/admin/federation/network/blocked')).status < 400);
    assert.equal((await server(a, c))?.blocked, true);

    // C's earlier Follow, tried again, is still refused; a new one too.
    const cecilia = await signedIn(c.url, 'cecilia');
    await cecilia.submit('/following', { address: `${a.url}/ap/actors/toinen` }, '/following');
    const signedRead = await fetch(`${a.url}/ap/actors/toinen/outbox`, {
      headers: { accept: 'application/activity+json', signature: `keyId="${c.url}/ap/actors/_node#main-key",algorithm="rsa-sha256",headers="(request-target)",signature="eA=="` },
    });
    assert.equal(signedRead.status, 403, 'a read signed by the blocked server');
    await until('C’s Follow refused at A', async () => (await c.database.db.select().from(federationPeers)).some((peer) => peer.host === new URL(a.url).host && peer.lastError.startsWith('403')));
    assert.equal(await followsForum(a, 'toinen', c), false);

    assert.ok((await adminA.submit('/admin/federation/network', {}, `/admin/federation/network/blocked/${encodeURIComponent(new URL(c.url).host)}/remove`)).status < 400);
    // Fedify tries the refused Follow again (5 s, then doubling): it is taken now.
    await until('C follows', () => followsForum(a, 'toinen', c), 120_000);
    await until('accepted on C', async () => (await stateAt(c, `${a.url}/ap/actors/toinen`)) === 'accepted');
  });
});
