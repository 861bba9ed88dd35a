import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import { eq } from 'drizzle-orm';
import { errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { posts, threads } from '../../server/forums/forums.tables.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

/** HTML as a browser would see it, so two renderings compare by content, not by spelling. */
const normal = (html: string) => cheerio.load(html, null, false).html().trim();

describe('forums: Preview in the composer', () => {
  let node: SetUpTestNode;
  let forum: Forum;
  const db = () => node.database.db;
  const counts = async () => [(await db().select().from(threads)).length, (await db().select().from(posts)).length];
  const text = 'Kiitos @toinen, tämä **auttoi**. [Lisää](https://example.org) <script>alert(1)</script>\n\n- yksi\n- kaksi';

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen'] });
    forum = await makeForum(node.database.db, 'vertaistuki', 'members');
  });
  after(() => node.close());

  it('shows a reply as it will look above the form still filled in, saves nothing, and the sent reply is that HTML', async () => {
    const sini = await signedIn(node.url, 'sini');
    const thread = await makeThread(db(), node.people.toinen!, forum, 'Arki', 'Miten teillä menee?');
    const path = `${paths.thread(thread)}`;
    const before = await counts();
    const previewed = await sini.submit(path, { body: text, contentWarning: 'arki', preview: '1' }, `${path}/replies`);
    assert.equal(previewed.status, 200);
    const shown = previewed.$('.preview .prose');
    assert.equal(shown.find('strong').text(), 'auttoi');
    assert.equal(shown.find('a[href="/members/toinen"]').length, 1, 'a mention is linked as it will be');
    assert.equal(shown.find('script').length, 0);
    assert.equal(previewed.$('#field-body').text(), text, 'what was typed is in the form');
    assert.equal(previewed.$('#field-contentWarning').val(), 'arki');
    assert.deepEqual(await counts(), before, 'nothing saved');

    // Sent from the preview page's own form, as a person would.
    const token = previewed.$('form[action$="/replies"] input[name="_csrf"]').attr('value')!;
    const posted = await sini.post(`${path}/replies`, { _csrf: token, body: text, contentWarning: '' });
    assert.equal(posted.status, 303);
    const [stored] = await db().select().from(posts).where(eq(posts.threadId, thread.id)).orderBy(posts.number).offset(1);
    assert.equal(normal(stored!.bodyHtml), normal(shown.html()!), 'the preview is the post');
  });

  it('previews a new conversation without creating it, and says what is wrong with an empty text, keeping the title', async () => {
    const sini = await signedIn(node.url, 'sini');
    const before = await counts();
    const previewed = await sini.submit('/forums/vertaistuki/new', { title: 'Uusi aihe', body: 'Ensimmäinen *ajatus*', contentWarning: '', preview: '1' });
    assert.equal(previewed.status, 200);
    assert.equal(previewed.$('.preview .prose em').text(), 'ajatus');
    assert.equal(previewed.$('#field-title').val(), 'Uusi aihe');
    const empty = await sini.submit('/forums/vertaistuki/new', { title: 'Uusi aihe', body: '  ', contentWarning: '', preview: '1' });
    assert.equal(empty.status, 422);
    assert.match(errorsOf(empty), /message is empty/);
    assert.equal(empty.$('.preview').length, 0);
    assert.equal(empty.$('#field-title').val(), 'Uusi aihe');
    assert.deepEqual(await counts(), before, 'nothing saved');
  });

  it('previews an edit and leaves the post as it was', async () => {
    const sini = await signedIn(node.url, 'sini');
    const thread = await makeThread(db(), node.people.sini!, forum, 'Oma', 'Alkuperäinen teksti');
    const [post] = await db().select().from(posts).where(eq(posts.threadId, thread.id));
    const previewed = await sini.submit(`/posts/${post!.id}/edit`, { title: 'Oma', body: 'Muutettu **teksti**', contentWarning: '', preview: '1' });
    assert.equal(previewed.status, 200);
    assert.equal(previewed.$('.preview .prose strong').text(), 'teksti');
    assert.equal(previewed.$('#field-body').text(), 'Muutettu **teksti**');
    const [after] = await db().select().from(posts).where(eq(posts.id, post!.id));
    assert.equal(after!.body, 'Alkuperäinen teksti');
  });

  it('refuses a preview where writing is refused: a locked conversation, and someone else’s post', async () => {
    const sini = await signedIn(node.url, 'sini');
    const thread = await makeThread(db(), node.people.toinen!, forum, 'Lukittu', 'Teksti');
    const token = (await sini.get(`${paths.thread(thread)}`)).$('input[name="_csrf"]').attr('value')!;
    await db().update(threads).set({ locked: true }).where(eq(threads.id, thread.id));
    const locked = await sini.post(`${paths.thread(thread)}/replies`, { _csrf: token, body: 'Hei', contentWarning: '', preview: '1' });
    assert.equal(locked.status, 403);
    const [theirs] = await db().select().from(posts).where(eq(posts.threadId, thread.id));
    const edit = await sini.post(`/posts/${theirs!.id}/edit`, { _csrf: token, body: 'Hei', contentWarning: '', preview: '1' });
    assert.equal(edit.status, 403);
    assert.equal(edit.$('.preview').length, 0);
  });
});
