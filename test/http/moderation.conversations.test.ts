import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { moderatorMessages } from '../../server/moderation/moderation.tables.ts';
import { notifications } from '../../server/notifications/notifications.tables.ts';

describe('moderation: two-way messages between a member and the moderators', () => {
  let node: SetUpTestNode;
  const db = () => node.database.db;
  const person = (name: string) => node.people[name]!;
  const stored = async (name: string) => (await db().select().from(moderatorMessages).where(eq(moderatorMessages.userId, person(name).id))).length;

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen', ['moderaattori_mari', 'moderator']] });
  });
  after(() => node.close());

  it('lets a member answer only a conversation the moderators started', async () => {
    const toinen = await signedIn(node.url, 'toinen');
    const page = await toinen.get('/moderator-messages');
    assert.equal(page.$('form[action="/moderator-messages"]').length, 0);
    const token = page.$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await toinen.post('/moderator-messages', { _csrf: token, message: 'Avaan keskustelun itse' })).status, 403);
    assert.equal(await stored('toinen'), 0);
    assert.equal((await toinen.get('/moderation/messages')).status, 403, 'members do not see the moderators’ list');
  });

  it('shows one conversation per member, the moderators as one, and tells every moderator of an answer', async () => {
    const mari = await signedIn(node.url, 'moderaattori_mari');
    await mari.submit('/moderation/members/sini', { message: 'Hei, viestisi oli loukkaava toiselle. Voisitko muokata sitä?' }, '/moderation/members/sini/warn');

    const sini = await signedIn(node.url, 'sini');
    const page = await sini.get('/moderator-messages');
    assert.match(page.$('.messages').text(), /The moderators[\s\S]*Voisitko muokata sitä/);
    assert.doesNotMatch(page.html, /moderaattori_mari/, 'the moderator who wrote is not named');

    const empty = await sini.submit('/moderator-messages', { message: '   ' });
    assert.equal(empty.status, 422);
    assert.match(errorsOf(empty), /message/i);
    const long = await sini.submit('/moderator-messages', { message: 'x'.repeat(4001) });
    assert.equal(long.status, 422);
    assert.equal(long.$('#field-message').text(), 'x'.repeat(4001), 'what was typed comes back');
    assert.equal(await stored('sini'), 1, 'refused answers change nothing');

    const answered = await sini.submit('/moderator-messages', { message: 'Anteeksi, en tarkoittanut. Muokkaan sen.' });
    assert.match(answered.$('.notice').text(), /Your answer was sent/);
    assert.match(answered.$('.messages li').last().text(), /You[\s\S]*Muokkaan sen/);
    const told = await db().select().from(notifications).where(eq(notifications.kind, 'member_answered'));
    assert.deepEqual(told.map((n) => n.userId).sort(), [node.admin.id, person('moderaattori_mari').id].sort(), 'each moderator and admin');

    const list = await mari.get('/moderation/messages');
    assert.match(list.$('.thread-item').text(), /sini[\s\S]*waiting for an answer[\s\S]*1 unread/);
    const notice = await mari.get('/notifications');
    assert.match(notice.$('.notification-list').text(), /sini answered the moderators/);
    const opened = await mari.request(notice.$('.notification-list a').attr('href')!);
    assert.equal(opened.headers.get('location'), '/moderation/members/sini#messages');
    const memberPage = await mari.get('/moderation/members/sini');
    assert.match(memberPage.$('#messages').parent().text(), /Voisitko muokata[\s\S]*Muokkaan sen/);
    assert.doesNotMatch((await mari.get('/moderation/messages')).$('.thread-item').text(), /unread/, 'opened: read for all moderators');

    await mari.submit('/moderation/members/sini', { message: 'Kiitos!' }, '/moderation/members/sini/warn');
    assert.doesNotMatch((await mari.get('/moderation/messages')).$('.thread-item').text(), /waiting for an answer/);
    assert.deepEqual(
      (await sini.get('/moderator-messages')).$('.messages li').map((_, el) => (/You/.test(sini.lastPage!.$(el).find('.meta').text()) ? 'me' : 'them')).get(),
      ['them', 'me', 'them'],
    );
    // Another member sees nothing of it.
    assert.doesNotMatch((await signedIn(node.url, 'toinen').then((c) => c.get('/moderator-messages'))).html, /Muokkaan sen|Kiitos!/);
  });
});
