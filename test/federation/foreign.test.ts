// Other software, written from its documented shapes and signed and verified with a library that
// is not Fedify: a Lemmy community and user, a Mastodon user and instance actor, a Mobilizon-like
// server that speaks only draft-cavage signatures.
import assert from 'node:assert/strict';
import { eq, like } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { contexts, startForeignPeer, type Delivery, type ForeignPeer } from '../support/foreign-peer.ts';
import { signedIn } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { forums, posts } from '../../server/forums/forums.tables.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';
import { federationQueue, remoteForums } from '../../federation/federation.tables.ts';
import { paths } from '../../server/paths.ts';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
const lemmyContext = [...contexts, { lemmy: 'https://join-lemmy.org/ns#', postingRestrictedToMods: 'lemmy:postingRestrictedToMods', sensitive: 'as:sensitive' }];

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);

describe('federation: Lemmy, Mastodon and Mobilizon shapes', function () {
  this.timeout(180_000);
  let node: SetUpTestNode;
  let lemmy: ForeignPeer;
  let mastodon: ForeignPeer;
  let mobilizon: ForeignPeer;
  let open: Forum;
  let thread: Thread;

  const settled = () => until('the inbox queue handled', async () => (await node.database.db.select().from(federationQueue)).length === 0);
  const bodies = (words: string) => node.database.db.select().from(posts).where(like(posts.body, `%${words}%`));

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini', 'bea', ['moderaattori_maija', 'moderator']] });
    open = await makeForum(node.database.db, 'avoin', 'public', { replyPolicy: 'members_and_remote' });
    thread = await makeThread(node.database.db, node.people.sini!, open, 'Avoin keskustelu', 'Tervetuloa kaikki.');
    [lemmy, mastodon, mobilizon] = await Promise.all([startForeignPeer(), startForeignPeer(), startForeignPeer()]);
  });
  after(async () => {
    await Promise.all([lemmy, mastodon, mobilizon].map((peer) => peer?.close()));
    await node?.close();
  });

  it('follows a Lemmy community, takes its announced post with Markdown, and sends a member’s reply the way Lemmy checks it', async () => {
    const community = lemmy.actor('vertaistuki', 'Group', {
      '@context': lemmyContext,
      postingRestrictedToMods: false,
      followers: `${lemmy.url}/users/vertaistuki/followers`,
      featured: `${lemmy.url}/users/vertaistuki/featured`,
      attributedTo: `${lemmy.url}/users/vertaistuki/moderators`,
    });
    const author = lemmy.actor('lemmy_user');
    const bea = await signedIn(node.url, 'bea');
    const followed = await bea.submit('/following', { address: community.id });
    assert.equal(followed.status, 200);
    await until('the Follow reached the community', () => lemmy.deliveries.some((d) => d.activity.type === 'Follow' && d.verified));
    const follow = lemmy.deliveries.find((d) => d.activity.type === 'Follow' && d.verified)!;
    assert.equal(follow.activity.actor, `${node.url}/ap/actors/_node`, 'the node follows, not the member');
    assert.equal(follow.activity.object, community.id);

    await lemmy.send(`${node.url}/ap/inbox`, { '@context': lemmyContext, id: `${lemmy.url}/activities/accept/1`, type: 'Accept', actor: community.id, object: follow.activity }, community);
    await until('accepted', async () => (await node.database.db.select().from(remoteForums))[0]?.state === 'accepted');

    const page = {
      id: `${lemmy.url}/post/1`,
      type: 'Page',
      attributedTo: author.id,
      name: 'Lemmystä tervehdys',
      content: '<p>Tämä on <strong>Lemmy</strong>-viesti.</p>',
      mediaType: 'text/html',
      source: { content: 'Tämä on **Lemmy**-viesti.', mediaType: 'text/markdown' },
      audience: community.id,
      to: [community.id, PUBLIC],
      cc: [],
      published: new Date().toISOString(),
    };
    lemmy.documents.set('/post/1', { '@context': lemmyContext, ...page });
    const create = { id: `${lemmy.url}/activities/create/1`, type: 'Create', actor: author.id, object: page, to: page.to, cc: page.cc, audience: community.id };
    const announce = { '@context': lemmyContext, id: `${lemmy.url}/activities/announce/1`, type: 'Announce', actor: community.id, object: create, to: [PUBLIC], cc: [`${community.id}/followers`] };
    await lemmy.send(`${node.url}/ap/inbox`, announce, community);
    await until('the Lemmy post kept here', async () => (await bodies('Lemmy')).length === 1);
    const [kept] = await bodies('Lemmy');
    assert.equal(kept!.body, 'Tämä on **Lemmy**-viesti.', 'the Markdown source is kept as written');
    const [mirror] = await node.database.db.select().from(forums).where(eq(forums.iri, community.id));
    assert.equal(kept!.iri, page.id);

    // Bea answers at home: a Create(Note) to the community, signed so that Lemmy verifies it.
    const { findThread } = await import('../../server/forums/threads.service.ts');
    const found = await findThread(node.database.db, kept!.threadId);
    await makeReply(node.database.db, node.people.bea!, mirror as Forum, found!.thread, 'Kiitos, hyvä kuulla!');
    // Fedify knocks first with an RFC 9421 signature, which this Lemmy-like verifier refuses, then
    // with draft-cavage, which it takes: the delivery that counts is the verified one.
    await until('the reply reached the community, verified by a non-Fedify verifier', () => lemmy.deliveries.some((d) => d.activity.type === 'Create' && d.verified));
    const sent = lemmy.deliveries.find((d) => d.activity.type === 'Create' && d.verified)!;
    const note = sent.activity.object as Record<string, unknown>;
    assert.equal(note.type, 'Note');
    assert.equal(note.inReplyTo, page.id);
    assert.equal(note.attributedTo, sent.activity.actor);
    assert.deepEqual(asList(sent.activity.to).sort(), asList(note.to).sort(), 'the same to on the Create and its object');
    assert.deepEqual(asList(sent.activity.cc).sort(), asList(note.cc).sort(), 'the same cc on the Create and its object');
    assert.ok(asList(note.to).includes(PUBLIC), 'the full Public IRI');
    assert.ok(asList(note.cc).includes(community.id));
    assert.doesNotMatch(sent.body, /"as:Public"/);

    // The community's moderator locks and pins the post, then lifts both (Lemmy's Lock, Add to
    // featured, Undo and Remove, announced by the community): the copy here follows.
    const moderator = lemmy.actor('lemmy_mod');
    const threadHere = async () => (await findThread(node.database.db, kept!.threadId))!.thread;
    let n = 10;
    const announced = async (inner: Record<string, unknown>) => {
      n += 1;
      const activity = { id: `${lemmy.url}/activities/${String(inner.type).toLowerCase()}/${n}`, actor: moderator.id, to: [PUBLIC], cc: [community.id], audience: community.id, ...inner };
      lemmy.documents.set(new URL(activity.id).pathname, { '@context': lemmyContext, ...activity });
      const response = await lemmy.send(`${node.url}/ap/inbox`, { '@context': lemmyContext, id: `${lemmy.url}/activities/announce/${n}`, type: 'Announce', actor: community.id, object: activity, to: [PUBLIC], cc: [`${community.id}/followers`] }, community);
      assert.ok(response.status < 300, `announce: ${response.status}`);
      return activity;
    };
    const lock = await announced({ type: 'Lock', object: page.id });
    await until('locked here', async () => (await threadHere()).locked);
    const refused = await bea.submit(`/threads/${kept!.threadId}`, { body: 'Lukittuun vastaus.' }, `/threads/${kept!.threadId}/replies`);
    assert.ok(refused.status >= 400, `a reply to a locked conversation: ${refused.status}`);
    assert.equal((await bodies('Lukittuun vastaus')).length, 0);
    await announced({ type: 'Add', object: page.id, target: `${community.id}/featured` });
    await until('pinned here', async () => (await threadHere()).pinned);
    await announced({ type: 'Undo', object: { ...lock, id: `${lemmy.url}/activities/lock/99` } });
    await until('unlocked here', async () => !(await threadHere()).locked);
    await announced({ type: 'Remove', object: page.id, target: `${community.id}/featured` });
    await until('unpinned here', async () => !(await threadHere()).pinned);
    // A lock announced by the community but written on another server is not the community's to give.
    const elsewhere = { '@context': lemmyContext, id: `${mastodon.url}/activities/lock/1`, type: 'Lock', actor: `${mastodon.url}/users/x`, object: page.id, to: [PUBLIC] };
    mastodon.documents.set('/activities/lock/1', elsewhere);
    await lemmy.send(`${node.url}/ap/inbox`, { '@context': lemmyContext, id: `${lemmy.url}/activities/announce/100`, type: 'Announce', actor: community.id, object: elsewhere, to: [PUBLIC] }, community);
    await settled();
    assert.equal((await threadHere()).locked, false);
  });

  it('takes a Mastodon user’s public reply, refuses the direct and followers-only ones, and files an instance’s report', async () => {
    const user = mastodon.actor('masto', 'Person', { followers: `${mastodon.url}/users/masto/followers` });
    const sini = `${node.url}/ap/actors/${node.people.sini!.id}`;
    const note = (n: number, to: string[], cc: string[], content: string) => {
      const id = `${mastodon.url}/users/masto/statuses/${n}`;
      const object = { '@context': contexts, id, type: 'Note', attributedTo: user.id, inReplyTo: `${node.url}/ap/threads/${thread.id}`, content, to, cc, tag: [{ type: 'Mention', href: sini, name: '@sini' }] };
      mastodon.documents.set(new URL(id).pathname, object);
      return { '@context': contexts, id: `${id}/activity`, type: 'Create', actor: user.id, object, to, cc };
    };
    // Mastodon sends to the inbox of each person it mentions.
    const inbox = `${node.url}/ap/actors/${node.people.sini!.id}/inbox`;
    await mastodon.send(inbox, note(1, [sini], [], '<p>Vain sinulle</p>'), user);
    await mastodon.send(inbox, note(2, [`${user.id}/followers`], [sini], '<p>Vain seuraajille</p>'), user);
    await mastodon.send(inbox, note(3, [PUBLIC], [`${user.id}/followers`, sini], '<p><span class="h-card"><a href="x" class="u-url mention">@<span>sini</span></a></span> Julkinen vastaus Mastodonista</p>'), user);
    await until('the public reply', async () => (await bodies('Julkinen vastaus Mastodonista')).length === 1);
    await settled();
    assert.equal((await bodies('Vain sinulle')).length, 0);
    assert.equal((await bodies('Vain seuraajille')).length, 0);

    const instance = mastodon.actor(new URL(mastodon.url).hostname, 'Application');
    const reply = await makeReply(node.database.db, node.people.sini!, open, thread, 'Tätä ilmoitetaan.');
    await mastodon.send(`${node.url}/ap/inbox`, { '@context': contexts, id: `${mastodon.url}/flags/1`, type: 'Flag', actor: instance.id, object: [sini, `${node.url}/ap/posts/${reply.id}`], content: 'Roskaposti' }, instance);
    await until('the report', async () => (await node.database.db.select().from(reports).where(eq(reports.postId, reply.id))).length === 1);
    const [filed] = await node.database.db.select().from(reports).where(eq(reports.postId, reply.id));
    assert.equal(filed!.note, 'Roskaposti');

    // Bea reports the Mastodon reply; a moderator sends the report on to Mastodon from the queue,
    // as the site: Mastodon's shape, verified by a non-Fedify verifier, never naming Bea.
    const [theirs] = await bodies('Julkinen vastaus Mastodonista');
    const bea = await signedIn(node.url, 'bea');
    await bea.submit(`/posts/${theirs!.id}/report`, { reason: 'other', note: 'Bean oma huomio' });
    const moderator = await signedIn(node.url, 'moderaattori_maija');
    const queue = await moderator.get('/moderation');
    assert.equal(queue.$(`form[action="/moderation/posts/${theirs!.id}/forward"]`).length, 1, 'a way to send it on, for a post from elsewhere');
    assert.equal(queue.$(`form[action="/moderation/posts/${reply.id}/forward"]`).length, 0, 'none for a post written here');
    const forwarded = await moderator.submit('/moderation', { reason: 'Toistuvaa häirintää' }, `/moderation/posts/${theirs!.id}/forward`);
    assert.ok(forwarded.status < 400, `forward: ${forwarded.status}`);
    await until('the Flag at Mastodon, verified by a non-Fedify verifier', () => mastodon.deliveries.some((d) => d.activity.type === 'Flag' && d.verified));
    const flag = mastodon.deliveries.find((d) => d.activity.type === 'Flag' && d.verified)!;
    assert.equal(flag.activity.actor, `${node.url}/ap/actors/_node`);
    assert.deepEqual(asList(flag.activity.object).sort(), [user.id, `${mastodon.url}/users/masto/statuses/3`].sort());
    assert.equal(flag.activity.content, 'Toistuvaa häirintää');
    assert.doesNotMatch(flag.body, /bea|Bean oma huomio/i);
  });

  it('answers a draft-cavage-only server with signatures it verifies, and serves the shapes Lemmy requires', async () => {
    // Mobilizon names the LitePub context, which cannot be fetched here: the bundled copy is used.
    const litepub = [...contexts, 'https://litepub.social/litepub/context.jsonld', { pt: 'https://joinpeertube.org/ns#' }];
    const person = mobilizon.actor('mobi', 'Person', { '@context': litepub });
    await mobilizon.send(`${node.url}/ap/actors/avoin/inbox`, { '@context': litepub, id: `${mobilizon.url}/follows/1`, type: 'Follow', actor: person.id, object: `${node.url}/ap/actors/avoin` }, person);
    // Fedify knocks first with RFC 9421 signatures; refused, it signs again the draft-cavage way.
    await until('an Accept it verifies', () => mobilizon.deliveries.some((d) => d.activity.type === 'Accept' && d.verified));
    const before = mobilizon.deliveries.length;
    await makeThread(node.database.db, node.people.sini!, open, 'Uusi ketju', 'Tämä menee Mobilizonille.');
    await until('the announcement', () => mobilizon.deliveries.some((d: Delivery) => d.activity.type === 'Announce'));
    // Having learnt which signatures the server takes, the node uses them from then on.
    assert.ok(mobilizon.deliveries.slice(before).every((d) => d.verified), 'every later delivery verifies');

    const json = async (url: string) => (await (await fetch(url, { headers: { accept: 'application/activity+json' } })).json()) as Record<string, unknown>;
    const group = await json(`${node.url}/ap/actors/avoin`);
    assert.equal(group.type, 'Group');
    for (const key of ['inbox', 'outbox', 'followers', 'featured', 'publicKey', 'endpoints']) assert.ok(group[key], `Group has ${key}`);
    const featured = await json(String(group.featured));
    assert.equal(featured.type, 'OrderedCollection');
    const page = await json(`${node.url}/ap/threads/${thread.id}`);
    assert.equal(page.type, 'Page');
    assert.ok(asList(page.to).includes(PUBLIC));
    assert.equal(page.attributedTo, `${node.url}/ap/actors/${node.people.sini!.id}`);
    assert.equal(page.audience, `${node.url}/ap/actors/avoin`);

    // The conversation as a collection (FEP-7888): its public posts' ids, in order, nothing hidden.
    assert.equal(page.context, `${node.url}/ap/threads/${thread.id}/context`);
    const { removePost } = await import('../../server/moderation/moderation.service.ts');
    const { findPost } = await import('../../server/forums/threads.service.ts');
    const removed = await makeReply(node.database.db, node.people.bea!, open, thread, 'Poistettava vastaus.');
    assert.ok((await removePost(node.database.db, node.people.moderaattori_maija!, (await findPost(node.database.db, removed.id))!, { reason: 'Asiaton' })).ok);
    const collection = await json(String(page.context));
    assert.equal(collection.type, 'OrderedCollection');
    const first = typeof collection.first === 'string' ? await json(collection.first) : (collection.first as Record<string, unknown>);
    const ids = asList((first.orderedItems as { id: string }[] | undefined)?.map((item) => (typeof item === 'string' ? item : item.id)));
    assert.equal(ids[0], `${node.url}/ap/threads/${thread.id}`);
    assert.ok(!ids.includes(`${node.url}/ap/posts/${removed.id}`), 'a removed post is not listed');
    assert.equal(collection.totalItems, ids.length);

    // Its replies (what Mastodon reads to show a thread): every public answer, not the opening, nothing removed.
    assert.equal(page.replies, `${node.url}/ap/threads/${thread.id}/replies`);
    const replies = await json(String(page.replies));
    const firstReplies = typeof replies.first === 'string' ? await json(replies.first) : (replies.first as Record<string, unknown>);
    const replyIds = asList((firstReplies.orderedItems as { id: string }[] | undefined)?.map((item) => (typeof item === 'string' ? item : item.id)));
    assert.deepEqual(replyIds, ids.slice(1));
    assert.equal(replies.totalItems, ids.length - 1);
    // A reply's own replies: conversations are flat, so none.
    const note = await json(ids.find((id) => id.startsWith(`${node.url}/ap/posts/`))!);
    assert.equal(note.type, 'Note');
    const noteReplies = await json(String(note.replies));
    assert.equal(noteReplies.totalItems, 0);
    assert.equal((await fetch(`${node.url}/ap/posts/${removed.id}/replies`, { headers: { accept: 'application/activity+json' } })).status, 404);
  });

  it('sends none of the other servers anything members-only, by anyone', async () => {
    const db = node.database.db;
    const closed = await makeForum(db, 'jasenille', 'members', { replyPolicy: 'members_and_remote' });
    const secret = await makeThread(db, node.people.bea!, closed, 'Salainen otsikko', 'Vain jäsenille kirjoitettu.');
    await makeReply(db, node.people.sini!, closed, secret, 'Salainen vastaus.');
    const marker = await makeThread(db, node.people.bea!, open, 'Julkinen merkki', 'Tämä lähtee muille.');
    await until('the marker announced', () => mobilizon.deliveries.some((d) => d.body.includes(marker.id)));
    for (const peer of [lemmy, mastodon, mobilizon]) {
      // Whole words: the signatures' base64 once held "Salai" by chance.
      for (const delivery of peer.deliveries) assert.doesNotMatch(delivery.body, new RegExp(`Salainen|Vain jäsenille|jasenille|${secret.id}`));
    }
  });
});
