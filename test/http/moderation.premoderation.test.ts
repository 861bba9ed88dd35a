import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { posts, threads } from '../../server/forums/forums.tables.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

describe('moderation: pre-moderation, word rules and crisis wording', () => {
  let node: SetUpTestNode;
  let open: Forum;
  let checked: Forum;
  let welcome: Thread;

  const token = async (client: Client) => (await client.get('/settings')).$('input[name="_csrf"]').first().attr('value')!;
  const replyAs = async (client: Client, t: Thread, body: string) => client.post(`${paths.thread(t)}/replies`, { _csrf: await token(client), body });
  const postByBody = (body: string) => node.database.db.query.posts.findFirst({ where: eq(posts.body, body) });

  before(async () => {
    node = await startSetUpNode({ policy: 'open', premoderatedPosts: 2, people: ['sini', ['moderaattori_maija', 'moderator']] });
    const db = node.database.db;
    open = await makeForum(db, 'avoin', 'public');
    checked = await makeForum(db, 'tarkistettu', 'members');
    const admin = (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'admin_anna') }))!;
    welcome = await makeThread(db, admin, open, 'Tervetuloa', 'Esittäydy täällä.');
  });
  after(() => node?.close());

  it('holds a new member\'s first posts until a moderator lets them through; the count then lets posts straight out', async () => {
    await makeUser(node.database.db, 'uusi');
    const client = await signedIn(node.url, 'uusi');
    const visitor = new Client(node.url);
    const other = await signedIn(node.url, 'sini');

    // A new conversation: the author sees it waiting, nobody else finds it anywhere.
    const started = await client.submit('/forums/avoin/new', { title: 'Ensimmäinen ajatukseni', body: 'Hei kaikille, olen uusi täällä.' });
    assert.match(started.$('.notice').text(), /waiting for a moderator/);
    const held = (await node.database.db.query.threads.findFirst({ where: eq(threads.title, 'Ensimmäinen ajatukseni') }))!;
    assert.match((await client.get(`${paths.thread(held)}`)).$('main').text(), /Hei kaikille/);
    for (const reader of [visitor, other]) {
      assert.equal((await reader.get(`${paths.thread(held)}`)).status, 404);
      assert.doesNotMatch((await reader.get('/forums/avoin')).$('main').text(), /Ensimmäinen ajatukseni/);
      assert.doesNotMatch((await reader.get('/search?q=ajatukseni')).$('main').text(), /Ensimmäinen ajatukseni/);
    }
    assert.doesNotMatch((await visitor.get('/forums/avoin/feed.atom')).html, /Ensimmäinen ajatukseni/);

    // Nobody can reply into a conversation that waits, its writer included.
    assert.equal((await replyAs(client, held, 'Lisään vielä')).status, 403);

    // A reply waits too: it does not notify the thread's author yet, nor count as new for others.
    const adminClient = await signedIn(node.url, 'admin_anna');
    const noticesBefore = (await adminClient.get('/notifications')).$('main li').length;
    const countBefore = (await node.database.db.query.threads.findFirst({ where: eq(threads.id, welcome.id) }))!.postCount;
    await replyAs(client, welcome, 'Kiitos tervetulosta!');
    assert.equal((await node.database.db.query.threads.findFirst({ where: eq(threads.id, welcome.id) }))!.postCount, countBefore, 'the count others see is unchanged');
    assert.doesNotMatch((await other.get(`${paths.thread(welcome)}`)).$('main').text(), /Kiitos tervetulosta/);
    assert.match((await client.get(`${paths.thread(welcome)}`)).$("main").text(), /waiting for a moderator/i);

    const mod = await signedIn(node.url, 'moderaattori_maija');
    const queue = await mod.get('/moderation');
    assert.match(queue.$('main').text(), /A new member's post/);
    assert.match(queue.$('main').text(), /Hei kaikille/);

    const firstPost = (await postByBody('Hei kaikille, olen uusi täällä.'))!;
    const reply = (await postByBody('Kiitos tervetulosta!'))!;
    await mod.submit('/moderation', {}, `/moderation/posts/${firstPost.id}/approve`);
    await mod.submit('/moderation', {}, `/moderation/posts/${reply.id}/approve`);
    assert.equal((await visitor.get(`${paths.thread(held)}`)).status, 200);
    assert.match((await other.get(`${paths.thread(welcome)}`)).$('main').text(), /Kiitos tervetulosta/);
    assert.equal((await postByBody('Kiitos tervetulosta!'))?.number, countBefore + 1, 'let through, it takes the next number');
    assert.equal((await adminClient.get('/notifications')).$('main li').length, noticesBefore + 1, 'the reply notice goes out when let through');
    assert.match((await client.get('/notifications')).$('main').text(), /let (your post|\d+ of your posts) through/, 'approvals read as one line');

    // Two posts seen by others: the third goes straight out.
    await replyAs(client, welcome, 'Kolmas viestini näkyy heti');
    assert.match((await other.get(`${paths.thread(welcome)}`)).$('main').text(), /Kolmas viestini näkyy heti/);
  });

  it('does not count a post the moderators removed', async () => {
    await makeUser(node.database.db, 'toka');
    const client = await signedIn(node.url, 'toka');
    await replyAs(client, welcome, 'Roskapostia, poistetaan');
    const mod = await signedIn(node.url, 'moderaattori_maija');
    const spam = (await postByBody('Roskapostia, poistetaan'))!;
    await mod.submit('/moderation', { reason: 'Mainos' }, `/moderation/posts/${spam.id}/remove`);
    await replyAs(client, welcome, 'Nyt ihan asiaa');
    const next = (await postByBody('Nyt ihan asiaa'))!;
    assert.notEqual(next.heldAt, null, 'still a new member: nothing of theirs has been let through');
    assert.doesNotMatch((await new Client(node.url).get(`${paths.thread(welcome)}`)).$('main').text(), /Removed by the moderators/, 'a refused waiting post was never out: no trace of it');
    // Restoring a refused waiting post puts it back in the queue, not out in the open.
    await mod.submit(`${paths.thread(welcome)}`, {}, `/moderation/posts/${spam.id}/restore`);
    assert.doesNotMatch((await new Client(node.url).get(`${paths.thread(welcome)}`)).$('main').text(), /Roskapostia/);
    assert.match((await mod.get('/moderation')).$('main').text(), /Roskapostia/);
  });

  it('holds every post in a forum that asks for approval, except moderators\' own', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const edit = await admin.get(`/admin/forums/${checked.id}`);
    const values: Record<string, string> = {};
    edit.$('form[method="post"] input, form[method="post"] select, form[method="post"] textarea').each((_, el) => {
      const field = edit.$(el);
      const name = field.attr('name');
      if (!name || name === '_csrf') return;
      if (field.attr('type') === 'checkbox') return;
      values[name] = field.is('select') ? (field.find('option[selected]').attr('value') ?? field.find('option').first().attr('value') ?? '') : field.is('textarea') ? field.text() : (field.attr('value') ?? '');
    });
    await admin.submit(`/admin/forums/${checked.id}`, { ...values, requireApproval: 'on' });
    assert.equal((await node.database.db.query.forums.findFirst({ where: (f, { eq }) => eq(f.id, checked.id) }))?.requireApproval, true);

    const siniClient = await signedIn(node.url, 'sini');
    await siniClient.submit('/forums/tarkistettu/new', { title: 'Kysymys', body: 'Onko tämä oikea paikka?' });
    assert.notEqual((await postByBody('Onko tämä oikea paikka?'))?.heldAt, null);
    const mod = await signedIn(node.url, 'moderaattori_maija');
    await mod.submit('/forums/tarkistettu/new', { title: 'Ohje', body: 'Moderaattorin ohje näkyy heti.' });
    assert.equal((await postByBody('Moderaattorin ohje näkyy heti.'))?.heldAt, null);

    // Once let through, an edit waits again: an approved post cannot be turned into something else.
    const question = (await postByBody('Onko tämä oikea paikka?'))!;
    await mod.submit('/moderation', {}, `/moderation/posts/${question.id}/approve`);
    await siniClient.submit(`/posts/${question.id}/edit`, { title: 'Kysymys', body: 'Muokattu kokonaan toiseksi.' });
    assert.notEqual((await postByBody('Muokattu kokonaan toiseksi.'))?.heldAt, null);
  });

  it('adds word rules on the admin page; bad input says why and keeps what was typed', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    // From here on sini's posts are not held for being new, so only the rules decide.
    const badSetting = await admin.submit('/admin/moderation', { premoderatedPosts: 'kolme', emergencyNumber: '112' }, '/admin/moderation/settings');
    assert.match(errorsOf(badSetting), /whole number from 0 to 50/);
    assert.equal(badSetting.$('#field-premoderatedPosts').attr('value'), 'kolme');
    await admin.submit('/admin/moderation', { premoderatedPosts: '0', emergencyNumber: '112' }, '/admin/moderation/settings');
    const bad = await admin.submit('/admin/moderation', { pattern: '  ', locale: 'fi', action: 'hold', message: 'Viesti jää' }, '/admin/moderation/rules');
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /Write a word or a phrase/);
    assert.equal(bad.$('#field-message').attr('value'), 'Viesti jää');
    await admin.submit('/admin/moderation', { pattern: 'huume', locale: 'fi', action: 'hold', message: '' }, '/admin/moderation/rules');
    await admin.submit('/admin/moderation', { pattern: 'verkkokaup*', locale: 'fi', action: 'refuse', message: 'Verkkokauppojen mainokset eivät kuulu tänne.' }, '/admin/moderation/rules');
    const page = await admin.get('/admin/moderation');
    assert.match(page.$('#rules').text(), /huume/);
    assert.match(page.$('#rules').text(), /verkkokaup\*/);
  });

  it('holds a post whose words match a rule in an inflected Finnish form', async () => {
    const siniClient = await signedIn(node.url, 'sini');
    await replyAs(siniClient, welcome, 'Olen ollut ilman huumeita kaksi vuotta.');
    assert.notEqual((await postByBody('Olen ollut ilman huumeita kaksi vuotta.'))?.heldAt, null);
    await replyAs(siniClient, welcome, 'Huumeiden jälkeen elämä on ollut uutta.');
    const second = (await postByBody('Huumeiden jälkeen elämä on ollut uutta.'))!;
    assert.equal(second.heldReason, 'word_rule');
    await replyAs(siniClient, welcome, 'Tämä ei osu sääntöön lainkaan.');
    assert.equal((await postByBody('Tämä ei osu sääntöön lainkaan.'))?.heldAt, null);
  });

  it('refuses a post a rule refuses, with the admin\'s message and the text kept in the form', async () => {
    const siniClient = await signedIn(node.url, 'sini');
    const refused = await siniClient.submit(`${paths.thread(welcome)}`, { body: 'Katsokaa verkkokauppani tarjoukset!' }, `${paths.thread(welcome)}/replies`);
    assert.equal(refused.status, 422);
    assert.match(errorsOf(refused), /Verkkokauppojen mainokset eivät kuulu tänne/);
    assert.equal(refused.$('#field-body').text(), 'Katsokaa verkkokauppani tarjoukset!');
    assert.equal(await postByBody('Katsokaa verkkokauppani tarjoukset!'), undefined);
    const inWarning = await siniClient.submit(`${paths.thread(welcome)}`, { body: 'Hyvä tarjous', contentWarning: 'verkkokauppani linkki' }, `${paths.thread(welcome)}/replies`);
    assert.equal(inWarning.status, 422, 'the content warning is checked too');
  });

  for (const [locale, text, line] of [
    ['fi', 'En jaksa elää enää tällaista arkea.', /MIELI Kriisipuhelin/],
    ['sv', 'Jag vill dö, allt känns så tungt.', /MIELI Kristelefonen/],
    ['en', 'Some nights I want to die.', /MIELI Crisis Helpline/],
  ] as const) {
    it(`shows crisis help to the writer of crisis wording in ${locale}, alerts moderators, and publishes the post`, async () => {
      const siniClient = await signedIn(node.url, 'sini');
      await siniClient.get(`/language/${locale}?next=/`);
      const after = await siniClient.submit(`${paths.thread(welcome)}`, { body: text }, `${paths.thread(welcome)}/replies`);
      assert.equal(after.status, 200);
      const box = after.$('.crisis-box').text();
      assert.match(box, line);
      assert.match(box, /112/);
      // Once: the next page no longer shows it.
      assert.equal((await siniClient.get(`${paths.thread(welcome)}`)).$('.crisis-box').length, 0);
      assert.match((await new Client(node.url).get(`${paths.thread(welcome)}`)).$('main').text(), new RegExp(text.slice(0, 15)), 'never blocked');
      const post = (await postByBody(text))!;
      const alert = await node.database.db.query.reports.findFirst({ where: eq(reports.postId, post.id) });
      assert.equal(alert?.reason, 'crisis_wording');
      const mod = await signedIn(node.url, 'moderaattori_maija');
      const queue = await mod.get('/moderation');
      assert.match(queue.$('.queue-item.is-crisis').text(), new RegExp(text.slice(0, 15)));
      await siniClient.get('/language/en?next=/');
    });
  }

  it('lets the admin edit the crisis lines; the help page shows them, the reader\'s language first', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const bad = await admin.submit('/admin/moderation', { 'name-0': 'Oma linja', 'phone-0': 'soita meille' }, '/admin/moderation/crisis-lines');
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /phone number with digits/);
    assert.equal(bad.$('#field-name-0').attr('value'), 'Oma linja');
    const page = await admin.get('/admin/moderation');
    const fields: Record<string, string> = {};
    page.$('form[action="/admin/moderation/crisis-lines"] input[type="text"]').each((_, el) => {
      fields[page.$(el).attr('name')!] = page.$(el).attr('value') ?? '';
    });
    page.$('form[action="/admin/moderation/crisis-lines"] select').each((_, el) => {
      fields[page.$(el).attr('name')!] = page.$(el).find('option[selected]').attr('value') ?? page.$(el).find('option').first().attr('value')!;
    });
    await admin.submit('/admin/moderation', { ...fields, 'name-6': 'Yhdistyksen päivystys', 'phone-6': '040 123 4567', 'hours-6': 'ma–pe 9–15', 'language-6': 'fi', 'country-6': 'FI' }, '/admin/moderation/crisis-lines');
    const help = await new Client(node.url).get('/help', { 'accept-language': 'fi' });
    const lines = help.$('.lines li').map((_, el) => help.$(el).text()).get();
    assert.match(lines[0]!, /MIELI Kriisipuhelin/);
    assert.ok(lines.some((l) => /Yhdistyksen päivystys/.test(l) && /ma–pe 9–15/.test(l)));
    assert.match(help.$('a[href="tel:+358401234567"]').text(), /040 123 4567/);
    const danish = await new Client(node.url).get('/help', { 'accept-language': 'da' });
    assert.match(danish.$('.lines li').first().text(), /Livslinien/);
  });
});
