import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { password, signedIn } from '../support/fixtures.ts';
import { sessions, users } from '../../server/accounts/accounts.tables.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';

describe('profile, settings, data export and account deletion', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ people: [['sini', 'member', 'active', 'sini@example.org'], ['toinen', 'member', 'active', 'toinen@example.org']] });
    const toinen = node.people.toinen!;
    const sini = node.people.sini!;
    const forum = await makeForum(node.database.db, 'avoin', 'public');
    const thread = await makeThread(node.database.db, sini, forum, 'Sinin ketju', 'Sinin oma viesti');
    await makeReply(node.database.db, toinen, forum, thread, 'Toisen vastaus');
  });
  after(() => node.close());

  it('saves profile settings, and refuses bad ones keeping what was typed', async () => {
    const client = await signedIn(node.url, 'sini');
    const bad = await client.submit('/settings', { displayName: 'Sini S', bio: 'x'.repeat(501), email: 'nope', locale: 'xx' }, '/settings');
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /at most 500 characters/);
    assert.match(errorsOf(bad), /e-mail address/);
    assert.equal(bad.$('#field-displayName').val(), 'Sini S');
    assert.equal((await node.database.db.query.users.findFirst({ where: eq(users.username, 'sini') }))?.displayName, 'sini');

    const saved = await client.submit('/settings', { displayName: 'Sini S', bio: 'I like *walks*.', email: 'sini@example.org', locale: '' }, '/settings');
    assert.match(saved.$('.notice').text(), /settings are saved/);
    const profile = await (await signedIn(node.url, 'toinen')).get('/members/sini');
    assert.equal(profile.$('h1').text(), 'Sini S');
    assert.equal(profile.$('.prose em').text(), 'walks');
  });

  it('shows profiles only to signed-in members', async () => {
    const visitor = await new Client(node.url).request('/members/sini');
    assert.equal(visitor.status, 303);
    assert.doesNotMatch(visitor.html, /Sini S|walks/);
    const member = await signedIn(node.url, 'toinen');
    assert.equal((await member.get('/members/nobody_at_all')).status, 404);
  });

  it('uses the member\'s language, else the browser\'s, else the node default', async () => {
    const visitor = new Client(node.url);
    let page = await visitor.get('/', { 'accept-language': 'sv-FI,sv;q=0.9' });
    assert.equal(page.$('html').attr('lang'), 'sv');
    assert.equal(page.$('.help-now').first().text(), 'Hjälp nu');
    page = await visitor.get('/', { 'accept-language': 'de' });
    assert.equal(page.$('html').attr('lang'), 'en', 'the test node default');
    page = await visitor.get('/language/fi?next=/rules');
    assert.equal(page.$('html').attr('lang'), 'fi');
    assert.match(page.$('title').text(), /^Säännöt – /);

    const member = await signedIn(node.url, 'toinen');
    await member.submit('/settings', { displayName: 'Toinen', bio: '', email: 'toinen@example.org', locale: 'sv' }, '/settings');
    page = await member.get('/', { 'accept-language': 'fi' });
    assert.equal(page.$('html').attr('lang'), 'sv');
    page = await member.get('/language/en?next=https://evil.example/');
    assert.equal(new URL(page.url).host, new URL(node.url).host);

    // A header link changes the page, not the saved setting; the next page offers to save it.
    assert.equal(page.$('html').attr('lang'), 'en');
    assert.match(page.$('form[action="/language"]').text(), /The pages are now in English for this visit/);
    const [saved] = await node.database.db.select({ locale: users.locale }).from(users).where(eq(users.username, 'toinen'));
    assert.equal(saved!.locale, 'sv', 'the setting stays until the member saves');
    assert.equal((await member.get('/rules')).$('form[action="/language"]').length, 0, 'offered once, never nagged');
    page = await member.submit('/language/en?next=/rules', {}, '/language');
    assert.match(page.$('.notice').text(), /language setting is saved/);
    const [after] = await node.database.db.select({ locale: users.locale }).from(users).where(eq(users.username, 'toinen'));
    assert.equal(after!.locale, 'en');
  });

  it('changes the password only with the current one', async () => {
    const client = await signedIn(node.url, 'toinen');
    const wrong = await client.submit('/settings', { currentPassword: 'not it at all', newPassword: 'a brand new password' }, '/settings/password');
    assert.equal(wrong.status, 422);
    assert.match(errorsOf(wrong), /not correct/);
    const done = await client.submit('/settings', { currentPassword: password, newPassword: 'a brand new password' }, '/settings/password');
    assert.equal(done.status, 200);
    await signedIn(node.url, 'toinen', 'a brand new password');
  });

  it('exports the member\'s own data and nobody else\'s', async () => {
    const client = await signedIn(node.url, 'sini');
    const response = await client.request('/settings/export');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition')!, /attachment; filename="?kohtaamo-sini\.json"?/);
    const data = JSON.parse(response.html) as { account: Record<string, unknown>; posts: { conversation: string; text: string }[] };
    assert.equal(data.account.username, 'sini');
    assert.deepEqual(data.posts.map((p) => [p.conversation, p.text]), [['Sinin ketju', 'Sinin oma viesti']]);
    assert.equal(data.account.email, 'sini@example.org');
    assert.equal(data.account.bio, 'I like *walks*.');
    assert.doesNotMatch(response.html, /toinen|Toisen vastaus|admin_anna|scrypt\$/);
    assert.equal((await new Client(node.url).request('/settings/export')).status, 303);
  });

  it('deletes an account: personal data gone, signed out everywhere, the name stays reserved', async () => {
    const elsewhere = await signedIn(node.url, 'sini');
    const client = await signedIn(node.url, 'sini');
    const wrong = await client.submit('/settings/delete', { password: 'not the password' });
    assert.equal(wrong.status, 422);
    assert.equal((await node.database.db.query.users.findFirst({ where: eq(users.username, 'sini') }))?.status, 'active');

    const done = await client.submit('/settings/delete', { password });
    assert.match(done.$('h1').text(), /account is deleted/);
    const row = await node.database.db.query.users.findFirst({ where: eq(users.username, 'sini') });
    assert.equal(row?.status, 'deleted');
    assert.equal(row?.email, null);
    assert.equal(row?.displayName, '');
    assert.equal(row?.bio, '');
    assert.equal(row?.passwordHash, null);
    assert.equal((await node.database.db.select().from(sessions).where(eq(sessions.userId, row!.id))).length, 0);
    assert.equal((await elsewhere.request('/settings')).status, 303);
    const again = await new Client(node.url).submit('/login', { login: 'sini', password });
    assert.equal(again.status, 401);
    const reuse = await new Client(node.url).submit('/register', { username: 'Sini', displayName: '', email: '', password: 'quiet evening tea', acceptRules: 'on' });
    assert.match(errorsOf(reuse), /already in use/);
    const member = await signedIn(node.url, 'toinen', 'a brand new password');
    assert.equal((await member.get('/members/sini')).status, 404);
  });

  it('does not let the last admin delete their account', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const page = await admin.submit('/settings/delete', { password });
    assert.equal(page.status, 422);
    assert.match(errorsOf(page), /only administrator/);
  });
});
