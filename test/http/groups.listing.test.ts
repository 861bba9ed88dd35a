import assert from 'node:assert/strict';
import { errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { listing, makeGroup } from '../support/groups.ts';
import { groups } from '../../server/groups/groups.tables.ts';

describe('groups: creating and editing a listing', () => {
  let node: SetUpTestNode;

  before(async () => {
    node = await startSetUpNode({ people: ['ohjaaja_oona', 'toinen_ohjaaja', 'jasen'] });
    const db = node.database.db;
    const oona = node.people.ohjaaja_oona!;
    await makeGroup(db, { name: 'Oonan ryhmä', slug: 'oonan-ryhma' }, [oona]);
  });
  after(() => node.close());

  it('an admin creates a group and names its peer leader', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const created = await admin.submit('/admin/groups/new', listing({ name: 'Uusi ryhmä', slug: 'uusi-ryhma', topicIds: [], audiences: ['adults', 'close_ones'], languages: ['fi', 'sv'] }));
    assert.equal(created.status, 200);
    assert.match(created.html, /The group was created/);
    const named = await admin.submit('/groups/uusi-ryhma/edit', { username: 'toinen_ohjaaja' }, '/groups/uusi-ryhma/facilitators');
    assert.match(named.html, /The peer leader was added/);
    const leader = await signedIn(node.url, 'toinen_ohjaaja');
    assert.equal((await leader.get('/groups/uusi-ryhma/edit')).status, 200);
    const page = await leader.get('/groups/uusi-ryhma');
    assert.match(page.html, /Adults, Family and friends/);
    assert.match(page.html, /Finnish, Swedish/);
    assert.match(page.html, /Every Tuesday, 18\.00–19\.30/);
    assert.match(page.html, /Tampere \(Pirkanmaa\)/);
  });

  const badInputs: [string, Record<string, string | string[]>, RegExp, string][] = [
    ['no name', { name: '  ' }, /The group needs a name/, 'name'],
    ['a bad time', { startTime: '25:61' }, /Write the time as hours and minutes/, 'startTime'],
    ['an unknown municipality', { municipalityCode: '999' }, /We do not know that municipality/, 'municipalityCode'],
    ['a bad video link', { remote: 'on', videoUrl: 'javascript:alert(1)' }, /must be a web address/, 'videoUrl'],
    ['an impossible date', { startsOn: '2026-02-30' }, /Write the date as a real day/, 'startsOn'],
    ['neither in person nor online', { inPerson: '', remote: '' }, /Tell how the group meets/, 'inPerson'],
  ];

  for (const [what, fields, message, field] of badInputs) {
    it(`refuses ${what} with a clear message, saves nothing and fills the form back in`, async () => {
      const admin = await signedIn(node.url, 'admin_anna');
      const before = await node.database.db.$count(groups);
      const typed = listing({ name: 'Keskiviikon kirjoittajat', slug: `kirjoittajat-${field.toLowerCase()}`, description: 'Kirjoitamme yhdessä\nja luemme ääneen.', ...fields });
      const page = await admin.submit('/admin/groups/new', typed);
      assert.equal(page.status, 422);
      assert.match(errorsOf(page), message);
      assert.equal(page.$(`.error-summary a[href="#field-${field}"]`).length, 1);
      assert.equal(await node.database.db.$count(groups), before);
      assert.equal(page.$('#field-slug').val(), typed.slug);
      assert.equal(page.$('#field-description').text(), 'Kirjoitamme yhdessä\nja luemme ääneen.');
      assert.equal(page.$('#languages-fi').attr('checked'), 'checked');
      if (typeof fields.startTime === 'string') assert.equal(page.$('#field-startTime').val(), fields.startTime);
      if (typeof fields.municipalityCode === 'string') assert.equal(page.$('#field-municipalityCode option[selected]').length, 0);
      else assert.equal(page.$('#field-municipalityCode option[selected]').val(), '837');
    });
  }

  it('names one of the site’s public forums as the group’s own; a members-only one is refused', async () => {
    const { makeForum } = await import('../support/forums.ts');
    const open = await makeForum(node.database.db, 'ryhman-avoin', 'public');
    const closed = await makeForum(node.database.db, 'ryhman-suljettu', 'members');
    const admin = await signedIn(node.url, 'admin_anna');
    const refused = await admin.submit('/admin/groups/new', listing({ name: 'Foorumiryhmä', slug: 'foorumiryhma', forumId: closed.id }));
    assert.equal(refused.status, 422);
    assert.match(errorsOf(refused), /public forums/);
    assert.equal(refused.$('#field-forumId option[value="' + closed.id + '"]').length, 0, 'only public forums are offered');
    const saved = await admin.submit('/admin/groups/new', listing({ name: 'Foorumiryhmä', slug: 'foorumiryhma', forumId: open.id }));
    assert.equal(saved.status, 200);
    const page = await admin.get('/groups/foorumiryhma');
    assert.equal(page.$('a[href="/forums/ryhman-avoin"]').length, 1);
  });

  it('a peer leader edits their own group; a bad edit changes nothing', async () => {
    const leader = await signedIn(node.url, 'ohjaaja_oona');
    const saved = await leader.submit('/groups/oonan-ryhma/edit', listing({ name: 'Oonan ryhmä', slug: 'oonan-ryhma', startTime: '17.30', weekday: '4' }));
    assert.match(saved.html, /Every Thursday, 17\.30–19\.00/);
    const bad = await leader.submit('/groups/oonan-ryhma/edit', listing({ name: '', slug: 'oonan-ryhma', startTime: '9' }));
    assert.equal(bad.status, 422);
    const row = await node.database.db.query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'oonan-ryhma') });
    assert.equal(row?.name, 'Oonan ryhmä');
    assert.equal(row?.startTime, '17:30');
  });

  it("another group's peer leader and an ordinary member cannot edit it, even by posting the form", async () => {
    for (const username of ['toinen_ohjaaja', 'jasen']) {
      const client = await signedIn(node.url, username);
      assert.equal((await client.get('/groups/oonan-ryhma/edit')).status, 403);
      const csrf = (await client.get('/groups/oonan-ryhma')).$('input[name="_csrf"]').attr('value') ?? '';
      const forged = await client.post('/groups/oonan-ryhma/edit', { _csrf: csrf, ...listing({ name: 'Kaapattu', slug: 'oonan-ryhma' }) });
      assert.equal(forged.status, 403);
      const meetings = await client.post('/groups/oonan-ryhma/meetings', { _csrf: csrf, kind: 'cancelled', on: '2026-12-01' });
      assert.equal(meetings.status, 403);
      assert.equal((await client.post('/admin/groups', { _csrf: csrf, ...listing({ slug: 'luvaton' }) })).status, 403);
    }
    assert.equal((await node.database.db.query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'oonan-ryhma') }))?.name, 'Oonan ryhmä');
    assert.equal(await node.database.db.query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'luvaton') }), undefined);
  });

  it('a peer leader cancels a meeting and adds an extra one; the page shows the change', async () => {
    const leader = await signedIn(node.url, 'ohjaaja_oona');
    const page = await leader.get('/groups/oonan-ryhma');
    const first = page.$('.meeting-list time').first().attr('datetime')!;
    const firstDate = new Date(first).toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
    await leader.submit('/groups/oonan-ryhma/meetings', { kind: 'cancelled', on: firstDate });
    const bad = await leader.submit('/groups/oonan-ryhma/meetings', { kind: 'extra', on: '2099-01-01', startTime: '' });
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /Write the time/);
    const after = await leader.get('/groups/oonan-ryhma');
    assert.notEqual(after.$('.meeting-list time').first().attr('datetime'), first);
  });

  it('a closed group with conversations in its space cannot become open', async () => {
    const db = node.database.db;
    const oona = (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'ohjaaja_oona') }))!;
    const group = await makeGroup(db, { name: 'Luottamusryhmä', slug: 'luottamus', joinPolicy: 'closed' }, [oona]);
    const { spaceOf } = await import('../../server/groups/groups.service.ts');
    const { makeThread } = await import('../support/forums.ts');
    await makeThread(db, oona, { ...(await spaceOf(db, group.id))!, inGroup: true }, 'Ensimmäinen tapaaminen', 'Tervetuloa');
    const leader = await signedIn(node.url, 'ohjaaja_oona');
    const page = await leader.submit('/groups/luottamus/edit', listing({ name: 'Luottamusryhmä', slug: 'luottamus', joinPolicy: 'open' }));
    assert.equal(page.status, 422);
    assert.match(errorsOf(page), /cannot become open/);
    assert.equal((await db.query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'luottamus') }))?.joinPolicy, 'closed');
  });
});
