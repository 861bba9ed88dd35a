import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { decodedHeader, headerOf, mailText, startSmtp, type ReceivedMail } from '../support/smtp.ts';
import { until } from '../support/until.ts';
import { notificationSettings, outboundMail } from '../../server/notifications/notifications.tables.ts';
import { findPost, findThread, reply, setSupport } from '../../server/forums/threads.service.ts';
import { warnMember } from '../../server/moderation/moderation.service.ts';
import { addChange } from '../../server/groups/groups.service.ts';
import { markComing } from '../../server/groups/attendance.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const mailEnv = (port: number) => ({
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(port),
  SMTP_SECURE: 'false',
  SMTP_FROM: 'kohtaamo@example.org',
  MAIL_DELAY: '0',
  MAIL_POLL_INTERVAL: '0.1',
  MAIL_RETRY_AFTER: '0.1',
  MAIL_DIGEST_HOUR: '0',
});

describe('e-mail notices: opt-in, in the member’s language, unsubscribe, digest, a mail server that is down', () => {
  let node: SetUpTestNode;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let members: Forum;
  let open: Forum;
  const db = () => node.database.db;
  const person = (name: string) => node.people[name]!;
  const to = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));
  const choose = (client: Client, fields: Record<string, string | string[]>) => client.submit('/notifications', fields, '/notifications/email');

  before(async () => {
    smtp = await startSmtp();
    node = await startSetUpNode({
      env: mailEnv(smtp.port),
      people: [['sini', 'member', 'active', 'sini@example.org'], ['toinen', 'member', 'active', 'toinen@example.org'], ['hiljainen', 'member', 'active', 'hiljainen@example.org'], ['oona', 'moderator', 'active', 'oona@example.org'], ['paivi', 'member', 'active', 'paivi@example.org']],
    });
    members = await makeForum(db(), 'jasenille', 'members');
    open = await makeForum(db(), 'avoin', 'public');
  });
  after(async () => {
    await node.close();
    await smtp.close();
  });

  it('sends each chosen kind once, with the members-only text left out, an unsubscribe header, and nothing to those who did not choose', async () => {
    const sini = await signedIn(node.url, 'sini');
    const page = await sini.get('/notifications');
    assert.equal(page.$('#email input[name="kinds"]:checked').length, 0, 'nothing by e-mail unless chosen');
    const saved = await choose(sini, { kinds: ['replies', 'mentions', 'strength', 'meetings', 'moderators'], mode: 'now' });
    assert.match(saved.$('.notice').text(), /Your e-mail choices are saved/);

    const thread = await makeThread(db(), person('sini'), members, 'Jaksaminen', 'Miten jaksatte?');
    await makeReply(db(), person('toinen'), members, thread, 'Salainen jäsenten vastaus');
    await until('the reply mail', () => to('sini@example.org').length === 1);
    const [reply] = to('sini@example.org') as [ReceivedMail];
    assert.match(decodedHeader(reply, 'Subject'), /toinen replied in Jaksaminen/);
    assert.match(headerOf(reply, 'List-Unsubscribe') ?? '', /^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[0-9a-f-]+\/replies\/[\w-]+>$/);
    assert.equal(headerOf(reply, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    const body = mailText(reply);
    assert.match(body, /Hello sini,/);
    assert.doesNotMatch(body, /Salainen jäsenten vastaus/, 'no members-only text unless chosen');
    assert.match(body, /\/notifications\/[0-9a-f-]+/);

    await makeReply(db(), person('toinen'), members, thread, 'Kiitos @sini');
    const first = (await findPost(db(), (await db().query.posts.findFirst({ where: (p, { and, eq }) => and(eq(p.threadId, thread.id), eq(p.number, 1)) }))!.id))!;
    await setSupport(db(), person('toinen'), first, true);
    await warnMember(db(), person('oona'), person('sini'), { message: 'Muistathan säännöt.' });
    const group = await makeGroup(db(), { name: 'Kävely', slug: 'kavely' }, [person('oona')]);
    const on = (await new Client(node.url).get('/groups/kavely')).$('.meeting-list > li').first().attr('id')!.replace('meeting-', '');
    assert.equal((await markComing(db(), person('sini'), group, on)).ok, true);
    await addChange(db(), group.id, { kind: 'cancelled', on, note: '' }, person('oona').id);
    await until('five mails to sini', () => to('sini@example.org').length === 5);
    const subjects = to('sini@example.org').map((mail) => decodedHeader(mail, 'Subject'));
    assert.ok(subjects.some((s) => /toinen mentioned you in Jaksaminen/.test(s)), subjects.join('\n'));
    assert.ok(subjects.some((s) => /toinen sent strength/.test(s)));
    assert.ok(subjects.some((s) => /You have a message from the moderators/.test(s)));
    assert.ok(subjects.some((s) => /Cancelled: the meeting of Kävely/.test(s)));

    // A later tick sends nothing again; the queue keeps no text of what it sent.
    await makeReply(db(), person('sini'), members, thread, 'Herätys toiselle');
    await until('the queue to settle', async () => (await db().select().from(outboundMail).where(eq(outboundMail.status, 'pending'))).length === 0);
    assert.equal(to('sini@example.org').length, 5, 'nothing twice');
    assert.equal(to('hiljainen@example.org').length + to('toinen@example.org').length, 0, 'nobody who did not choose e-mail');
    const stored = await db().select().from(outboundMail).where(eq(outboundMail.userId, person('sini').id));
    assert.ok(stored.every((row) => row.status === 'sent' && row.text === '' && row.subject === ''));
  });

  it('puts in public text, and members-only text only when chosen, but never a post behind a content warning', async () => {
    const paivi = await signedIn(node.url, 'paivi');
    await choose(paivi, { kinds: ['replies'], mode: 'now' });
    const publicThread = await makeThread(db(), person('paivi'), open, 'Avoin aihe', 'Kaikille');
    await makeReply(db(), person('toinen'), open, publicThread, 'Julkinen vastaus kaikille');
    await until('the public reply', () => to('paivi@example.org').length === 1);
    assert.match(mailText(to('paivi@example.org')[0]!), /> Julkinen vastaus kaikille/);

    await choose(paivi, { kinds: ['replies'], mode: 'now', includeText: 'on' });
    const closed = await makeThread(db(), person('paivi'), members, 'Jäsenten aihe', 'Vain meille');
    await makeReply(db(), person('toinen'), members, closed, 'Jäsenteksti, jonka Päivi halusi');
    await until('the members-only reply', () => to('paivi@example.org').length === 2);
    assert.match(mailText(to('paivi@example.org')[1]!), /> Jäsenteksti, jonka Päivi halusi/);

    // The content warning is the writer's, made as the composer makes it.
    const found = (await findThread(db(), closed.id))!;
    await reply(db(), person('toinen'), members, found.thread, { body: 'Varoitettu teksti', contentWarning: 'itsetuhoisuus', quote: '' });
    await until('the warned reply', () => to('paivi@example.org').length === 3);
    const warned = to('paivi@example.org').map(mailText).find((text) => /content warning/.test(text))!;
    assert.match(warned, /The post has a content warning \(itsetuhoisuus\)/);
    assert.doesNotMatch(to('paivi@example.org').map(mailText).join('\n'), /Varoitettu teksti/);
  });

  it('unsubscribes without signing in, only that member and that kind, also by a mail program’s one-click POST', async () => {
    const [mail] = to('sini@example.org') as [ReceivedMail];
    const link = new URL(headerOf(mail, 'List-Unsubscribe')!.slice(1, -1));
    const visitor = new Client(node.url);
    const asked = await visitor.get(link.pathname);
    assert.equal(asked.status, 200);
    assert.match(asked.$('main').text(), /stop e-mails about replies to my conversations/);
    const kindsOf = async (name: string) => (await db().query.notificationSettings.findFirst({ where: eq(notificationSettings.userId, person(name).id) }))?.emailKinds;
    assert.ok((await kindsOf('sini'))!.includes('replies'), 'opening the link changes nothing');

    // The same token for someone else, or another kind, is not a link of ours.
    const [, , userId, , token] = link.pathname.split('/');
    assert.equal((await visitor.post(`/unsubscribe/${person('paivi').id}/replies/${token}`, {})).status, 404);
    assert.equal((await visitor.post(`/unsubscribe/${userId}/mentions/${token}`, {})).status, 404);
    assert.deepEqual(await kindsOf('paivi'), ['replies']);

    const done = await visitor.post(link.pathname, { 'List-Unsubscribe': 'One-Click' });
    assert.equal(done.status, 200);
    assert.match(done.$('main').text(), /no more e-mails about replies to my conversations/);
    assert.deepEqual(await kindsOf('sini'), ['mentions', 'strength', 'meetings', 'moderators']);
  });

  it('groups a day into one digest, and sends the next one a day later', async () => {
    const hiljainen = await signedIn(node.url, 'hiljainen');
    const thread = await makeThread(db(), person('hiljainen'), members, 'Päivän kulku', 'Aamu');
    for (const text of ['Yksi', 'Kaksi', 'Kolme']) await makeReply(db(), person('toinen'), members, thread, text);
    await choose(hiljainen, { kinds: ['replies'], mode: 'daily' });
    await until('the digest', () => to('hiljainen@example.org').length === 1);
    const digest = to('hiljainen@example.org')[0]!;
    assert.match(decodedHeader(digest, 'Subject'), /3 new notices/);
    assert.equal(mailText(digest).match(/toinen replied in Päivän kulku/g)?.length, 3);
    assert.match(headerOf(digest, 'List-Unsubscribe') ?? '', /\/digest\//);

    // A new notice the same day waits: another member's immediate mail shows the queue has moved on.
    await makeReply(db(), person('toinen'), members, thread, 'Neljä');
    const sent = to('paivi@example.org').length;
    const other = await makeThread(db(), person('paivi'), members, 'Merkki', 'Jonon tahti');
    await makeReply(db(), person('toinen'), members, other, 'Merkki kulki');
    await until('the marker mail', () => to('paivi@example.org').length === sent + 1);
    assert.equal(to('hiljainen@example.org').length, 1, 'no second digest the same day');

    await db().update(notificationSettings).set({ lastDigestAt: new Date(Date.now() - 86_400_000) }).where(eq(notificationSettings.userId, person('hiljainen').id));
    await until('the next digest', () => to('hiljainen@example.org').length === 2);
    assert.match(decodedHeader(to('hiljainen@example.org')[1]!, 'Subject'), /1 new notice$/);
  });

  it('refuses an unknown choice with a message and keeps the form as sent', async () => {
    const toinen = await signedIn(node.url, 'toinen');
    const refused = await choose(toinen, { kinds: ['replies', 'everything'], mode: 'now' });
    assert.equal(refused.status, 422);
    assert.match(refused.$('.error-summary').text(), /Choose from the options shown/);
    assert.equal(refused.$('#field-kinds').attr('checked'), 'checked', 'the ticked box stays ticked');
    assert.equal((await db().query.notificationSettings.findFirst({ where: eq(notificationSettings.userId, person('toinen').id) }))?.emailKinds.length ?? 0, 0);
  });
});

describe('e-mail notices when the mail server is down', () => {
  it('keeps the mail queued, tries again, and sends it once when the server is back', async () => {
    const port = await freePort();
    const node = await startSetUpNode({ env: mailEnv(port), people: [['sini', 'member', 'active', 'sini@example.org'], 'toinen'] });
    let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
    try {
      const db = node.database.db;
      const forum = await makeForum(db, 'arki', 'members');
      await choose(await signedIn(node.url, 'sini'), { kinds: ['replies'], mode: 'now' });
      const thread = await makeThread(db, node.people.sini!, forum, 'Odotus', 'Aloitus');
      await makeReply(db, node.people.toinen!, forum, thread, 'Vastaus');
      await until('a failed try', async () => (await db.select().from(outboundMail)).some((row) => row.attempts >= 2 && row.status === 'pending' && row.lastError !== null));
      smtp = await startSmtp(port);
      const server = smtp;
      await until('the mail, once the server is back', () => server.received.length === 1);
      await until('the row marked sent', async () => (await db.select().from(outboundMail)).every((row) => row.status === 'sent'));
      assert.equal(server.received.length, 1, 'sent once');
      assert.match(decodedHeader(server.received[0]!, 'Subject'), /toinen replied in Odotus/);
    } finally {
      await node.close();
      await smtp?.close();
    }
  });

  function choose(client: Client, fields: Record<string, string | string[]>) {
    return client.submit('/notifications', fields, '/notifications/email');
  }
});
