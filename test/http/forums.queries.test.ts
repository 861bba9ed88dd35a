import assert from 'node:assert/strict';
import type { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeUser, signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { toggleSupport, findPost } from '../../server/forums/threads.service.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { forgetSettings } from '../../server/admin/settings.service.ts';
import { paths } from '../../server/paths.ts';

/** The most queries any forum page may issue, however much it shows. */
const ceiling = 14;

describe('forums: a fixed, small number of queries per page', () => {
  let node: SetUpTestNode;
  let small: Thread;
  let large: Thread;
  let member: Client;

  before(async () => {
    node = await startSetUpNode();
    const db = node.database.db;
    const people = await Promise.all(['aino', 'eino', 'helmi', 'kalle'].map((name) => makeUser(db, name)));
    const few = await makeForum(db, 'vahan', 'members');
    const many = await makeForum(db, 'paljon', 'members');
    for (let i = 0; i < 8; i++) await makeForum(db, `lisa-${i}`, i % 2 ? 'public' : 'members');
    small = await makeThread(db, people[0]!, few, 'Pieni', 'Yksi viesti ryhmästä');
    large = await makeThread(db, people[0]!, many, 'Iso', 'Monta viestiä ryhmästä @eino');
    for (let i = 0; i < 24; i++) {
      const author = people[i % people.length]!;
      const post = await makeReply(db, author, many, large, `Vastaus ${i} ryhmästä @aino @helmi`, '');
      for (const reactor of people.slice(0, 3)) await toggleSupport(db, reactor, (await findPost(db, post.id))!);
    }
    for (let i = 0; i < 30; i++) await makeThread(db, people[i % 4]!, many, `Keskustelu ${i}`, `ryhmä ${i}`);
    member = await signedIn(node.url, 'aino');
  });
  after(() => node.close());

  async function queriesFor(path: string, client = member): Promise<number> {
    // The node's settings are cached for 5 s: on a slow run the cache could run out between two
    // measured pages. Each measured page reads them afresh, so both count the same.
    forgetSettings();
    const before = node.database.queryCount();
    const page = await client.request(path);
    assert.equal(page.status, 200, path);
    return node.database.queryCount() - before;
  }

  for (const [name, smallPath, largePath] of [
    ['thread page', () => `${paths.thread(small)}`, () => `${paths.thread(large)}`],
    ['forum page', () => '/forums/vahan', () => '/forums/paljon'],
    ['search', () => '/search?q=yksi', () => '/search?q=ryhmä'],
  ] as const) {
    it(`${name}: the same count for one item as for a full page`, async () => {
      const few = await queriesFor(smallPath());
      const many = await queriesFor(largePath());
      assert.ok(few > 3, 'the counter counts');
      assert.ok(many <= ceiling, `${name} issued ${many} queries`);
      assert.equal(many, few, `${name}: ${few} queries for a little, ${many} for a lot`);
    });
  }

  it('notifications: the same count for one notification as for many', async () => {
    const few = await queriesFor('/notifications', await signedIn(node.url, 'eino'));
    const many = await queriesFor('/notifications');
    assert.ok(many <= ceiling);
    assert.equal(many, few);
  });

  it("a signed-in reader's thread page: session and member in one query, the count of notices only when some are unread", async () => {
    await makeUser(node.database.db, 'lukija');
    await makeUser(node.database.db, 'valvoja', 'moderator');
    const reread = async (client: Client) => {
      await client.request(`${paths.thread(large)}`); // the first reading marks the page read: a write
      return queriesFor(`${paths.thread(large)}`, client);
    };
    // The settings (read afresh here), the session with its member, the thread, its posts.
    assert.equal(await reread(await signedIn(node.url, 'lukija')), 4);
    // aino has unread notices (mentions, strength): their count is one query more.
    assert.equal(await reread(member), 5);
    // A moderator's header counts the queue: one query for all of it.
    assert.equal(await reread(await signedIn(node.url, 'valvoja')), 5);
  });

  it('forum index: a fixed count with ten forums', async () => {
    assert.ok((await queriesFor('/forums')) <= ceiling);
  });
});
