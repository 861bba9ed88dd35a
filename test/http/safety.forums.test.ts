// The safety defects found walking the node as its people would: members-only words made public
// by a move, quotes outliving what they quoted, a reply form that answers 403, staff editing
// staff above them unlogged.
import assert from 'node:assert/strict';
import { and, desc, eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { moderationLog } from '../../server/moderation/moderation.tables.ts';
import { addRule } from '../../server/moderation/word-rules.ts';
import { posts, threads } from '../../server/forums/forums.tables.ts';
import { moveQuotesOutOfReplies } from '../../server/forums/legacy-quotes.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

async function tokenOf(client: Client, path: string): Promise<string> {
  return (await client.get(path)).$('input[name="_csrf"]').first().attr('value') ?? '';
}

describe('safety: moves, replies, staff edits and quotes', () => {
  let node: SetUpTestNode;
  let admin: User;
  let sini: User;
  let toinen: User;
  let open: Forum;
  let membersOnly: Forum;
  let mod: Client;
  let siniClient: Client;
  let toinenClient: Client;
  const db = () => node.database.db;
  const lastLog = async () => (await db().select().from(moderationLog).orderBy(desc(moderationLog.createdAt)).limit(1))[0];

  before(async () => {
    node = await startSetUpNode({ people: [['moderaattori_maija', 'moderator'], 'sini', 'toinen'] });
    admin = node.admin;
    sini = node.people.sini!;
    toinen = node.people.toinen!;
    open = await makeForum(db(), 'avoin', 'public');
    membersOnly = await makeForum(db(), 'jasenet', 'members');
    mod = await signedIn(node.url, 'moderaattori_maija');
    siniClient = await signedIn(node.url, 'sini');
    toinenClient = await signedIn(node.url, 'toinen');
  });
  after(() => node?.close());

  it('never moves a members-only conversation into a public forum; public to members-only is fine', async () => {
    const secret = await makeThread(db(), sini, membersOnly, 'Vain meille', 'JASENSALAISUUS kerrottu vain jäsenille');
    const movePage = await mod.get(`/moderation/threads/${secret.id}/move`);
    assert.equal(movePage.$(`option[value="${open.id}"]`).length, 0, 'the public forum is not offered');
    const forged = await mod.post(`/moderation/threads/${secret.id}/move`, { _csrf: await tokenOf(mod, `/moderation/threads/${secret.id}/move`), forumId: open.id, reason: 'siirto' });
    assert.equal(forged.status, 422);
    assert.equal((await db().query.threads.findFirst({ where: eq(threads.id, secret.id) }))!.forumId, membersOnly.id, 'nothing moved');
    assert.equal((await new Client(node.url).get(`${paths.thread(secret)}`)).status, 404);
    assert.doesNotMatch((await new Client(node.url).get('/forums/avoin')).html, /Vain meille/);

    const outInTheOpen = await makeThread(db(), sini, open, 'Julkinen aloitus', 'Tämä oli julkinen');
    await mod.submit(`/moderation/threads/${outInTheOpen.id}/move`, { forumId: membersOnly.id, reason: 'kuuluu jäsenille' });
    assert.equal((await db().query.threads.findFirst({ where: eq(threads.id, outInTheOpen.id) }))!.forumId, membersOnly.id);
    assert.equal((await new Client(node.url).get(`${paths.thread(outInTheOpen)}`)).status, 404, 'visitors no longer read it');
  });

  it('shows no reply form where a reply is refused, and a refused reply keeps its text', async () => {
    await addRule(db(), { locale: 'fi', pattern: 'odotuttava', action: 'hold', message: '' });
    const started = await siniClient.submit('/forums/avoin/new', { title: 'Odottava aloitus', body: 'Tämä on odotuttava viesti', contentWarning: '' });
    assert.equal(started.status, 200);
    const waiting = (await db().query.threads.findFirst({ where: eq(threads.title, 'Odottava aloitus') }))!;
    assert.notEqual(waiting.heldAt, null);
    const page = await siniClient.get(`${paths.thread(waiting)}`);
    assert.equal(page.$('form[action$="/replies"]').length, 0, 'the author of a waiting conversation gets no reply form');
    assert.equal((await siniClient.get(`${paths.thread(waiting)}/reply`)).status, 403);

    const open2 = await makeThread(db(), toinen, open, 'Avoin keskustelu', 'Vastatkaa tähän');
    const token = await tokenOf(siniClient, `${paths.thread(open2)}`);
    await mod.submit(`${paths.thread(open2)}`, { reason: 'poistettu' }, `/moderation/posts/${(await db().query.posts.findFirst({ where: eq(posts.threadId, open2.id) }))!.id}/remove`);
    const refused = await siniClient.post(`${paths.thread(open2)}/replies`, { _csrf: token, body: 'Pitkä vastaus jota en halua menettää', contentWarning: '' });
    // The thread was removed meanwhile: its page is gone for her, and so is the reply.
    assert.equal(refused.status, 404);

    const locked = await makeThread(db(), toinen, open, 'Lukittava', 'Tähän voi vastata');
    const lockToken = await tokenOf(siniClient, `${paths.thread(locked)}`);
    await db().update(threads).set({ locked: true }).where(eq(threads.id, locked.id));
    const lockedReply = await siniClient.post(`${paths.thread(locked)}/replies`, { _csrf: lockToken, body: 'Kirjoitin tämän pitkään', contentWarning: '' });
    assert.equal(lockedReply.status, 409);
    assert.equal(lockedReply.$('textarea[name="body"]').text(), 'Kirjoitin tämän pitkään', 'the typed text comes back');
    assert.match(lockedReply.$('#refused').text(), /locked/);
  });

  it('lets a moderator edit a member\'s post only as a logged action, never an admin\'s', async () => {
    const thread = await makeThread(db(), admin, open, 'Ylläpidon tiedote', 'ALKUPERAINEN ylläpidon teksti');
    const adminPost = (await db().query.posts.findFirst({ where: eq(posts.threadId, thread.id) }))!;
    assert.equal((await mod.get(`/posts/${adminPost.id}/edit`)).status, 403);
    const forged = await mod.post(`/posts/${adminPost.id}/edit`, { _csrf: await tokenOf(mod, `${paths.thread(thread)}`), title: 'Muutettu', body: 'MODERAATTORIN muutos', contentWarning: '' });
    assert.equal(forged.status, 403);
    assert.equal((await db().query.posts.findFirst({ where: eq(posts.id, adminPost.id) }))!.body, 'ALKUPERAINEN ylläpidon teksti');
    const forgedDelete = await mod.post(`/posts/${adminPost.id}/delete`, { _csrf: await tokenOf(mod, `${paths.thread(thread)}`) });
    assert.equal(forgedDelete.status, 403);
    assert.equal((await db().query.posts.findFirst({ where: eq(posts.id, adminPost.id) }))!.deletedAt, null);

    const memberPost = await makeReply(db(), sini, open, thread, 'Sinin vastaus jossa on puhelinnumero 0401234567');
    await mod.submit(`/posts/${memberPost.id}/edit`, { body: 'Sinin vastaus (numero poistettu)', contentWarning: '' });
    assert.equal((await db().query.posts.findFirst({ where: eq(posts.id, memberPost.id) }))!.body, 'Sinin vastaus (numero poistettu)');
    const edited = await lastLog();
    assert.equal(edited?.action, 'edit');
    assert.equal(edited?.postId, memberPost.id);
    assert.equal(edited?.targetUserId, sini.id);
    await mod.submit(`/posts/${memberPost.id}/delete`, {});
    assert.equal((await lastLog())?.action, 'delete');
    assert.match((await mod.get('/moderation/log')).$('main').text(), /Post edited[\s\S]*|Post deleted/);

    const own = await makeReply(db(), sini, open, thread, 'Oma viestini');
    const before = (await db().select().from(moderationLog)).length;
    await siniClient.submit(`/posts/${own.id}/edit`, { body: 'Oma viestini, korjattu', contentWarning: '' });
    assert.equal((await db().select().from(moderationLog)).length, before, 'an author editing their own words is not moderation');
  });

  describe('a quote shows only what its source shows now', () => {
    const states = ['edited', 'removed', 'deleted', 'held'] as const;
    for (const state of states) {
      it(`after the quoted post is ${state}: thread page, composer, search, feed, notifications and export`, async () => {
        const word = `LAHDE${state.toUpperCase()}`;
        const thread = await makeThread(db(), toinen, open, `Lainausketju ${state}`, 'Aloitus');
        const source = await makeReply(db(), sini, open, thread, `${word} alkuperäinen lause`);
        const quoting = await toinenClient.submit(`${paths.thread(thread)}/reply?quote=${source.id}`, { body: 'Vastaan tähän omin sanoin' });
        assert.equal(quoting.status, 200);
        const reply = (await db().query.posts.findFirst({ where: and(eq(posts.threadId, thread.id), eq(posts.authorId, toinen.id), eq(posts.number, 3)) }))!;
        assert.equal(reply.quotedPostId, source.id);
        assert.equal(reply.body, 'Vastaan tähän omin sanoin', 'the quote is not copied into the reply');
        const visitor = new Client(node.url);
        const quoteText = async (client: Client) => (await client.get(`${paths.thread(thread)}`)).$(`#post-3 .quoted-post`).text();
        assert.match(await quoteText(visitor), new RegExp(word), 'while the source is out, the quote shows it');

        if (state === 'edited') await siniClient.submit(`/posts/${source.id}/edit`, { body: 'Korjattu kokonaan toiseksi', contentWarning: '' });
        if (state === 'removed') await mod.submit(`${paths.thread(thread)}`, { reason: 'poisto' }, `/moderation/posts/${source.id}/remove`);
        if (state === 'deleted') await siniClient.submit(`/posts/${source.id}/delete`, {});
        if (state === 'held') {
          await addRule(db(), { locale: 'fi', pattern: 'pidätettävä', action: 'hold', message: '' });
          await siniClient.submit(`/posts/${source.id}/edit`, { body: `${word} ja pidätettävä lisäys`, contentWarning: '' });
          assert.notEqual((await db().query.posts.findFirst({ where: eq(posts.id, source.id) }))!.heldAt, null);
        }

        for (const reader of [visitor, toinenClient]) {
          const page = await reader.get(`${paths.thread(thread)}`);
          assert.doesNotMatch(page.$('main').text(), new RegExp(word), `${state}: the old words are nowhere on the page`);
          assert.match(page.$('#post-3').text(), /Vastaan tähän omin sanoin/, 'the reply itself stays');
        }
        const gone = { edited: /Korjattu kokonaan toiseksi/, removed: /removed by the moderators/, deleted: /has been deleted/, held: /cannot be shown now/ }[state];
        assert.match(await quoteText(visitor), gone);
        assert.doesNotMatch((await toinenClient.get(`/search?q=${word}`)).$('main').text(), new RegExp(word, 'i'), 'search finds nothing of it in the quoting reply');
        assert.doesNotMatch((await visitor.get('/forums/avoin/feed.atom')).html, new RegExp(word));
        assert.doesNotMatch((await siniClient.get('/notifications')).$('main').text(), new RegExp(word));
        assert.doesNotMatch((await toinenClient.get('/settings/export')).html, new RegExp(word), 'the quoting member\'s export holds only their own words');
        if (state !== 'edited') assert.equal((await toinenClient.get(`${paths.thread(thread)}/reply?quote=${source.id}`)).$('.quoted-post').length, 0, 'the composer no longer offers it');
      });
    }

    it('takes copied quotes out of replies written before quotes were drawn from their source', async () => {
      const thread = await makeThread(db(), toinen, open, 'Vanha lainaus', 'Aloitus');
      const source = await makeReply(db(), sini, open, thread, 'VANHALAINAUS ensimmäinen rivi\n\ntoinen kappale');
      const old = await makeReply(db(), toinen, open, thread, '@sini:\n> VANHALAINAUS ensimmäinen rivi\n> \n> toinen kappale\n\nOma vastaukseni', source.id);
      assert.equal(await moveQuotesOutOfReplies(db()), 1);
      const fixed = (await db().query.posts.findFirst({ where: eq(posts.id, old.id) }))!;
      assert.equal(fixed.body, 'Oma vastaukseni');
      assert.doesNotMatch(fixed.bodyHtml, /VANHALAINAUS/);
      assert.equal(await moveQuotesOutOfReplies(db()), 0, 'once is enough');
      // A reply written now that begins with a blockquote of its own stays as written at the next start.
      const own = await makeReply(db(), toinen, open, thread, '@sini:\n> Omin sanoin lainattu\n\nJa vastaus', source.id);
      assert.equal(await moveQuotesOutOfReplies(db()), 0);
      assert.match((await db().query.posts.findFirst({ where: eq(posts.id, own.id) }))!.body, /Omin sanoin lainattu/);
      await mod.submit(`${paths.thread(thread)}`, { reason: 'poisto' }, `/moderation/posts/${source.id}/remove`);
      assert.doesNotMatch((await new Client(node.url).get(`${paths.thread(thread)}`)).$('main').text(), /VANHALAINAUS/);
    });
  });

  it('refuses titles of only invisible characters and names with direction overrides, keeping the text', async () => {
    const blank = await siniClient.submit('/forums/avoin/new', { title: '\u200b\u200b\u2060', body: 'Teksti on tallessa', contentWarning: '' });
    assert.equal(blank.status, 422);
    assert.match(errorsOf(blank), /one line with visible characters/);
    assert.equal(blank.$('textarea[name="body"]').text(), 'Teksti on tallessa');
    const spoof = await siniClient.submit('/settings', { displayName: 'Admin\u202eniot', bio: '', email: '', locale: '' });
    assert.equal(spoof.status, 422);
    assert.equal((await db().query.users.findFirst({ where: (u, { eq: is }) => is(u.id, sini.id) }))!.displayName, 'sini');
  });
});
