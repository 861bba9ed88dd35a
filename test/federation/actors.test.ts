// The node on the fediverse, as another server sees it: WebFinger, actors with their keys,
// NodeInfo; and nothing at all for what is members-only or a closed group's space.
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { actorKeys } from '../../federation/federation.tables.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';

const activityJson = { accept: 'application/activity+json' };

describe('federation: actors, WebFinger and NodeInfo', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let host: string;
  let spaceSlug: string;

  before(async () => {
    node = await startSetUpNode({ people: ['sini'] });
    const db = node.database.db;
    host = new URL(node.url).host;
    const open = await makeForum(db, 'avoin', 'public');
    const closed = await makeForum(db, 'jasenille', 'members');
    await makeThread(db, node.people.sini!, open, 'Avoin ketju', 'Kaikille näkyvä viesti.');
    await makeThread(db, node.people.sini!, closed, 'Salainen ketju', 'Vain jäsenille tarkoitettu viesti.');
    const group = await makeGroup(db, { joinPolicy: 'closed', slug: 'suljettu' });
    spaceSlug = (await spaceOf(db, group.id))!.slug;
  });
  after(() => node.close());

  it('finds a public forum by its handle, and serves it as a Group with keys, inbox and followers', async () => {
    const finger = await fetch(`${node.url}/.well-known/webfinger?resource=${encodeURIComponent(`acct:avoin@${host}`)}`);
    assert.equal(finger.status, 200);
    const jrd = (await finger.json()) as { subject: string; links: { rel: string; type?: string; href: string }[] };
    const self = jrd.links.find((link) => link.rel === 'self' && link.type === 'application/activity+json');
    assert.ok(self, JSON.stringify(jrd));

    const response = await fetch(self.href, { headers: activityJson });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /activity\+json/);
    const group = (await response.json()) as Record<string, unknown>;
    assert.equal(group.type, 'Group');
    assert.equal(group.id, self.href);
    assert.equal(group.preferredUsername, 'avoin');
    assert.equal(group.name, 'Forum avoin');
    assert.equal(group.url, `${node.url}/forums/avoin`);
    for (const field of ['inbox', 'followers']) assert.match(String(group[field]), new RegExp(`^${node.url}/ap/`), field);
    assert.equal((group.endpoints as { sharedInbox: string }).sharedInbox, `${node.url}/ap/inbox`);
    assert.match((group.publicKey as { publicKeyPem: string }).publicKeyPem, /BEGIN PUBLIC KEY/);
    const multikeys = group.assertionMethod as { publicKeyMultibase: string }[];
    assert.ok(multikeys.some((key) => key.publicKeyMultibase.startsWith('z6Mk')), 'an Ed25519 key for proofs');

    // The keys are made once and kept: the next read shows the same key.
    const again = (await (await fetch(self.href, { headers: activityJson })).json()) as typeof group;
    assert.deepEqual(again.publicKey, group.publicKey);
    const kept = await node.database.db.select().from(actorKeys).where(eq(actorKeys.actor, 'avoin'));
    assert.deepEqual(kept.map((k) => k.kind).sort(), ['Ed25519', 'RSASSA-PKCS1-v1_5']);
  });

  it('has no actor, id or handle for a members-only forum or a closed group\'s space', async () => {
    for (const slug of ['jasenille', spaceSlug, 'ei-ole']) {
      const actor = await fetch(`${node.url}/ap/actors/${slug}`, { headers: activityJson });
      assert.equal(actor.status, 404, `actor ${slug}`);
      assert.doesNotMatch(await actor.text(), /Salainen|Vain jäsenille|Forum jasenille/);
      const finger = await fetch(`${node.url}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${slug}@${host}`)}`);
      assert.equal(finger.status, 404, `handle ${slug}`);
      const followers = await fetch(`${node.url}/ap/actors/${slug}/followers`, { headers: activityJson });
      assert.equal(followers.status, 404, `followers of ${slug}`);
    }
    assert.equal((await node.database.db.select().from(actorKeys).where(eq(actorKeys.actor, 'jasenille'))).length, 0, 'no keys were made for it');
    // Asking a page for ActivityPub JSON reveals nothing either.
    const page = await fetch(`${node.url}/forums/jasenille`, { headers: activityJson });
    assert.notEqual(page.status, 200);
    assert.doesNotMatch(await page.text(), /Salainen ketju/);
  });

  it('serves the node itself as an Application actor, found by the server\'s own handle', async () => {
    const finger = await fetch(`${node.url}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${new URL(node.url).hostname}@${host}`)}`);
    assert.equal(finger.status, 200);
    const actor = (await (await fetch(`${node.url}/ap/actors/_node`, { headers: activityJson })).json()) as Record<string, unknown>;
    assert.equal(actor.type, 'Application');
    assert.equal(actor.name, 'Testiyhdistys');
  });

  it('answers NodeInfo 2.1, counting only what is public', async () => {
    const wellKnown = (await (await fetch(`${node.url}/.well-known/nodeinfo`)).json()) as { links: { rel: string; href: string }[] };
    const link = wellKnown.links.find((l) => l.rel.endsWith('/schema/2.1'));
    assert.ok(link);
    const info = (await (await fetch(link.href)).json()) as { software: { name: string }; protocols: string[]; openRegistrations: boolean; usage: { users: { total: number }; localPosts: number } };
    assert.equal(info.software.name, 'kohtaamo');
    assert.deepEqual(info.protocols, ['activitypub']);
    assert.equal(info.openRegistrations, true);
    assert.equal(info.usage.users.total, 2);
    assert.equal(info.usage.localPosts, 1, 'the members-only post is not counted');
  });

  it('refuses a body over 1 MiB before reading it, and a malformed activity without stopping', async () => {
    const big = await fetch(`${node.url}/ap/inbox`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: 'x'.repeat(1024 * 1024 + 1) });
    assert.equal(big.status, 413);
    const broken = await fetch(`${node.url}/ap/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json' },
      body: JSON.stringify({ '@context': 'https://unreachable.invalid/context.jsonld', type: 'Create', actor: 'https://unreachable.invalid/u' }),
    });
    assert.ok(broken.status >= 400 && broken.status < 500, `answered ${broken.status}`);
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200, 'the node still serves');
    // Ordinary forms are untouched by the federation adapter.
    assert.equal((await fetch(`${node.url}/login`)).status, 200);
  });
});
