import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { threads } from '../../server/forums/forums.tables.ts';

describe('forums: readable addresses, and old links that lead to them', () => {
  let node: SetUpTestNode;
  const db = () => node.database.db;

  before(async () => {
    node = await startSetUpNode({ people: ['sini'] });
  });
  after(() => node.close());

  it('serves a conversation at its number and title, and leads old and changed addresses there, keeping the page asked for', async () => {
    const forum = await makeForum(db(), 'avoin', 'public');
    const first = await makeThread(db(), node.people.sini!, forum, 'Ensimmäinen', 'Alku');
    const thread = await makeThread(db(), node.people.sini!, forum, 'Äänet yöllä?', 'Kuuletteko?');
    assert.equal(thread.number, first.number + 1, 'numbers follow in order');
    const visitor = new Client(node.url);
    const readable = `/threads/${thread.number}-aanet-yolla`;
    const page = await visitor.request(readable);
    assert.equal(page.status, 200);
    assert.equal(page.$('h1').text(), 'Äänet yöllä?');

    for (const old of [`/threads/${thread.id}`, `/threads/${thread.number}`, `/threads/${thread.number}-vanha-otsikko`]) {
      const moved = await visitor.request(`${old}?page=1`);
      assert.equal(moved.status, 301, old);
      assert.equal(moved.headers.get('location'), `${readable}?page=1`, old);
    }
    // The forum's list and the stable post links use the readable address.
    assert.equal((await visitor.get('/forums/avoin')).$(`.thread-title a[href="${readable}"]`).length, 1);
    assert.equal((await visitor.request(`/threads/${thread.id}/posts/1`)).headers.get('location'), `${readable}?page=1#post-1`);

    // A new title: the old words still lead to it.
    await db().update(threads).set({ title: 'Unettomat yöt' }).where(eq(threads.id, thread.id));
    assert.equal((await visitor.request(readable)).headers.get('location'), `/threads/${thread.number}-unettomat-yot`);
    assert.equal((await visitor.request('/threads/99999-ei-ole')).status, 404);
    assert.equal((await visitor.request('/threads/abc')).status, 404);
  });

  it('gives no title away to someone who may not read the conversation', async () => {
    const forum = await makeForum(db(), 'jasenille', 'members');
    const secret = await makeThread(db(), node.people.sini!, forum, 'Salainen otsikko', 'Vain jäsenille');
    const visitor = new Client(node.url);
    for (const guess of [`/threads/${secret.id}`, `/threads/${secret.number}`, `/threads/${secret.number}-arvaus`]) {
      const answer = await visitor.request(guess);
      assert.equal(answer.status, 404, guess);
      assert.equal(answer.headers.get('location'), null);
      assert.doesNotMatch(answer.html, /salainen/i);
    }
    const sini = await signedIn(node.url, 'sini');
    assert.equal((await sini.request(`/threads/${secret.number}`)).headers.get('location'), `/threads/${secret.number}-salainen-otsikko`);
  });
});
