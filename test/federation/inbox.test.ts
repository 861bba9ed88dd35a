// Someone on another server replies, opens threads, edits, deletes, likes and reports, over real
// signed HTTP; what arrives goes through the same rules as a member's own doing, and what must
// be refused changes nothing.
import assert from 'node:assert/strict';
import { Announce, Create, Delete, Flag, Like, Note, Page, PUBLIC_COLLECTION, Tombstone, Undo, Update } from '@fedify/vocab';
import { Temporal } from '@js-temporal/polyfill';
import { and, eq, isNull } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { followForum, startRemoteActor, type RemoteActor } from '../support/remote-actor.ts';
import { until } from '../support/until.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { posts, reactions, threads } from '../../server/forums/forums.tables.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { notifications } from '../../server/notifications/notifications.tables.ts';
import { federationOutbox, federationQueue } from '../../federation/federation.tables.ts';
import { paths } from '../../server/paths.ts';

describe('federation: what other servers send', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let alice: RemoteActor;
  let open: Forum;
  let membersOnly: Forum;
  let thread: Thread;
  let secret: Thread;

  const group = (slug: string) => ({ id: new URL(`${node.url}/ap/actors/${slug}`), inboxId: new URL(`${node.url}/ap/actors/${slug}/inbox`) });
  const pageId = (t: Thread) => new URL(`${node.url}/ap/threads/${t.id}`);
  const html = async (path: string) => (await fetch(`${node.url}${path}`)).text();

  /** A reply by alice, kept on her server so it can be fetched there. */
  const note = (content: string, inReplyTo: URL, addressing: { to?: URL[]; cc?: URL[] } = {}) => {
    const id = alice.postId();
    const made = new Note({
      id,
      attribution: alice.actor,
      content,
      replyTarget: inReplyTo,
      tos: addressing.to ?? [PUBLIC_COLLECTION],
      ccs: addressing.cc ?? [group('avoin').id],
      published: Temporal.Now.instant(),
    });
    alice.posts.set(id.pathname.split('/').pop()!, made);
    return made;
  };
  const create = (object: Note | Page) => (actor: URL) => new Create({ id: new URL(`${object.id!.href}/create`), actor, object, tos: object.toIds, ccs: object.ccIds });
  const stored = (id: URL) => node.database.db.select().from(posts).where(eq(posts.iri, id.href));

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' }, people: ['sini', ['moderaattori_maija', 'moderator']] });
    const db = node.database.db;
    open = await makeForum(db, 'avoin', 'public', { startPolicy: 'members_and_remote', replyPolicy: 'members_and_remote' });
    await makeForum(db, 'kysy', 'public');
    membersOnly = await makeForum(db, 'jasenille', 'members', { replyPolicy: 'members_and_remote' });
    thread = await makeThread(db, node.people.sini!, open, 'Aamun ajatuksia', 'Hyvää huomenta kaikille.');
    secret = await makeThread(db, node.people.sini!, membersOnly, 'Salainen', 'Vain jäsenille.');
    alice = await startRemoteActor();
    await followForum(alice, node.url, 'avoin');
  });
  after(async () => {
    await alice?.close();
    await node?.close();
  });

  it('takes a reply to a public thread, shows it with her handle, and announces it to the followers, once however often it comes', async () => {
    const reply = note('<p>Huomenta sinullekin! <img src="https://tracker.example/pixel.png" alt="aurinko"><script>alert(1)</script></p>', pageId(thread));
    const before = alice.received.length;
    await alice.send(group('avoin'), create(reply));
    await until('the reply stored', async () => (await stored(reply.id!)).length === 1);
    const page = await html(`${paths.thread(thread)}`);
    assert.match(page, /Huomenta sinullekin!/);
    assert.match(page, /Alice Elsewhere/);
    assert.match(page, new RegExp(`@alice@${new URL(alice.url).host}`));
    assert.match(page, new RegExp(`href="${alice.url}/users/alice"`), 'her name links to her own server');
    assert.doesNotMatch(page, /<img[^>]+tracker/, 'a remote image is never embedded');
    assert.match(page, /href="https:\/\/tracker.example\/pixel.png"/, 'it is a link instead');
    assert.doesNotMatch(page, /alert\(1\)/);

    // The forum passes it on to its followers, as hers.
    const announcedCreate = async () => {
      for (const activity of alice.received.slice(before)) {
        const inner = activity instanceof Announce ? await activity.getObject() : null;
        if (inner instanceof Create && inner.objectId?.href === reply.id!.href) return inner;
      }
      return undefined;
    };
    await until('the announcement', async () => (await announcedCreate()) !== undefined);
    assert.equal((await announcedCreate())!.actorId?.href, alice.actor.href);

    // Delivered again (a retry): nothing new.
    await alice.send(group('avoin'), create(reply));
    await alice.send({ id: alice.actor, inboxId: new URL(`${node.url}/ap/inbox`) }, create(reply));
    const marker = note('<p>Merkki</p>', pageId(thread));
    await alice.send(group('avoin'), create(marker));
    await until('the marker', async () => (await stored(marker.id!)).length === 1);
    assert.equal((await stored(reply.id!)).length, 1);
    const [counted] = await node.database.db.select({ postCount: threads.postCount }).from(threads).where(eq(threads.id, thread.id));
    assert.equal(counted!.postCount, 3);
    // The member she answered hears of it; she, having no inbox here, gets no notice rows.
    const told = await node.database.db.select().from(notifications).where(eq(notifications.userId, node.people.sini!.id));
    assert.ok(told.some((n) => n.kind === 'reply'));
    const [person] = await node.database.db.select().from(users).where(eq(users.iri, alice.actor.href));
    assert.equal(person!.status, 'remote');
    assert.equal((await node.database.db.select().from(notifications).where(eq(notifications.userId, person!.id))).length, 0);
  });

  it('refuses what is not public, not hers, or where the forum takes nothing from elsewhere, and stores none of it', async () => {
    const db = node.database.db;
    const elsewhere = await makeThread(db, node.people.sini!, (await db.query.forums.findFirst({ where: (f, { eq }) => eq(f.slug, 'kysy') }))! as Forum, 'Vain jäsenet vastaavat', 'Tähän vastaavat vain jäsenet.');
    const refused = [
      note('<p>Seuraajille vain</p>', pageId(thread), { to: [new URL(`${alice.url}/users/alice/followers`)], cc: [] }),
      note('<p>Suoraan Sinille</p>', pageId(thread), { to: [new URL(`${node.url}/ap/actors/${node.people.sini!.id}`)], cc: [] }),
      note('<p>Jäsenten ketjuun</p>', pageId(secret)),
      note('<p>Foorumi ei ota vastauksia muualta</p>', pageId(elsewhere)),
    ];
    for (const object of refused) await alice.send(group('avoin'), create(object));
    // Someone else's words under her name.
    const forged = new Note({ id: alice.postId(), attribution: new URL('https://elsewhere.example/users/bob'), content: 'Väärennös', replyTarget: pageId(thread), tos: [PUBLIC_COLLECTION] });
    await alice.send(group('avoin'), create(forged));
    const marker = note('<p>Toinen merkki</p>', pageId(thread));
    await alice.send(group('avoin'), create(marker));
    await until('the marker', async () => (await stored(marker.id!)).length === 1);
    for (const object of [...refused, forged]) assert.equal((await stored(object.id!)).length, 0, object.content?.toString());
    assert.doesNotMatch(await (await fetch(`${node.url}${paths.thread(secret)}`, { headers: { cookie: '' } })).text(), /Jäsenten ketjuun/);
    const secretPosts = await db.select().from(posts).where(eq(posts.threadId, secret.id));
    assert.equal(secretPosts.length, 1);
  });

  it('opens a thread from a Page sent to the forum, where the forum allows it', async () => {
    const id = alice.postId();
    const started = new Page({ id, attribution: alice.actor, name: 'Kysymys muualta', content: '<p>Miten jaksatte?</p>', tos: [group('avoin').id, PUBLIC_COLLECTION], audience: group('avoin').id });
    alice.posts.set(id.pathname.split('/').pop()!, started);
    await alice.send(group('avoin'), create(started));
    await until('the thread', async () => (await stored(id)).length === 1);
    const [post] = await stored(id);
    const [opened] = await node.database.db.select().from(threads).where(eq(threads.id, post!.threadId));
    assert.equal(opened!.title, 'Kysymys muualta');
    assert.equal(opened!.forumId, open.id);
    assert.match(await html(`/forums/avoin`), /Kysymys muualta/);

    const notAllowed = new Page({ id: alice.postId(), attribution: alice.actor, name: 'Ei tänne', content: '<p>x</p>', tos: [group('kysy').id, PUBLIC_COLLECTION], audience: group('kysy').id });
    await alice.send(group('kysy'), create(notAllowed));
    const marker = note('<p>Kolmas merkki</p>', pageId(thread));
    await alice.send(group('avoin'), create(marker));
    await until('the marker', async () => (await stored(marker.id!)).length === 1);
    assert.equal((await stored(notAllowed.id!)).length, 0);
  });

  it('applies her edit once, and her deletion', async () => {
    const reply = note('<p>Ensimmäinen versio</p>', pageId(thread));
    await alice.send(group('avoin'), create(reply));
    await until('the reply', async () => (await stored(reply.id!)).length === 1);
    const edited = reply.clone({ content: '<p>Korjattu versio</p>', updated: Temporal.Now.instant() });
    const update = (actor: URL) => new Update({ id: new URL(`${reply.id!.href}/edit`), actor, object: edited, tos: [PUBLIC_COLLECTION] });
    await alice.send(group('avoin'), update);
    await until('the edit', async () => (await stored(reply.id!))[0]!.body === 'Korjattu versio');
    assert.match(await html(`${paths.thread(thread)}`), /Korjattu versio/);
    const [post] = await stored(reply.id!);
    const revisions = await node.database.db.query.postRevisions.findMany({ where: (r, { eq }) => eq(r.postId, post!.id) });
    assert.equal(revisions.length, 1);

    await alice.send(group('avoin'), (actor) => new Delete({ id: new URL(`${reply.id!.href}/delete`), actor, object: new Tombstone({ id: reply.id! }), tos: [PUBLIC_COLLECTION] }));
    await until('the deletion', async () => (await stored(reply.id!))[0]!.deletedAt !== null);
    assert.doesNotMatch(await html(`${paths.thread(thread)}`), /Korjattu versio/);
  });

  it('counts her like as support once, takes it back with Undo, and never for a members-only post', async () => {
    const db = node.database.db;
    const opening = (await db.query.posts.findFirst({ where: (p, { and, eq }) => and(eq(p.threadId, thread.id), eq(p.number, 1)) }))!;
    const like = (actor: URL) => new Like({ id: new URL(`${alice.url}/likes/1`), actor, object: pageId(thread) });
    const support = () => db.select().from(reactions).where(eq(reactions.postId, opening.id));
    await alice.send(group('avoin'), like);
    await until('the support', async () => (await support()).length === 1);
    await alice.send(group('avoin'), like);
    await alice.send(group('avoin'), (actor) => new Like({ id: new URL(`${alice.url}/likes/2`), actor, object: pageId(secret) }));
    await alice.send(group('avoin'), (actor) => new Undo({ id: new URL(`${alice.url}/likes/1/undo`), actor, object: like(actor) }));
    await until('the support taken back', async () => (await support()).length === 0);
    const secretOpening = (await db.query.posts.findFirst({ where: (p, { and, eq }) => and(eq(p.threadId, secret.id), eq(p.number, 1)) }))!;
    assert.equal((await db.select().from(reactions).where(eq(reactions.postId, secretOpening.id))).length, 0);
  });

  it('puts a report from another server in the moderation queue, and raises a crisis alert on crisis wording', async () => {
    const db = node.database.db;
    const reply = await makeReply(db, node.people.sini!, open, thread, 'Tämä on asiaton vastaus.');
    await alice.send(group('avoin'), (actor) => new Flag({ id: new URL(`${alice.url}/flags/1`), actor, objects: [new URL(`${node.url}/ap/posts/${reply.id}`)], content: 'Loukkaava viesti' }));
    await until('the report', async () => (await db.select().from(reports).where(and(eq(reports.postId, reply.id), isNull(reports.resolvedAt)))).length === 1);
    const [filed] = await db.select().from(reports).where(eq(reports.postId, reply.id));
    assert.equal(filed!.note, 'Loukkaava viesti');

    const crisis = note('<p>I want to die, I cannot go on.</p>', pageId(thread));
    await alice.send(group('avoin'), create(crisis));
    await until('the crisis alert', async () => {
      const [post] = await stored(crisis.id!);
      return post !== undefined && (await db.select().from(reports).where(and(eq(reports.postId, post.id), eq(reports.reason, 'crisis_wording')))).length === 1;
    });
  });

  it('refuses a banned person, and forgets a person whose account was deleted on their server', async () => {
    const db = node.database.db;
    const [person] = await db.select().from(users).where(eq(users.iri, alice.actor.href));
    // Moderators find her where they find members, marked as someone from another site.
    const { signedIn } = await import('../support/fixtures.ts');
    const moderator = await signedIn(node.url, 'moderaattori_maija');
    const standing = await moderator.get(`/moderation/members/${encodeURIComponent(person!.username)}`);
    assert.equal(standing.status, 200);
    assert.match(standing.$('main').text(), /on another site/);
    const { suspendMember } = await import('../../server/moderation/moderation.service.ts');
    assert.ok((await suspendMember(db, node.people.moderaattori_maija!, person!, { reason: 'Häiriköinti' }, true)).ok);
    const banned = note('<p>Kiellon jälkeen</p>', pageId(thread));
    await alice.send(group('avoin'), create(banned));
    await until('the queue handled it', async () => (await db.select().from(federationQueue)).length === 0);
    // Nor does she hear from here: a new conversation meanwhile is not sent to her.
    const unsent = await makeThread(db, node.people.sini!, (await db.query.forums.findFirst({ where: (f, { eq }) => eq(f.slug, 'avoin') }))! as Forum, 'Kiellon aikana', 'Ei lähetetä hänelle.');
    await until('handed to delivery', async () => (await db.select().from(federationOutbox)).length === 0 && (await db.select().from(federationQueue)).length === 0);
    // The ban is lifted; what comes after it arrives.
    const { liftSuspension } = await import('../../server/moderation/moderation.service.ts');
    assert.ok((await liftSuspension(db, node.people.moderaattori_maija!, (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, person!.id) }))!, { reason: 'Sovittu' })).ok);
    const after = note('<p>Kiellon päätyttyä</p>', pageId(thread));
    await alice.send(group('avoin'), create(after));
    await until('the later reply', async () => (await stored(after.id!)).length === 1);
    const sent = await makeThread(db, node.people.sini!, (await db.query.forums.findFirst({ where: (f, { eq }) => eq(f.slug, 'avoin') }))! as Forum, 'Kiellon jälkeen', 'Lähetetään taas.');
    await until('a conversation after the ban reaches her', () => alice.bodies.some((body) => body.includes(sent.id)));
    assert.ok(!alice.bodies.some((body) => body.includes(unsent.id)), 'nothing during the ban');
    assert.equal((await stored(banned.id!)).length, 0);
    assert.equal((await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, person!.id) }))!.status, 'remote');

    await alice.send(group('avoin'), (actor) => new Delete({ id: new URL(`${alice.url}/users/alice#delete`), actor, object: actor, tos: [PUBLIC_COLLECTION] }));
    await until('her account forgotten', async () => (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, person!.id) }))!.status === 'deleted');
    const page = await html(`${paths.thread(thread)}`);
    assert.doesNotMatch(page, /Alice Elsewhere/);
  });
});
