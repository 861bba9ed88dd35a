import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { updateSettings } from '../../server/admin/settings.service.ts';
import type { RegistrationPolicy } from '../../server/admin/settings.tables.ts';
import { invites, users } from '../../server/accounts/accounts.tables.ts';

const good = { username: 'tuuli', displayName: 'Tuuli', email: 'tuuli@example.org', password: 'slow rivers in spring', acceptRules: 'on' };

describe('registration', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ policy: 'open' });
  });
  after(() => node.close());

  const policy = (registrationPolicy: RegistrationPolicy) =>
    updateSettings(node.database.db, { name: 'Testiyhdistys', description: '', rules: '', contact: '', registrationPolicy, quickExitUrl: 'https://www.foreca.fi/' });
  const countUsers = async (name: string) =>
    (await node.database.db.select().from(users).where(sql`lower(${users.username}) = lower(${name})`)).length;

  describe('open policy', () => {
    before(() => policy('open'));

    it('creates an active account and signs the person in', async () => {
      const client = new Client(node.url);
      const page = await client.submit('/register', good);
      assert.equal(page.status, 200);
      assert.match(page.$('.notice').text(), /Your account is ready/);
      assert.ok(page.$('form[action="/logout"]').length, 'shows the sign-out button');
      const [row] = await node.database.db.select().from(users).where(eq(users.username, 'tuuli'));
      assert.equal(row?.status, 'active');
      assert.ok(row?.rulesAcceptedAt);
      assert.notEqual(row?.passwordHash, good.password);
    });

    it('refuses a username that differs only by case, and keeps the form filled in', async () => {
      const page = await new Client(node.url).submit('/register', { ...good, username: 'TUULI', email: '' });
      assert.equal(page.status, 422);
      assert.match(errorsOf(page), /already in use/);
      assert.equal(page.$('#field-username').val(), 'TUULI');
      assert.equal(page.$('#field-displayName').val(), 'Tuuli');
      assert.equal(await countUsers('tuuli'), 1);
    });

    for (const [username, message] of [
      ['ab', /at least 3 characters/],
      ['a'.repeat(31), /at most 30 characters/],
      ['bad name!', /letters a–z, digits and the underscore/],
      ['<script>', /letters a–z, digits and the underscore/],
    ] as const) {
      it(`refuses the username "${username.slice(0, 12)}"`, async () => {
        const page = await new Client(node.url).submit('/register', { ...good, username, email: '' });
        assert.equal(page.status, 422);
        assert.match(errorsOf(page), message);
        assert.equal(page.$('#field-username').val(), username);
        assert.equal(await countUsers(username), 0);
      });
    }

    for (const [secret, message] of [
      ['short', /at least 10 characters/],
      ['1234567890', /too easy to guess/],
      ['aaaaaaaaaaaa', /too easy to guess/],
      ['my name is sade_9 ok', /must not contain your username/],
    ] as const) {
      it(`refuses the weak password "${secret}"`, async () => {
        const page = await new Client(node.url).submit('/register', { ...good, username: 'sade_9', email: '', password: secret });
        assert.equal(page.status, 422);
        assert.match(errorsOf(page), message);
        assert.equal(page.$('#field-username').val(), 'sade_9');
        assert.equal(page.$('#field-password').val(), undefined, 'a password is never echoed back');
        assert.equal(await countUsers('sade_9'), 0);
      });
    }

    it('requires accepting the rules and a valid e-mail', async () => {
      const page = await new Client(node.url).submit('/register', { ...good, username: 'meri', email: 'not-an-address', acceptRules: '' });
      assert.equal(page.status, 422);
      assert.match(errorsOf(page), /accept the rules/);
      assert.match(errorsOf(page), /does not look like an e-mail address/);
      assert.equal(page.$('#field-email').val(), 'not-an-address');
      assert.equal(await countUsers('meri'), 0);
    });

    it('says everything that is wrong in one round: a bad username does not hide a short password', async () => {
      const page = await new Client(node.url).submit('/register', { ...good, username: 'x!', email: 'TUULI@example.org', password: 'short', acceptRules: '' });
      assert.equal(page.status, 422);
      assert.equal(page.$('.error-summary li').length, 4, errorsOf(page));
      assert.equal(page.$('.field-error').length, 4);
      assert.equal(await countUsers('x!'), 0);
    });

    it('refuses an e-mail address another account uses', async () => {
      const page = await new Client(node.url).submit('/register', { ...good, username: 'meri', email: 'TUULI@example.org' });
      assert.equal(page.status, 422);
      assert.match(errorsOf(page), /already used by another account/);
      assert.equal(await countUsers('meri'), 0);
    });
  });

  describe('approval policy', () => {
    before(() => policy('approval'));

    it('creates a pending account that cannot sign in until staff approve it', async () => {
      const page = await new Client(node.url).submit('/register', { ...good, username: 'odottaja', email: '' });
      assert.equal(page.status, 200);
      assert.match(page.$('main').text(), /will approve it/);
      const refused = await new Client(node.url).submit('/login', { login: 'odottaja', password: good.password });
      assert.equal(refused.status, 403);
      assert.equal(errorsOf(refused), '', 'waiting is not an error of the form');
      assert.equal((refused.$('main').text().match(/has not approved your account yet/g) ?? []).length, 1, 'said calmly, once');

      await makeUser(node.database.db, 'moderator_mika', 'moderator');
      const moderator = await signedIn(node.url, 'moderator_mika');
      const queue = await moderator.get('/admin/approvals');
      assert.match(queue.$('main').text(), /@odottaja/);
      const [row] = await node.database.db.select().from(users).where(eq(users.username, 'odottaja'));
      const approved = await moderator.submit('/admin/approvals', { decision: 'approve' }, `/admin/approvals/${row!.id}`);
      assert.match(approved.$('.notice').text(), /approved/);
      assert.doesNotMatch(approved.$('main').text(), /@odottaja/);

      const member = await signedIn(node.url, 'odottaja', good.password);
      assert.ok(member.cookies.has('kohtaamo.sid'));
    });

    it('deletes a declined request entirely', async () => {
      await new Client(node.url).submit('/register', { ...good, username: 'hylatty', email: 'h@example.org' });
      const admin = await signedIn(node.url, 'admin_anna');
      const [row] = await node.database.db.select().from(users).where(eq(users.username, 'hylatty'));
      await admin.submit('/admin/approvals', { decision: 'decline' }, `/admin/approvals/${row!.id}`);
      assert.equal(await countUsers('hylatty'), 0);
    });
  });

  describe('invite-only policy', () => {
    before(() => policy('invite'));

    const makeInvite = async (fields: Record<string, string>) => {
      const admin = await signedIn(node.url, 'admin_anna');
      await admin.submit('/admin/invites', fields, '/admin/invites');
      const [invite] = await node.database.db.select().from(invites).where(eq(invites.note, fields.note!));
      return invite!;
    };

    it('refuses registration without an invite, and the form says why', async () => {
      const page = await new Client(node.url).get('/register');
      assert.match(page.$('main').text(), /made with an invite link/);
      const client = new Client(node.url);
      await client.get('/login');
      const token = client.lastPage!.$('input[name="_csrf"]').val() as string;
      const forced = await client.post('/register', { _csrf: token, ...good, username: 'kutsumaton', email: '' });
      assert.equal(forced.status, 422);
      assert.match(errorsOf(forced), /Ask the association for one/);
      assert.equal(await countUsers('kutsumaton'), 0);
    });

    it('lets as many people in as the invite allows, then says it is used up', async () => {
      const invite = await makeInvite({ note: 'two friends', days: '7', maxUses: '2' });
      for (const username of ['kutsu_1', 'kutsu_2']) {
        const page = await new Client(node.url).submit(`/register?invite=${invite.code}`, { ...good, username, email: '' }, '/register');
        assert.equal(page.status, 200, username);
        assert.equal(await countUsers(username), 1);
      }
      const closed = await new Client(node.url).get(`/register?invite=${invite.code}`);
      assert.match(closed.$('main').text(), /already been used/);
      const client = new Client(node.url);
      await client.get('/login');
      const token = client.lastPage!.$('input[name="_csrf"]').val() as string;
      const forced = await client.post('/register', { _csrf: token, ...good, username: 'kutsu_3', email: '', invite: invite.code });
      assert.equal(forced.status, 422);
      assert.match(errorsOf(forced), /already been used/);
      assert.equal(forced.$('#field-username').val(), 'kutsu_3');
      assert.equal(await countUsers('kutsu_3'), 0);
    });

    it('refuses an expired invite', async () => {
      const invite = await makeInvite({ note: 'old one', days: '1', maxUses: '5' });
      await node.database.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, invite.id));
      const page = await new Client(node.url).get(`/register?invite=${invite.code}`);
      assert.match(page.$('main').text(), /has expired/);
      const client = new Client(node.url);
      await client.get('/login');
      const token = client.lastPage!.$('input[name="_csrf"]').val() as string;
      const forced = await client.post('/register', { _csrf: token, ...good, username: 'myohassa', email: '', invite: invite.code });
      assert.equal(forced.status, 422);
      assert.match(errorsOf(forced), /has expired/);
      assert.equal(await countUsers('myohassa'), 0);
    });

    it('refuses a revoked invite and checks the invite form', async () => {
      const admin = await signedIn(node.url, 'admin_anna');
      const bad = await admin.submit('/admin/invites', { note: 'bad', days: '0', maxUses: 'many' }, '/admin/invites');
      assert.equal(bad.status, 422);
      assert.match(errorsOf(bad), /number of days/);
      assert.match(errorsOf(bad), /number of uses/);
      assert.equal(bad.$('#field-note').val(), 'bad');
      const invite = await makeInvite({ note: 'to revoke', days: '3', maxUses: '3' });
      await admin.submit('/admin/invites', {}, `/admin/invites/${invite.id}/revoke`);
      const page = await new Client(node.url).get(`/register?invite=${invite.code}`);
      assert.match(page.$('main').text(), /does not work/);
    });
  });
});
