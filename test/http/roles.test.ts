import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, password, signedIn } from '../support/fixtures.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { getSettings } from '../../server/admin/settings.service.ts';

describe('roles and the admin pages', () => {
  let node: SetUpTestNode;
  let memberId: string;
  before(async () => {
    node = await startSetUpNode();
    memberId = (await makeUser(node.database.db, 'jasen')).id;
    await makeUser(node.database.db, 'modi', 'moderator');
  });
  after(() => node.close());

  const adminPages = ['/admin', '/admin/members', '/admin/invites', '/admin/federation', '/admin/backups'];

  it('sends visitors to sign in from every staff page', async () => {
    for (const path of [...adminPages, '/admin/approvals']) {
      const page = await new Client(node.url).request(path);
      assert.equal(page.status, 303, path);
      assert.match(page.headers.get('location')!, /^\/login\?next=/);
    }
  });

  it('keeps members out of the admin pages and the approval queue', async () => {
    const member = await signedIn(node.url, 'jasen');
    for (const path of [...adminPages, '/admin/approvals']) {
      const page = await member.get(path);
      assert.equal(page.status, 403, path);
    }
    assert.equal(member.lastPage!.$('a[href="/admin"]').length, 0, 'no admin link in the header');
  });

  it('lets moderators into the approval queue but not the admin pages', async () => {
    const moderator = await signedIn(node.url, 'modi');
    assert.equal((await moderator.get('/admin/approvals')).status, 200);
    for (const path of adminPages) assert.equal((await moderator.get(path)).status, 403, path);
  });

  it('refuses forged staff actions from a member and changes nothing', async () => {
    const member = await signedIn(node.url, 'jasen');
    const settings = await member.get('/settings');
    const token = settings.$('input[name="_csrf"]').first().val() as string;
    const attempts: [string, Record<string, string>][] = [
      [`/admin/members/${memberId}`, { action: 'role', role: 'admin' }],
      ['/admin/settings', { name: 'Hacked', registrationPolicy: 'open', quickExitUrl: 'https://example.org/' }],
      ['/admin/invites', { note: 'x', days: '5', maxUses: '5' }],
      [`/admin/approvals/${memberId}`, { decision: 'decline' }],
    ];
    for (const [path, fields] of attempts) {
      const page = await member.post(path, { _csrf: token, ...fields });
      assert.equal(page.status, 403, path);
    }
    const row = await node.database.db.query.users.findFirst({ where: eq(users.id, memberId) });
    assert.equal(row?.role, 'member');
    assert.equal(row?.status, 'active');
    assert.equal((await getSettings(node.database.db))?.name, 'Testiyhdistys');
  });

  it('lets the admin change roles, suspend and lift a suspension', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const list = await admin.get('/admin/members');
    assert.match(list.$('main').text(), /@jasen/);
    const member = await signedIn(node.url, 'jasen');

    await admin.submit('/admin/members', { action: 'role', role: 'moderator' }, `/admin/members/${memberId}`);
    assert.equal((await node.database.db.query.users.findFirst({ where: eq(users.id, memberId) }))?.role, 'moderator');

    const suspended = await admin.submit('/admin/members', { action: 'suspend', reason: 'Cooling off' }, `/admin/members/${memberId}`);
    assert.match(suspended.$('.notice').text(), /suspended/);
    assert.equal((await member.request('/settings')).status, 303, 'the suspended member is signed out at once');
    const refused = await new Client(node.url).submit('/login', { login: 'jasen', password });
    assert.equal(refused.status, 401);

    await admin.submit('/admin/members', { action: 'unsuspend' }, `/admin/members/${memberId}`);
    await signedIn(node.url, 'jasen');
  });

  it('never lets the last admin step down', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const [self] = await node.database.db.select().from(users).where(eq(users.username, 'admin_anna'));
    const page = await admin.submit('/admin/members', { action: 'role', role: 'member' }, `/admin/members/${self!.id}`);
    assert.equal(page.status, 422);
    assert.match(errorsOf(page), /only administrator/);
    assert.equal((await node.database.db.query.users.findFirst({ where: eq(users.id, self!.id) }))?.role, 'admin');
  });

  it('saves node settings and shows them on every page; bad input changes nothing', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const bad = await admin.submit('/admin', { name: '', description: 'Hello', rules: 'R', contact: 'C', registrationPolicy: 'anyone', quickExitUrl: 'javascript:alert(1)' }, '/admin/settings');
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /association's name/);
    assert.match(errorsOf(bad), /how new members join/);
    assert.match(errorsOf(bad), /https:\/\//);
    assert.equal(bad.$('#field-description').val(), 'Hello');
    assert.equal((await getSettings(node.database.db))?.name, 'Testiyhdistys');

    await admin.submit('/admin', { name: 'Uusi nimi ry', description: 'We **meet** here.', rules: '1. Be kind', contact: 'Phone 040 123', registrationPolicy: 'approval', quickExitUrl: 'https://yle.fi/' }, '/admin/settings');
    const home = await new Client(node.url).get('/');
    assert.equal(home.$('.site-name').text(), 'Uusi nimi ry');
    assert.equal(home.$('.prose strong').text(), 'meet');
    assert.equal(home.$('#quick-exit').attr('href'), 'https://yle.fi/');
    assert.match(home.$('footer').text(), /Phone 040 123/);
  });

  it('answers 404, not an error, for ids that cannot exist', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const page = await admin.get('/admin/members');
    const token = page.$('input[name="_csrf"]').first().val() as string;
    const result = await admin.post('/admin/members/not-a-uuid', { _csrf: token, action: 'role', role: 'admin' });
    assert.equal(result.status, 404);
  });
});
