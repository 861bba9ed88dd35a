import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeThread } from '../support/forums.ts';
import { categories, forums } from '../../server/forums/forums.tables.ts';

describe('forums: the admin page for categories and forums', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ people: ['jasen', ['modi', 'moderator']] });
  });
  after(() => node.close());

  it('is for admins only', async () => {
    for (const name of ['jasen', 'modi']) {
      const client = await signedIn(node.url, name);
      assert.equal((await client.get('/admin/forums')).status, 403, name);
      const token = (await client.get('/settings')).$('input[name="_csrf"]').first().val() as string;
      assert.equal((await client.post('/admin/forums/categories', { _csrf: token, name: 'Hack', position: '0' })).status, 403);
    }
    assert.equal((await node.database.db.select().from(categories)).length, 0);
  });

  it('creates categories and forums, orders them, and refuses bad input keeping it', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    await admin.submit('/admin/forums', { name: 'Keskustelut', description: '', position: '1' }, '/admin/forums/categories');
    await admin.submit('/admin/forums', { name: 'Ensin', description: '', position: '0' }, '/admin/forums/categories');
    const [second, first] = [
      await node.database.db.query.categories.findFirst({ where: eq(categories.name, 'Keskustelut') }),
      await node.database.db.query.categories.findFirst({ where: eq(categories.name, 'Ensin') }),
    ];
    const base = { description: 'Kuvaus', rules: 'Ole ystävällinen.', startPolicy: 'members', replyPolicy: 'members', position: '0' };
    const bad = await admin.submit('/admin/forums', { ...base, categoryId: second!.id, name: 'Vertaistuki', slug: 'Not A Slug!', visibility: 'nobody' }, '/admin/forums');
    assert.equal(bad.status, 422);
    assert.match(errorsOf(bad), /lowercase letters/);
    assert.match(errorsOf(bad), /who can read/);
    assert.equal(bad.$('#field-name').val(), 'Vertaistuki');
    assert.equal((await node.database.db.select().from(forums)).length, 0);

    await admin.submit('/admin/forums', { ...base, categoryId: second!.id, name: 'Vertaistuki', slug: 'vertaistuki', visibility: 'members' }, '/admin/forums');
    await admin.submit('/admin/forums', { ...base, categoryId: first!.id, name: 'Tervetuloa', slug: 'tervetuloa', visibility: 'public' }, '/admin/forums');
    const taken = await admin.submit('/admin/forums', { ...base, categoryId: first!.id, name: 'Toinen', slug: 'vertaistuki', visibility: 'public' }, '/admin/forums');
    assert.match(errorsOf(taken), /already has this address/);

    const index = await (await signedIn(node.url, 'jasen')).get('/forums');
    assert.deepEqual(index.$('.category h2').map((_, el) => index.$(el).text()).get(), ['Ensin', 'Keskustelut']);
  });

  it('never turns a members-only forum with conversations public', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const forum = await node.database.db.query.forums.findFirst({ where: eq(forums.slug, 'vertaistuki') });
    const jasen = await node.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'jasen') });
    await makeThread(node.database.db, jasen!, forum!, 'Jäsenten asia', 'Vain jäsenille');
    const form = await admin.get(`/admin/forums/${forum!.id}`);
    assert.equal(form.$('#visibility-members').attr('checked'), 'checked');
    const page = await admin.submit(`/admin/forums/${forum!.id}`, {
      categoryId: forum!.categoryId!, name: forum!.name, slug: forum!.slug, description: '', rules: '',
      visibility: 'public', startPolicy: 'members', replyPolicy: 'members', position: '0',
    });
    assert.equal(page.status, 422);
    assert.match(errorsOf(page), /cannot become public/);
    assert.equal((await node.database.db.query.forums.findFirst({ where: eq(forums.id, forum!.id) }))?.visibility, 'members');
  });

  it('keeps a public forum’s address once it has conversations (other servers follow it by that address), keeping what was typed', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const forum = (await node.database.db.query.forums.findFirst({ where: eq(forums.slug, 'tervetuloa') }))!;
    const fields = { categoryId: forum.categoryId!, name: forum.name, description: '', rules: '', visibility: 'public', startPolicy: 'members', replyPolicy: 'members', position: '0' };
    // Without conversations the address may still change, and back.
    assert.ok((await admin.submit(`/admin/forums/${forum.id}`, { ...fields, slug: 'tervetuloa-uusi' })).status < 400);
    assert.ok((await admin.submit(`/admin/forums/${forum.id}`, { ...fields, slug: 'tervetuloa' })).status < 400);
    const jasen = await node.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'jasen') });
    await makeThread(node.database.db, jasen!, { ...forum, slug: 'tervetuloa' }, 'Hei kaikille', 'Julkinen avaus');
    const page = await admin.submit(`/admin/forums/${forum.id}`, { ...fields, slug: 'uusi-osoite' });
    assert.equal(page.status, 422);
    assert.match(errorsOf(page), /address cannot change/);
    assert.equal(page.$('#field-slug').val(), 'uusi-osoite');
    assert.equal((await node.database.db.query.forums.findFirst({ where: eq(forums.id, forum.id) }))?.slug, 'tervetuloa');
  });

  it('archives a forum: still readable, no longer writable', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const forum = await node.database.db.query.forums.findFirst({ where: eq(forums.slug, 'vertaistuki') });
    await admin.submit(`/admin/forums/${forum!.id}`, {
      categoryId: forum!.categoryId!, name: forum!.name, slug: forum!.slug, description: '', rules: '',
      visibility: 'members', startPolicy: 'members', replyPolicy: 'members', position: '0', archived: 'on',
    });
    const member = await signedIn(node.url, 'jasen');
    const page = await member.get('/forums/vertaistuki');
    assert.equal(page.status, 200);
    assert.match(page.$('main').text(), /archived/);
    assert.equal(page.$('a[href="/forums/vertaistuki/new"]').length, 0);
    assert.equal((await member.get('/forums/vertaistuki/new')).status, 404);
  });
});
