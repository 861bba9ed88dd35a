import assert from 'node:assert/strict';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { password, signedIn } from '../support/fixtures.ts';
import { mailText, startSmtp } from '../support/smtp.ts';
import { passwordResets } from '../../server/accounts/accounts.tables.ts';

describe('password reset by e-mail', () => {
  let node: SetUpTestNode;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  before(async () => {
    smtp = await startSmtp();
    node = await startSetUpNode({ env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'kohtaamo@example.org' }, people: [['unohtaja', 'member', 'active', 'unohtaja@example.org'], 'ilman_postia'] });
  });
  after(async () => {
    await node.close();
    await smtp.close();
  });

  const linkIn = (index: number) => {
    const text = mailText(smtp.received[index]!);
    const match = text.match(/http:\/\/127\.0\.0\.1:\d+\/password\/reset\/[A-Za-z0-9_-]+/);
    assert.ok(match, `a reset link in: ${text}`);
    return new URL(match[0]).pathname;
  };

  it('mails a link through SMTP; the link sets a new password once and signs out other sessions', async () => {
    const elsewhere = await signedIn(node.url, 'unohtaja');
    const page = await new Client(node.url).submit('/password/forgot', { login: 'unohtaja@example.org' });
    assert.match(page.$('main').text(), /link is on its way/);
    assert.equal(smtp.received.length, 1);
    assert.deepEqual(smtp.received[0]!.to, ['unohtaja@example.org']);
    const path = linkIn(0);

    const client = new Client(node.url);
    const weak = await client.submit(path, { password: 'short' });
    assert.equal(weak.status, 422);
    assert.match(errorsOf(weak), /at least 10 characters/);

    const done = await client.submit(path, { password: 'a new calm password' });
    assert.match(done.$('.notice').text(), /new password is saved/);
    await signedIn(node.url, 'unohtaja', 'a new calm password');
    const old = await new Client(node.url).submit('/login', { login: 'unohtaja', password });
    assert.equal(old.status, 401);
    assert.equal((await elsewhere.request('/settings')).status, 303, 'the other session is signed out');

    const reused = await new Client(node.url).get(path);
    assert.equal(reused.status, 410);
    assert.match(reused.$('main').text(), /expired or has already been used/);
    const client2 = new Client(node.url);
    await client2.get('/password/forgot');
    const token = client2.lastPage!.$('input[name="_csrf"]').val() as string;
    const forced = await client2.post(path, { _csrf: token, password: 'another new password' });
    assert.equal(forced.status, 410);
    await signedIn(node.url, 'unohtaja', 'a new calm password');
  });

  it('refuses an expired link', async () => {
    await new Client(node.url).submit('/password/forgot', { login: 'unohtaja' });
    const path = linkIn(smtp.received.length - 1);
    await node.database.db.update(passwordResets).set({ expiresAt: new Date(Date.now() - 1000) });
    const page = await new Client(node.url).get(path);
    assert.equal(page.status, 410);
    await signedIn(node.url, 'unohtaja', 'a new calm password');
  });

  it('says the same for unknown accounts and accounts without e-mail, and sends nothing', async () => {
    const sent = smtp.received.length;
    const tokens = (await node.database.db.select().from(passwordResets)).length;
    for (const login of ['nobody@example.org', 'ilman_postia']) {
      const page = await new Client(node.url).submit('/password/forgot', { login });
      assert.match(page.$('main').text(), /link is on its way/);
    }
    assert.equal(smtp.received.length, sent);
    assert.equal((await node.database.db.select().from(passwordResets)).length, tokens);
  });

  it('stores only a hash of the token', async () => {
    const rows = await node.database.db.select().from(passwordResets);
    for (const row of rows) assert.equal(row.tokenHash.length, 43);
    const all = smtp.received.map(mailText).join('\n');
    for (const row of rows) assert.ok(!all.includes(row.tokenHash));
  });
});

describe('mail without SMTP', () => {
  it('writes the reset link to the server log', async () => {
    const { createMailer } = await import('../../server/mail.ts');
    const lines: string[] = [];
    await createMailer(null, (line) => lines.push(line)).send({ to: 'a@example.org', subject: 'New password', text: 'http://x/password/reset/abc' });
    assert.match(lines.join('\n'), /a@example\.org.*no SMTP_HOST set[\s\S]*password\/reset\/abc/);
  });
});
