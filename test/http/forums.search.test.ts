import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';

describe('forums: search', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode({ people: ['sini'] });
    const db = node.database.db;
    const sini = node.people.sini!;
    const open = await makeForum(db, 'avoin', 'public');
    const closed = await makeForum(db, 'jasenille', 'members');
    const thread = await makeThread(db, sini, open, 'Kokemuksia vertaistuesta', 'Kävin ensimmäistä kertaa ryhmässä ja se auttoi.');
    await makeReply(db, sini, open, thread, 'Jag var också i gruppen i går, det kändes bra.');
    await makeThread(db, sini, open, 'Liikunta', 'Kävelylenkit metsässä rauhoittavat <script>alert(1)</script> mieltä.');
    await makeThread(db, sini, closed, 'Jäsenten ryhmä', 'Tämä ryhmässä käyty keskustelu on vain jäsenille.');
  });
  after(() => node.close());

  it('finds Finnish inflected forms: "ryhmä" finds "ryhmässä"', async () => {
    const page = await new Client(node.url).get(`/search?q=${encodeURIComponent('ryhmä')}`);
    assert.equal(page.status, 200);
    const titles = page.$('.search-results h2').map((_, el) => page.$(el).text()).get();
    assert.deepEqual(titles, ['Kokemuksia vertaistuesta']);
    assert.equal(page.$('.search-results mark').first().text().toLowerCase(), 'ryhmässä');
  });

  it('finds Swedish forms too, and titles', async () => {
    const swedish = await new Client(node.url).get(`/search?q=${encodeURIComponent('grupp')}`);
    assert.equal(swedish.$('.search-results li').length, 1);
    const title = await new Client(node.url).get(`/search?q=${encodeURIComponent('liikunnasta')}`);
    assert.equal(title.$('.search-results h2').first().text(), 'Liikunta');
  });

  it('never returns members-only posts to visitors, and does to members', async () => {
    const visitor = await new Client(node.url).get(`/search?q=${encodeURIComponent('keskustelu jäsenille')}`);
    assert.equal(visitor.$('.search-results li').length, 0);
    assert.doesNotMatch(visitor.html, /vain jäsenille\./);
    const member = await (await signedIn(node.url, 'sini')).get(`/search?q=${encodeURIComponent('keskustelu jäsenille')}`);
    assert.equal(member.$('.search-results li').length, 1);
  });

  it('filters by forum and escapes what the excerpt shows', async () => {
    const member = await signedIn(node.url, 'sini');
    const scoped = await member.get(`/search?q=${encodeURIComponent('ryhmä')}&forum=jasenille`);
    assert.deepEqual(scoped.$('.search-results h2').map((_, el) => scoped.$(el).text()).get(), ['Jäsenten ryhmä']);
    const escaped = await member.get(`/search?q=${encodeURIComponent('metsä')}`);
    assert.equal(escaped.$('.search-results script').length, 0);
    assert.match(escaped.$('.excerpt').text(), /alert\(1\)/);
  });

  it('copes with empty, odd and very long queries', async () => {
    for (const q of ['', '"', '!!!', '& | !', 'a'.repeat(1000), 'ryhmä OR -ryhmä']) {
      const page = await new Client(node.url).get(`/search?q=${encodeURIComponent(q)}`);
      assert.equal(page.status, 200, q);
    }
  });
});
