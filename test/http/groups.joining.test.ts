import assert from 'node:assert/strict';
import { errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { groupMembers } from '../../server/groups/groups.tables.ts';
import { and, eq } from 'drizzle-orm';

describe('groups: joining, asking, answering and leaving', () => {
  let node: SetUpTestNode;

  before(async () => {
    node = await startSetUpNode({ people: ['ohjaaja_oona'] });
    const db = node.database.db;
    const oona = node.people.ohjaaja_oona!;
    for (const name of ['sini', 'pekka', 'aino', 'ville']) await makeUser(db, name);
    await makeGroup(db, { name: 'Avoin kävely', slug: 'avoin' }, [oona]);
    await makeGroup(db, { name: 'Suljettu ryhmä', slug: 'suljettu', joinPolicy: 'closed' }, [oona]);
    await makeGroup(db, { name: 'Pieni ryhmä', slug: 'pieni', capacity: '1' }, [oona]);
    await makeGroup(db, { name: 'Pieni suljettu', slug: 'pieni-suljettu', joinPolicy: 'closed', capacity: '1' }, [oona]);
    await makeGroup(db, { name: 'Tauolla', slug: 'tauolla', status: 'paused' });
    await makeGroup(db, { name: 'Päättynyt', slug: 'paattynyt', status: 'ended' });
  });
  after(() => node.close());

  const statusOf = async (slug: string, username: string) => {
    const db = node.database.db;
    const group = await db.query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, slug) });
    const user = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, username) });
    const row = await db.query.groupMembers.findFirst({ where: and(eq(groupMembers.groupId, group!.id), eq(groupMembers.userId, user!.id)) });
    return row?.status;
  };

  it('an open group: join with one button, leave after an honest confirmation', async () => {
    const sini = await signedIn(node.url, 'sini');
    const page = await sini.get('/groups/avoin');
    assert.equal(page.$('form[action="/groups/avoin/join"] button').text().trim(), 'Join the group');
    const joined = await sini.submit('/groups/avoin', {}, '/groups/avoin/join');
    assert.match(joined.html, /Welcome to the group/);
    assert.match(joined.html, /You are in this group/);
    assert.equal(await statusOf('avoin', 'sini'), 'accepted');
    const csrf = joined.$('input[name="_csrf"]').attr('value') ?? '';
    const again = await sini.post('/groups/avoin/join', { _csrf: csrf });
    assert.equal(again.status, 409);
    assert.match(errorsOf(again), /already in this group/);
    assert.equal(await node.database.db.$count(groupMembers, eq(groupMembers.status, 'accepted')), 5, "Oona's four groups and sini's one row");
    const confirm = await sini.get('/groups/avoin/leave');
    assert.match(confirm.html, /Your posts stay in the group\. You can come back to an open group at any time\./);
    await sini.submit('/groups/avoin/leave', {});
    assert.equal(await statusOf('avoin', 'sini'), undefined);
  });

  it('a closed group: ask with a message, once; the peer leader declines with a reply; ask again; accepted', async () => {
    const pekka = await signedIn(node.url, 'pekka');
    assert.equal((await pekka.get('/groups/suljettu')).$('form[action="/groups/suljettu/join"]').length, 0);
    const asked = await pekka.submit('/groups/suljettu', { message: 'Olen käynyt vastaavassa ryhmässä ennen.' }, '/groups/suljettu/ask');
    assert.match(asked.html, /Your request was sent/);
    assert.equal(await statusOf('suljettu', 'pekka'), 'pending');
    const second = await pekka.post('/groups/suljettu/ask', { _csrf: (await pekka.get('/groups/suljettu')).$('input[name="_csrf"]').attr('value') ?? '', message: 'Uudestaan' });
    assert.equal(second.status, 409);
    assert.match(errorsOf(second), /already asked/);
    assert.equal(await node.database.db.$count(groupMembers, eq(groupMembers.status, 'pending')), 1);

    const leader = await signedIn(node.url, 'ohjaaja_oona');
    const notices = await leader.get('/notifications');
    assert.match(notices.html, /pekka asked to join Suljettu ryhmä/);
    const requests = await leader.get('/groups/suljettu/requests');
    assert.match(requests.html, /Olen käynyt vastaavassa ryhmässä ennen\./);
    const userId = (await node.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'pekka') }))!.id;
    await leader.submit('/groups/suljettu/requests', { decision: 'decline', reply: 'Ryhmä on nyt täynnä, uusi alkaa keväällä.' }, `/groups/suljettu/requests/${userId}`);
    assert.equal(await statusOf('suljettu', 'pekka'), 'declined');

    const declined = await pekka.get('/groups/suljettu');
    assert.match(declined.html, /could not take you in this time/);
    assert.match(declined.html, /Ryhmä on nyt täynnä, uusi alkaa keväällä\./);
    assert.match((await pekka.get('/notifications')).html, /The group Suljettu ryhmä answered your request/);

    await pekka.submit('/groups/suljettu', { message: 'Kysyn uudelleen.' }, '/groups/suljettu/ask');
    assert.equal(await statusOf('suljettu', 'pekka'), 'pending');
    await leader.submit('/groups/suljettu/requests', { decision: 'accept', reply: '' }, `/groups/suljettu/requests/${userId}`);
    assert.equal(await statusOf('suljettu', 'pekka'), 'accepted');
    assert.match((await pekka.get('/notifications')).html, /You were accepted into Suljettu ryhmä/);
    assert.match((await pekka.get('/groups/suljettu')).html, /Go to the group&#x27;s discussion|Go to the group's discussion/);
  });

  it('a request can be taken back', async () => {
    const aino = await signedIn(node.url, 'aino');
    await aino.submit('/groups/suljettu', {}, '/groups/suljettu/ask');
    assert.equal(await statusOf('suljettu', 'aino'), 'pending');
    const confirm = await aino.get('/groups/suljettu/leave');
    assert.match(confirm.html, /Take back your request/);
    await aino.submit('/groups/suljettu/leave', {});
    assert.equal(await statusOf('suljettu', 'aino'), undefined);
  });

  it('a full group takes no one more, and a full closed group cannot accept more', async () => {
    const sini = await signedIn(node.url, 'sini');
    const ville = await signedIn(node.url, 'ville');
    await sini.submit('/groups/pieni', {}, '/groups/pieni/join');
    assert.equal(await statusOf('pieni', 'sini'), 'accepted');
    const page = await ville.get('/groups/pieni');
    assert.match(page.html, /This group is full right now/);
    const csrf = (await ville.get('/groups/avoin')).$('input[name="_csrf"]').attr('value') ?? '';
    const forced = await ville.post('/groups/pieni/join', { _csrf: csrf });
    assert.equal(forced.status, 409);
    assert.match(errorsOf(forced), /The group is full/);
    assert.equal(await statusOf('pieni', 'ville'), undefined);

    await sini.submit('/groups/pieni-suljettu', {}, '/groups/pieni-suljettu/ask');
    await ville.submit('/groups/pieni-suljettu', {}, '/groups/pieni-suljettu/ask');
    const leader = await signedIn(node.url, 'ohjaaja_oona');
    const users = await node.database.db.query.users.findMany({ where: (u, { inArray }) => inArray(u.username, ['sini', 'ville']) });
    const id = (name: string) => users.find((u) => u.username === name)!.id;
    await leader.submit('/groups/pieni-suljettu/requests', { decision: 'accept' }, `/groups/pieni-suljettu/requests/${id('sini')}`);
    const refused = await leader.submit('/groups/pieni-suljettu/requests', { decision: 'accept' }, `/groups/pieni-suljettu/requests/${id('ville')}`);
    assert.equal(refused.status, 409);
    assert.equal(await statusOf('pieni-suljettu', 'ville'), 'pending');
  });

  it('a paused or ended group takes no one', async () => {
    const aino = await signedIn(node.url, 'aino');
    for (const slug of ['tauolla', 'paattynyt']) {
      const page = await aino.get(`/groups/${slug}`);
      assert.match(page.html, /not taking new participants/);
      assert.equal(page.$(`form[action="/groups/${slug}/join"]`).length, 0);
      const csrf = page.$('input[name="_csrf"]').attr('value') ?? (await aino.get('/groups/avoin')).$('input[name="_csrf"]').attr('value') ?? '';
      const forced = await aino.post(`/groups/${slug}/join`, { _csrf: csrf });
      assert.equal(forced.status, 409);
      assert.equal(await statusOf(slug, 'aino'), undefined);
    }
    assert.doesNotMatch((await aino.get('/groups')).html, /Päättynyt/, 'ended groups leave the directory');
  });

  it('only the peer leader answers: a member cannot forge an answer or read the requests', async () => {
    const ville = await signedIn(node.url, 'ville');
    const aino = (await node.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'aino') }))!;
    await (await signedIn(node.url, 'aino')).submit('/groups/suljettu', {}, '/groups/suljettu/ask');
    assert.equal((await ville.get('/groups/suljettu/requests')).status, 403);
    const csrf = (await ville.get('/groups/avoin')).$('input[name="_csrf"]').attr('value') ?? '';
    const forged = await ville.post(`/groups/suljettu/requests/${aino.id}`, { _csrf: csrf, decision: 'accept' });
    assert.equal(forged.status, 403);
    assert.equal(await statusOf('suljettu', 'aino'), 'pending');
  });

  it("a member's groups are in their data export and leave with their account", async () => {
    const ville = await signedIn(node.url, 'ville');
    await ville.submit('/groups/avoin', {}, '/groups/avoin/join');
    const data = JSON.parse((await ville.request('/settings/export')).html) as { groups: { group: string; status: string }[] };
    assert.deepEqual(data.groups.map((g) => [g.group, g.status]).sort(), [['Avoin kävely', 'accepted'], ['Pieni suljettu', 'pending']]);
    await ville.submit('/settings/delete', { password: 'correct horse battery' });
    assert.equal(await statusOf('avoin', 'ville'), undefined);
    assert.equal(await statusOf('pieni-suljettu', 'ville'), undefined);
  });
});
