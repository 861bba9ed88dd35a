import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import type { Thread, Post } from '../../server/forums/threads.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { deletePost, findPost } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

// Words that appear only in members-only content: any page that shows one of them to a visitor leaks.
const secretTitle = 'Salainen jäsenkeskustelu';
const secretBody = 'Kerron tässä jäsenille omasta toipumisestani';
const secretReply = 'Vastaus vain jäsenten silmille';
const deletedWords = 'Tämä viesti poistetaan pian';

describe('forums: who sees what', () => {
  let node: SetUpTestNode;
  let open: Forum;
  let closed: Forum;
  let secret: Thread;
  let secretPost: Post;
  let openThread: Thread;

  before(async () => {
    node = await startSetUpNode({ people: ['sini', ['odottava', 'member', 'pending'], ['jaahylla', 'member', 'suspended']] });
    const db = node.database.db;
    const sini = node.people.sini!;
    open = await makeForum(db, 'avoin', 'public');
    closed = await makeForum(db, 'jasenille', 'members');
    secret = await makeThread(db, sini, closed, secretTitle, secretBody);
    secretPost = await makeReply(db, sini, closed, secret, secretReply);
    openThread = await makeThread(db, sini, open, 'Avoin keskustelu', 'Kaikille näkyvä viesti ryhmästä');
    const doomed = await makeReply(db, sini, open, openThread, deletedWords);
    const found = await findPost(db, doomed.id);
    const result = await deletePost(db, sini, found!);
    assert.ok(result.ok);
  });
  after(() => node.close());

  const leaks = (html: string) => [secretTitle, secretBody, secretReply].filter((words) => html.includes(words));

  it('hides the members-only forum, its threads, posts and feed from visitors, by URL guessing too', async () => {
    const visitor = new Client(node.url);
    const guessed = [
      '/',
      '/forums',
      '/forums/jasenille',
      '/forums/jasenille/feed.atom',
      '/forums/jasenille/new',
      `/threads/${secret.id}`,
      `/threads/${secret.number}`,
      `/threads/${secret.id}/posts/2`,
      `/threads/${secret.number}/posts/2`,
      `/threads/${secret.id}/reply?quote=${secretPost.id}`,
      `/posts/${secretPost.id}`,
      `/posts/${secretPost.id}/support`,
      `/posts/${secretPost.id}/history`,
      `/search?q=${encodeURIComponent('toipumisestani')}`,
      `/search?q=${encodeURIComponent('jäsenten')}&forum=jasenille`,
      `/forums/avoin/feed.atom`,
    ];
    for (const path of guessed) {
      const page = await visitor.get(path);
      assert.deepEqual(leaks(page.html), [], path);
      assert.equal(page.$('a[href^="/forums/jasenille"], option[value="jasenille"]').length, 0, `${path} links the members-only forum`);
    }
    assert.equal((await visitor.request('/forums/jasenille')).status, 404);
    assert.equal((await visitor.request(`/threads/${secret.id}`)).status, 404);
    assert.equal((await visitor.request(`/threads/${secret.number}`)).status, 404, 'no redirect gives the title away');
    assert.equal((await visitor.request('/forums/jasenille/feed.atom')).status, 404);
    const index = await visitor.get('/forums');
    assert.equal(index.$('a[href="/forums/jasenille"]').length, 0);
    assert.equal(index.$('a[href="/forums/avoin"]').length, 1);
  });

  it('refuses a forged reply into the members-only thread, and a quote of it elsewhere', async () => {
    const visitor = new Client(node.url);
    await visitor.get('/login');
    const token = visitor.lastPage!.$('input[name="_csrf"]').val() as string;
    const page = await visitor.post(`${paths.thread(secret)}/replies`, { _csrf: token, body: 'sneaky' });
    assert.equal(page.status, 303, 'a visitor is sent to sign in');
    const member = await signedIn(node.url, 'sini');
    const forged = await member.submit(`${paths.thread(openThread)}`, { body: 'Quoting a secret', quote: secretPost.id }, `${paths.thread(openThread)}/replies`);
    assert.equal(forged.status, 422, 'a quote must come from the same thread');
    assert.deepEqual(leaks(forged.html), []);
    const thread = await member.get(`${paths.thread(openThread)}`);
    assert.doesNotMatch(thread.html, /Quoting a secret/);
  });

  it('shows everything to signed-in members, and nothing to pending or suspended accounts', async () => {
    const member = await signedIn(node.url, 'admin_anna');
    const index = await member.get('/forums');
    assert.equal(index.$('a[href="/forums/jasenille"]').length, 1);
    const thread = await member.get(`${paths.thread(secret)}`);
    assert.equal(thread.status, 200);
    assert.match(thread.html, new RegExp(secretBody));
    assert.match(thread.$('.visibility').text(), /Members only/);
    const found = await member.get(`/search?q=${encodeURIComponent('toipumisestani')}`);
    assert.equal(found.$('.search-results li').length, 1);
    for (const login of ['odottava', 'jaahylla']) {
      const client = new Client(node.url);
      await client.submit('/login', { login, password: 'correct horse battery' });
      assert.equal((await client.request(`${paths.thread(secret)}`)).status, 404, login);
    }
  });

  it('keeps only a placeholder of a deleted post, for everyone', async () => {
    for (const client of [new Client(node.url), await signedIn(node.url, 'sini'), await signedIn(node.url, 'admin_anna')]) {
      const page = await client.get(`${paths.thread(openThread)}`);
      assert.equal(page.$('.post').length, 2);
      assert.doesNotMatch(page.html, new RegExp(deletedWords));
      assert.match(page.$('.post.is-deleted').text(), /This post was deleted/);
      const found = await client.get(`/search?q=${encodeURIComponent('poistetaan')}`);
      assert.equal(found.$('.search-results li').length, 0);
    }
  });

  it('lists only public forums in the public feed, and that feed holds only public posts', async () => {
    const response = await fetch(`${node.url}/forums/avoin/feed.atom`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /application\/atom\+xml/);
    const xml = await response.text();
    assert.match(xml, /Avoin keskustelu/);
    assert.deepEqual(leaks(xml), []);
    assert.doesNotMatch(xml, new RegExp(deletedWords));
  });
});
