import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';

describe('the visitor page cache', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ env: { PAGE_CACHE_MS: '60000' }, people: ['sini'] });
    const db = node.database.db;
    const sini = node.people.sini!;
    await makeForum(db, 'avoin', 'public');
    const closed = await makeForum(db, 'jasenille', 'members');
    await makeThread(db, sini, closed, 'Vain jäsenille tarkoitettu', 'Salaisuus');
  });
  after(() => node.close());

  it('serves a visitor the page as visitors see it, never a member\'s page', async () => {
    const member = await signedIn(node.url, 'sini');
    const memberIndex = await member.get('/forums');
    assert.match(memberIndex.html, /Forum jasenille/);
    const visitorIndex = await new Client(node.url).get('/forums');
    assert.doesNotMatch(visitorIndex.html, /Forum jasenille/);
    const again = await new Client(node.url).get('/forums');
    assert.equal(again.html, visitorIndex.html);
    assert.match((await member.get('/forums')).html, /Forum jasenille/, 'members are never served from the cache');
    assert.match(again.headers.get('vary') ?? '', /Cookie/);
  });

  it('keeps languages apart, and forgets everything after a post in this process', async () => {
    const fi = await new Client(node.url).get('/forums', { 'accept-language': 'fi' });
    const sv = await new Client(node.url).get('/forums', { 'accept-language': 'sv' });
    assert.equal(fi.$('html').attr('lang'), 'fi');
    assert.equal(sv.$('html').attr('lang'), 'sv');
    const before = await new Client(node.url).get('/forums/avoin');
    assert.doesNotMatch(before.html, /Uusi avoin keskustelu/);
    const member = await signedIn(node.url, 'sini');
    await member.submit('/forums/avoin/new', { title: 'Uusi avoin keskustelu', body: 'Hei kaikki', contentWarning: '' });
    const after = await new Client(node.url).get('/forums/avoin');
    assert.match(after.html, /Uusi avoin keskustelu/);
  });

  it('does not keep pages that start a session', async () => {
    const first = new Client(node.url);
    await first.get('/login');
    assert.ok(first.cookies.has('kohtaamo.sid'));
    const second = new Client(node.url);
    await second.get('/login');
    assert.ok(second.cookies.has('kohtaamo.sid'), 'each visitor gets a form token of their own');
  });
});

describe('reading as a visitor', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ people: ['sini'] });
    const db = node.database.db;
    const sini = node.people.sini!;
    const open = await makeForum(db, 'avoin', 'public');
    await makeThread(db, sini, open, 'Avoin', 'Hei');
  });
  after(() => node.close());

  it('starts no session on the pages a visitor reads', async () => {
    const visitor = new Client(node.url);
    const index = await visitor.get('/forums/avoin');
    const thread = index.$('.thread-title a').first().attr('href')!;
    for (const path of ['/', '/forums', '/forums/avoin', thread, '/search?q=hei', '/help', '/rules']) {
      await visitor.get(path);
      assert.equal(visitor.cookies.size, 0, path);
    }
  });
});
