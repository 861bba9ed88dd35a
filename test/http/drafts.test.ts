import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { password, signedIn } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { posts } from '../../server/forums/forums.tables.ts';
import { sessions } from '../../server/accounts/accounts.tables.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

describe('drafts: typed text survives a refused form', () => {
  let node: SetUpTestNode;
  let forum: Forum;
  const db = () => node.database.db;
  const repliesIn = async (threadId: string) => (await db().select().from(posts).where(eq(posts.threadId, threadId))).length;

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen'] });
    forum = await makeForum(db(), 'vertaistuki', 'members');
  });
  after(() => node.close());

  /** The reply form of a thread, as open in a browser tab: its token and the fields to send. */
  async function openReply(client: Client, thread: Thread) {
    const page = await client.get(paths.thread(thread));
    const token = page.$(`form[action="${paths.thread(thread)}/replies"] input[name="_csrf"]`).attr('value');
    assert.ok(token, 'the thread page has a reply form');
    return token;
  }

  it('keeps a reply sent after the session ended, and offers it back after signing in, to send once', async () => {
    const sini = await signedIn(node.url, 'sini');
    const thread = await makeThread(db(), node.people.toinen!, forum, 'Ilta', 'Miten ilta meni?');
    const token = await openReply(sini, thread);
    // The session ends while the tab is open (signed out elsewhere, or it expired).
    await db().delete(sessions);
    const text = 'Pitkä vastaus, jota kirjoitin\nkauan <b>ajatuksella</b>.';

    const refused = await sini.post(`${paths.thread(thread)}/replies`, { _csrf: token, body: text, contentWarning: 'väsymys' });
    assert.equal(refused.status, 403);
    assert.match(refused.$('main').text(), /You had been signed out, so nothing was sent/);
    assert.equal(refused.$('#written-body').val(), text, 'the text is on the page to copy');
    assert.equal(refused.$('#written-body').attr('readonly'), 'readonly');
    assert.equal(refused.$('a[href="/login?next=%2Fdraft"]').length, 1);
    assert.equal(await repliesIn(thread.id), 1, 'nothing was sent');

    // Another browser has nothing of it.
    assert.match((await new Client(node.url).get('/draft')).$('main').text(), /There is no unsent text here/);

    const afterSignIn = await sini.submit('/login?next=%2Fdraft', { login: 'sini', password });
    assert.equal(new URL(afterSignIn.url).pathname, '/draft');
    const form = afterSignIn.$(`form[action="${paths.thread(thread)}/replies"]`);
    assert.equal(form.find('#draft-body').val(), text);
    assert.equal(form.find('#draft-contentWarning').val(), 'väsymys');
    assert.equal(afterSignIn.$('#draft-body').length, 1);

    const sent = await sini.submit('/draft', { body: `${text} Lisäys.` }, `${paths.thread(thread)}/replies`);
    assert.equal(sent.status, 200);
    assert.match(sent.$('main').text(), /Lisäys\./);
    assert.equal(await repliesIn(thread.id), 2, 'sent once');
    assert.match((await sini.get('/draft')).$('main').text(), /There is no unsent text here/, 'sent text is no longer kept');
  });

  it('keeps a new conversation whose form went stale while signed in, but never a password', async () => {
    const sini = await signedIn(node.url, 'sini');
    const refused = await sini.post('/forums/vertaistuki/threads', { _csrf: 'stale', title: 'Uusi aihe', body: 'Ajatuksia', password: 'salasana-ei-talteen' });
    assert.equal(refused.status, 403);
    assert.match(refused.$('main').text(), /We could not take the form just now/);
    const draft = await sini.get('/draft');
    assert.equal(draft.$('#draft-title').val(), 'Uusi aihe');
    assert.equal(draft.$('#draft-body').val(), 'Ajatuksia');
    assert.doesNotMatch(draft.html, /salasana-ei-talteen/);
    const stored = await db().select().from(sessions);
    assert.ok(stored.every((row) => !JSON.stringify(row).includes('salasana-ei-talteen')), 'no password in any session');

    await sini.submit('/draft', {}, '/draft/forget');
    assert.match((await sini.get('/draft')).$('main').text(), /There is no unsent text here/);
  });

  it('keeps nothing of a form posted from another site, and starts no session for it', async () => {
    const stranger = new Client(node.url);
    const page = await stranger.request('/forums/vertaistuki/threads', {
      method: 'POST',
      body: new URLSearchParams({ title: 'Istutettu', body: 'Lähetä tämä' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://elsewhere.example' },
    });
    assert.equal(page.status, 403);
    assert.equal(stranger.cookies.has('kohtaamo.sid'), false);
    assert.equal(page.$('a[href="/draft"], a[href="/login?next=%2Fdraft"]').length, 0);
  });
});
