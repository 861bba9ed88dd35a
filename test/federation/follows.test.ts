// Someone on another server follows a public forum: the Follow is accepted and kept; Undo ends it.
// A members-only forum cannot be followed at all. Real HTTP signatures both ways, on loopback.
import assert from 'node:assert/strict';
import { count, eq } from 'drizzle-orm';
import { Follow, Undo, Accept } from '@fedify/vocab';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum } from '../support/forums.ts';
import { startRemoteActor, type RemoteActor } from '../support/remote-actor.ts';
import { until } from '../support/until.ts';
import { federationQueue, followers } from '../../federation/federation.tables.ts';

describe('federation: following a public forum', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;
  const actorOf = (slug: string) => ({ id: new URL(`${node.url}/ap/actors/${slug}`), inboxId: new URL(`${node.url}/ap/actors/${slug}/inbox`) });
  const followerRows = async (slug: string) => node.database.db.select().from(followers).where(eq(followers.actor, slug));
  const queueEmpty = async () => (await node.database.db.select({ n: count() }).from(federationQueue))[0]!.n === 0;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' } });
    await makeForum(node.database.db, 'avoin', 'public');
    await makeForum(node.database.db, 'jasenille', 'members');
    alice = await startRemoteActor();
  });
  after(async () => {
    await alice.close();
    await node.close();
  });

  it('accepts a Follow, keeps the follower, and counts (but does not list) the followers', async () => {
    const group = actorOf('avoin');
    await alice.send(group, (actor) => new Follow({ id: new URL(`${alice.url}/follows/1`), actor, object: group.id }));
    await until('the Accept', () => alice.received.some((a) => a instanceof Accept));
    const accept = alice.received.find((a) => a instanceof Accept)!;
    assert.equal(accept.actorId?.href, group.id.href);
    assert.equal(accept.objectId?.href, `${alice.url}/follows/1`);
    const rows = await followerRows('avoin');
    assert.deepEqual(rows.map((r) => [r.follower, r.inbox]), [[alice.actor.href, `${alice.url}/users/alice/inbox`]]);

    const collection = (await (await fetch(`${node.url}/ap/actors/avoin/followers`, { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>;
    assert.equal(collection.totalItems, 1);
    assert.doesNotMatch(JSON.stringify(collection), /alice/, 'who follows is not shown');
  });

  it('ends the following on Undo from the follower', async () => {
    const group = actorOf('avoin');
    await alice.send(group, (actor) => new Undo({ id: new URL(`${alice.url}/undo/1`), actor, object: new Follow({ id: new URL(`${alice.url}/follows/1`), actor, object: group.id }) }));
    await until('the follower gone', async () => (await followerRows('avoin')).length === 0);
  });

  it('never accepts a Follow of a members-only forum', async () => {
    const before = alice.received.length;
    const closed = actorOf('jasenille');
    // Our inbox for a forum that has no actor does not exist; the shared inbox takes it, and nothing follows from it.
    await alice.send({ id: closed.id, inboxId: new URL(`${node.url}/ap/inbox`) }, (actor) => new Follow({ id: new URL(`${alice.url}/follows/2`), actor, object: closed.id }));
    await until('the queue handled it', queueEmpty);
    assert.equal((await followerRows('jasenille')).length, 0);
    assert.equal(alice.received.length, before, 'no Accept came back');
  });
});
