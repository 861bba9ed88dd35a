import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, password, signedIn } from '../support/fixtures.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { maxFailedLogins } from '../../server/accounts/accounts.service.ts';

describe('signing in and out', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ people: [['ilona', 'member', 'active', 'ilona@example.org']] });
  });
  after(() => node.close());

  it('signs in with the username or the e-mail, and signs out', async () => {
    for (const login of ['ilona', 'ILONA', 'Ilona@Example.org']) {
      const client = new Client(node.url);
      const page = await client.submit('/login', { login, password });
      assert.equal(page.status, 200, login);
      assert.ok(page.$('form[action="/logout"]').length, `signed in as ${login}`);
      assert.equal((await client.get('/settings')).status, 200);
      const out = await client.submit('/', {}, '/logout');
      assert.ok(out.$('a[href="/login"]').length);
      const settings = await client.request('/settings');
      assert.equal(settings.status, 303);
      assert.match(settings.headers.get('location')!, /^\/login\?next=/);
    }
  });

  it('returns to the page that asked for sign-in, but never to another site', async () => {
    const client = new Client(node.url);
    const asked = await client.request('/settings');
    const page = await client.submit(asked.headers.get('location')!, { login: 'ilona', password });
    assert.match(page.$('h1').text(), /Settings/);
    const other = new Client(node.url);
    const result = await other.submit('/login?next=//evil.example/', { login: 'ilona', password });
    assert.equal(new URL(result.url).host, new URL(node.url).host);
  });

  it('says calmly that the username or password does not match, keeping the username', async () => {
    const page = await new Client(node.url).submit('/login', { login: 'ilona', password: 'not the password' });
    assert.equal(page.status, 401);
    assert.match(errorsOf(page), /does not match/);
    assert.equal(page.$('#field-login').val(), 'ilona');
    const unknown = await new Client(node.url).submit('/login', { login: 'nobody_here', password: 'whatever it is' });
    assert.equal(unknown.status, 401);
    assert.equal(errorsOf(unknown), errorsOf(page), 'an unknown name reads the same as a wrong password');
    await node.database.db.update(users).set({ failedLogins: 0 }).where(eq(users.username, 'ilona'));
  });

  it('pauses sign-in after repeated failures, even with the right password, then lets it go', async () => {
    await makeUser(node.database.db, 'lukittu');
    for (let i = 1; i < maxFailedLogins; i++) {
      const page = await new Client(node.url).submit('/login', { login: 'lukittu', password: `wrong guess ${i}` });
      assert.match(errorsOf(page), /does not match/);
    }
    const locked = await new Client(node.url).submit('/login', { login: 'lukittu', password: 'wrong guess 5' });
    assert.equal(locked.status, 401);
    assert.match(errorsOf(locked), /paused for 15 minutes/);
    const stillLocked = await new Client(node.url).submit('/login', { login: 'lukittu', password });
    assert.equal(stillLocked.status, 401);
    assert.match(errorsOf(stillLocked), /paused/);
    await node.database.db.update(users).set({ lockedUntil: new Date(Date.now() - 1000) }).where(eq(users.username, 'lukittu'));
    const client = await signedIn(node.url, 'lukittu');
    assert.equal((await client.get('/settings')).status, 200);
  });

  it('refuses a banned account with the reason to contact the association', async () => {
    await makeUser(node.database.db, 'jaadytetty', 'member', 'suspended');
    const page = await new Client(node.url).submit('/login', { login: 'jaadytetty', password });
    assert.equal(page.status, 401);
    assert.match(errorsOf(page), /closed by the moderators.*contact the association/);
  });

  it('refuses a form post without a valid CSRF token and changes nothing', async () => {
    const client = await signedIn(node.url, 'ilona');
    const before = await node.database.db.query.users.findFirst({ where: eq(users.username, 'ilona') });
    for (const token of [undefined, 'forged-token']) {
      const fields: Record<string, string> = { displayName: 'Hijacked', bio: 'x', email: '', locale: '' };
      if (token) fields._csrf = token;
      const page = await client.post('/settings', fields);
      assert.equal(page.status, 403);
      assert.match(page.$('main').text(), /could not accept it/);
    }
    const after = await node.database.db.query.users.findFirst({ where: eq(users.username, 'ilona') });
    assert.equal(after?.displayName, before?.displayName);
    const visitor = new Client(node.url);
    const login = await visitor.post('/login', { login: 'ilona', password });
    assert.equal(login.status, 403, 'sign-in needs a token too (login CSRF)');
    assert.equal(visitor.cookies.has('kohtaamo.sid'), false);
  });

  it('sets a session cookie that scripts cannot read', async () => {
    const client = new Client(node.url);
    await client.get('/login');
    const response = await fetch(`${node.url}/login`);
    const cookie = response.headers.getSetCookie().join('\n');
    assert.match(cookie, /kohtaamo\.sid=.*HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
  });
});

describe('behind an HTTPS reverse proxy', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ env: { BASE_URL: 'https://yhdistys.example.fi', TRUST_PROXY: 'true' } });
  });
  after(() => node.close());

  it('marks the session cookie Secure and sends HSTS', async () => {
    const response = await fetch(`${node.url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(response.headers.getSetCookie().join('\n'), /kohtaamo\.sid=.*; Secure/i);
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    assert.match(response.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
  });
});
