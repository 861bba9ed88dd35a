import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { postRevisions, posts, reactions, threads } from '../../server/forums/forums.tables.ts';
import { notifications } from '../../server/notifications/notifications.tables.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

describe('forums: writing, permissions and bad input', () => {
  let node: SetUpTestNode;
  let forum: Forum;
  const db = () => node.database.db;
  const threadCount = async () => (await db().select().from(threads)).length;
  const postCount = async () => (await db().select().from(posts)).length;

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen', ['modi', 'moderator']] });
    forum = await makeForum(node.database.db, 'vertaistuki', 'members');
    await makeForum(node.database.db, 'tiedotteet', 'public', { startPolicy: 'moderators' });
  });
  after(() => node.close());

  it('starts a conversation, and the composer says what the visibility is', async () => {
    const sini = await signedIn(node.url, 'sini');
    const composer = await sini.get('/forums/vertaistuki/new');
    assert.match(composer.$('.visibility').text(), /Members only/);
    assert.equal(composer.$('.public-notice').length, 0);
    const page = await sini.submit('/forums/vertaistuki/new', { title: 'Hyvä päivä', body: 'Tänään oli **hyvä** päivä.', contentWarning: '' });
    assert.equal(page.status, 200);
    assert.equal(page.$('h1').text(), 'Hyvä päivä');
    assert.equal(page.$('.post .prose strong').text(), 'hyvä');
  });

  it('brings the text back with a clear message for an empty or over-long title or body, and saves nothing', async () => {
    const sini = await signedIn(node.url, 'sini');
    const before = [await threadCount(), await postCount()];
    const cases = [
      [{ title: '', body: 'Teksti on tallessa' }, /needs a title/, 'Teksti on tallessa'],
      [{ title: 'x'.repeat(201), body: 'Pitkä otsikko' }, /at most 200 characters/, 'Pitkä otsikko'],
      [{ title: 'Tyhjä', body: '   ' }, /message is empty/, ''],
      [{ title: 'Liian pitkä', body: 'y'.repeat(20_001) }, /at most 20,000 characters/, 'y'.repeat(20_001)],
    ] as const;
    for (const [fields, message, kept] of cases) {
      const page = await sini.submit('/forums/vertaistuki/new', { ...fields, contentWarning: 'cw' });
      assert.equal(page.status, 422);
      assert.match(errorsOf(page), message);
      assert.equal(page.$('#field-body').text(), fields.body);
      assert.equal(page.$('#field-title').val(), fields.title);
      assert.equal(page.$('#field-contentWarning').val(), 'cw');
      if (kept) assert.ok(page.$('#field-body').text().includes(kept));
    }
    assert.deepEqual([await threadCount(), await postCount()], before);
  });

  it('answers 404 for unknown forums, threads and posts, and for ids that cannot exist', async () => {
    const sini = await signedIn(node.url, 'sini');
    for (const path of ['/forums/no-such-forum', '/forums/no-such-forum/new', '/threads/00000000-0000-4000-8000-000000000000', '/threads/not-an-id', '/posts/00000000-0000-4000-8000-000000000000/edit']) {
      assert.equal((await sini.get(path)).status, 404, path);
    }
    const token = (await sini.get('/forums')).$('input[name="_csrf"]').first().val() as string;
    const posted = await sini.post('/forums/no-such-forum/threads', { _csrf: token, title: 'x', body: 'y' });
    assert.equal(posted.status, 404);
  });

  it('lets only moderators start conversations where the forum says so', async () => {
    const sini = await signedIn(node.url, 'sini');
    const forumPage = await sini.get('/forums/tiedotteet');
    assert.equal(forumPage.$('a[href="/forums/tiedotteet/new"]').length, 0);
    assert.equal((await sini.get('/forums/tiedotteet/new')).status, 404);
    const token = forumPage.$('input[name="_csrf"]').first().val() as string;
    const before = await threadCount();
    const refused = await sini.post('/forums/tiedotteet/threads', { _csrf: token, title: 'Not allowed', body: 'Typed text stays' });
    assert.equal(refused.status, 403);
    assert.equal(refused.$('textarea[name="body"]').text(), 'Typed text stays', 'a refusal never loses what was typed');
    assert.equal(await threadCount(), before);
    const modi = await signedIn(node.url, 'modi');
    const composer = await modi.get('/forums/tiedotteet/new');
    assert.match(composer.$('.public-notice').text(), /This forum is public.*copied to other servers/);
    const page = await modi.submit('/forums/tiedotteet/new', { title: 'Tiedote', body: 'Kevään ohjelma', contentWarning: '' });
    assert.equal(page.$('h1').text(), 'Tiedote');
  });

  it('edits with history: the author and moderators see earlier versions, readers see "edited"', async () => {
    const sini = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'sini') }))!;
    const thread = await makeThread(db(), sini, forum, 'Alkuperäinen otsikko', 'Alkuperäinen teksti');
    const [first] = await db().select().from(posts).where(eq(posts.threadId, thread.id));
    const author = await signedIn(node.url, 'sini');
    const other = await signedIn(node.url, 'toinen');
    assert.equal((await other.get(`/posts/${first!.id}/edit`)).status, 403);
    const token = (await other.get('/forums')).$('input[name="_csrf"]').first().val() as string;
    assert.equal((await other.post(`/posts/${first!.id}/edit`, { _csrf: token, title: 'Hijack', body: 'Hijack' })).status, 403);

    const bad = await author.submit(`/posts/${first!.id}/edit`, { title: '', body: 'Uusi teksti', contentWarning: '' });
    assert.equal(bad.status, 422);
    assert.equal(bad.$('#field-body').text(), 'Uusi teksti');
    const saved = await author.submit(`/posts/${first!.id}/edit`, { title: 'Uusi otsikko', body: 'Uusi teksti', contentWarning: '' });
    assert.equal(saved.$('h1').text(), 'Uusi otsikko');
    assert.match(saved.$('.post-meta').first().text(), /edited/);
    const history = await author.get(`/posts/${first!.id}/history`);
    assert.match(history.$('main').text(), /Alkuperäinen teksti/);
    assert.match(history.$('main').text(), /Alkuperäinen otsikko/);
    assert.match((await (await signedIn(node.url, 'modi')).get(`/posts/${first!.id}/history`)).$('main').text(), /Alkuperäinen teksti/);
    const reader = await other.get(`${paths.thread(thread)}`);
    assert.match(reader.$('.post-meta').first().text(), /edited/);
    assert.doesNotMatch(reader.html, /Alkuperäinen teksti/);
    assert.equal((await other.get(`/posts/${first!.id}/history`)).status, 404);
    assert.equal((await db().select().from(postRevisions).where(eq(postRevisions.postId, first!.id))).length, 1);
  });

  it('deletes: authors their own, moderators any; others cannot', async () => {
    const sini = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'sini') }))!;
    const thread = await makeThread(db(), sini, forum, 'Poistettava', 'Avaus');
    const reply = await makeReply(db(), sini, forum, thread, 'Poistettava vastaus');
    const other = await signedIn(node.url, 'toinen');
    assert.equal((await other.get(`/posts/${reply.id}/delete`)).status, 403);
    const author = await signedIn(node.url, 'sini');
    const confirm = await author.get(`/posts/${reply.id}/delete`);
    assert.match(confirm.$('main').text(), /A note that a post was deleted stays/);
    const done = await author.submit(`/posts/${reply.id}/delete`, {});
    assert.match(done.$('.notice').text(), /deleted/);
    assert.ok((await db().query.posts.findFirst({ where: eq(posts.id, reply.id) }))?.deletedAt);
    const modi = await signedIn(node.url, 'modi');
    const [opening] = await db().select().from(posts).where(eq(posts.threadId, thread.id));
    await modi.submit(`/posts/${opening!.id}/delete`, {});
    const list = await other.get('/forums/vertaistuki');
    assert.doesNotMatch(list.$('main').text(), /Poistettava/);
    assert.equal((await other.get(`${paths.thread(thread)}`)).status, 404);
  });

  it('pins and locks by moderators only; a locked thread refuses replies and keeps the text', async () => {
    const sini = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'sini') }))!;
    const thread = await makeThread(db(), sini, forum, 'Lukittava', 'Avaus');
    const member = await signedIn(node.url, 'toinen');
    const page = await member.get(`${paths.thread(thread)}`);
    assert.equal(page.$('form[action$="/lock"]').length, 0);
    const token = page.$('input[name="_csrf"]').first().val() as string;
    assert.equal((await member.post(`${paths.thread(thread)}/lock`, { _csrf: token, value: 'true' })).status, 403);
    assert.equal((await member.post(`${paths.thread(thread)}/pin`, { _csrf: token, value: 'true' })).status, 403);

    const modi = await signedIn(node.url, 'modi');
    await modi.submit(`${paths.thread(thread)}`, { value: 'true' }, `${paths.thread(thread)}/pin`);
    const list = await member.get('/forums/vertaistuki');
    assert.equal(list.$('.thread-item').first().find('.thread-title a').first().text(), 'Lukittava');
    assert.match(list.$('.thread-item').first().text(), /Pinned/);

    const composer = await member.get(`${paths.thread(thread)}`);
    const replyToken = composer.$('form[action$="/replies"] input[name="_csrf"]').val() as string;
    await modi.submit(`${paths.thread(thread)}`, { value: 'true' }, `${paths.thread(thread)}/lock`);
    const before = await postCount();
    const refused = await member.post(`${paths.thread(thread)}/replies`, { _csrf: replyToken, body: 'Myöhästynyt vastaus', contentWarning: '' });
    assert.equal(refused.status, 409);
    assert.match(refused.$('main').text(), /locked/);
    assert.equal(refused.$('#field-body').text(), 'Myöhästynyt vastaus');
    assert.equal(await postCount(), before);
    const locked = await member.get(`${paths.thread(thread)}`);
    assert.equal(locked.$('form[action$="/replies"]').length, 0);
    assert.equal((await member.get(`/posts/${(await db().select().from(posts).where(eq(posts.threadId, thread.id)))[0]!.id}/edit`)).status, 403, 'the author cannot edit in a locked thread');
  });

  it('quotes, notifies and sends strength; each person reacts once, and can take it back', async () => {
    const sini = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'sini') }))!;
    const thread = await makeThread(db(), sini, forum, 'Lainaus', 'Ensimmäinen ajatus\n\nToinen ajatus');
    const [opening] = await db().select().from(posts).where(eq(posts.threadId, thread.id));
    const other = await signedIn(node.url, 'toinen');
    const composer = await other.get(`${paths.thread(thread)}/reply?quote=${opening!.id}`);
    assert.match(composer.$('.quoted-post').text(), /Ensimmäinen ajatus[\s\S]*Toinen ajatus/, 'the composer shows the quoted post');
    assert.equal(composer.$('#field-body').text(), '', 'and leaves the text to the writer: the quote is drawn from its source');
    const replied = await other.submit(`${paths.thread(thread)}/reply?quote=${opening!.id}`, { body: 'Samaa mieltä @modi', contentWarning: '' });
    assert.equal(replied.status, 200);
    assert.equal(replied.$('.quote-link a').attr('href'), `${paths.thread(thread)}?page=1#post-1`);
    const kinds = await db().select().from(notifications);
    assert.ok(kinds.some((n) => n.userId === sini.id && n.kind === 'quote'), 'the quoted author is told (once, as a quote)');
    assert.equal(kinds.filter((n) => n.userId === sini.id && n.postId !== opening!.id).length, 1);
    assert.ok(kinds.some((n) => n.kind === 'mention'));

    const supportForm = `/posts/${opening!.id}/support`;
    await other.submit(`${paths.thread(thread)}`, {}, supportForm);
    await other.submit(`${paths.thread(thread)}`, {}, supportForm);
    await other.submit(`${paths.thread(thread)}`, {}, supportForm);
    const rows = await db().select().from(reactions).where(eq(reactions.postId, opening!.id));
    assert.equal(rows.length, 1, 'a toggle: on, off, on');
    const page = await other.get(`${paths.thread(thread)}`);
    assert.equal(page.$(`form[action="${supportForm}"] button`).attr('aria-pressed'), 'true');
    assert.match(page.$('.post').first().text(), /Strength sent: 1/);
    const who = await other.get(`/posts/${opening!.id}/support`);
    assert.match(who.$('main').text(), /toinen/);
    assert.equal((await new Client(node.url).request(`/posts/${opening!.id}/support`)).status, 303, 'visitors are asked to sign in');

    const author = await signedIn(node.url, 'sini');
    const list = await author.get('/notifications');
    assert.match(list.$('.notification-list').text(), /toinen quoted you in Lainaus/);
    assert.match(list.$('.notification-list').text(), /toinen sent strength to your post in Lainaus/);
    assert.match(list.$('a[href="/notifications"]').text(), /\(2/);
  });

  it('marks unread conversations quietly as new and leads to the first unread post', async () => {
    const sini = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'sini') }))!;
    const toinen = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'toinen') }))!;
    const thread = await makeThread(db(), sini, forum, 'Lukemattomat', 'Ensimmäinen');
    const reader = await signedIn(node.url, 'toinen');
    const row = (page: Awaited<ReturnType<typeof reader.get>>) => page.$('.thread-item').filter((_, el) => page.$(el).text().includes('Lukemattomat'));
    assert.equal(row(await reader.get('/forums/vertaistuki')).find('a.new').length, 1, 'unread before the first visit');
    await reader.get(`${paths.thread(thread)}`);
    assert.equal(row(await reader.get('/forums/vertaistuki')).find('a.new').length, 0, 'read after a visit');
    for (let i = 0; i < 22; i++) await makeReply(db(), sini, forum, thread, `Uusi vastaus ${i}`);
    const list = await reader.get('/forums/vertaistuki');
    assert.equal(row(list).find('a.new').attr('href'), `${paths.thread(thread)}/unread`);
    const index = await reader.get('/forums');
    assert.match(index.$('.forum-item').filter((_, el) => index.$(el).text().includes('Forum vertaistuki')).text(), /new/);
    const unread = await reader.request(`${paths.thread(thread)}/unread`);
    assert.equal(unread.headers.get('location'), `${paths.thread(thread)}?page=1#post-2`);
    await reader.get(`${paths.thread(thread)}?page=1`);
    assert.equal((await reader.request(`${paths.thread(thread)}/unread`)).headers.get('location'), `${paths.thread(thread)}?page=2#post-21`);
    await reader.get(`${paths.thread(thread)}?page=2`);
    assert.equal(row(await reader.get('/forums/vertaistuki')).find('a.new').length, 0);
    assert.ok(toinen);
  });

  it('groups strength sent to one post into one notification', async () => {
    const sini = (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'sini') }))!;
    const thread = await makeThread(db(), sini, forum, 'Ryhmitelty', 'Voimia kaivataan');
    const [opening] = await db().select().from(posts).where(eq(posts.threadId, thread.id));
    for (const name of ['toinen', 'modi', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      await client.submit(`${paths.thread(thread)}`, {}, `/posts/${opening!.id}/support`);
    }
    const page = await (await signedIn(node.url, 'sini')).get('/notifications');
    const lines = page.$('.notification-list li').filter((_, el) => page.$(el).text().includes('Ryhmitelty'));
    assert.equal(lines.length, 1);
    assert.match(lines.text(), /and 2 others sent strength to your post in Ryhmitelty/);
  });
});
