// Crisis wording on real sentences, through the real posting path: each sentence of the fixture
// is posted as a reply with the node's default rules; those that must trigger raise an alert for
// the moderators and the help box for the writer, the others raise nothing, and none is blocked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { and, desc, eq } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { findThread, reply, type Thread } from '../../server/forums/threads.service.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';
import { posts } from '../../server/forums/forums.tables.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { paths } from '../../server/paths.ts';

type Lists = { trigger: string[]; ignore: string[] };
const fixture = JSON.parse(readFileSync(new URL('../fixtures/crisis-wording.json', import.meta.url), 'utf8')) as Record<'fi' | 'sv' | 'en', Lists>;

describe('moderation: crisis wording on real sentences', function () {
  // Some 350 replies, each checked against every default rule.
  this.timeout(240_000);
  let node: SetUpTestNode;
  let writer: User;
  let forum: Forum;
  let thread: Thread;

  before(async () => {
    node = await startSetUpNode({ people: [['moderaattori_maija', 'moderator'], 'kirjoittaja'] });
    const db = node.database.db;
    writer = node.people.kirjoittaja!;
    forum = await makeForum(db, 'arki', 'public');
    thread = await makeThread(db, writer, forum, 'Miten menee', 'Kertokaa, miten teillä menee.');
  });
  after(() => node?.close());

  const post = async (text: string) => {
    const current = (await findThread(node.database.db, thread.id))!;
    const result = await reply(node.database.db, writer, current.forum, current.thread, { body: text, contentWarning: '' });
    assert.ok(result.ok, `never blocked: ${text}`);
    return result as Extract<typeof result, { ok: true }>;
  };

  for (const locale of ['fi', 'sv', 'en'] as const) {
    it(`${locale}: at least 30 ways people in despair write it all trigger, with an alert for the moderators`, async () => {
      const lists = fixture[locale];
      assert.ok(lists.trigger.length >= 30 && lists.ignore.length >= 30, 'the fixture is big enough');
      const missed: string[] = [];
      for (const text of lists.trigger) {
        const result = await post(text);
        if (!result.crisis) missed.push(text);
        else {
          const alert = await node.database.db.query.reports.findFirst({ where: and(eq(reports.postId, result.post.id), eq(reports.reason, 'crisis_wording')) });
          assert.ok(alert, `an alert for: ${text}`);
        }
        assert.equal(result.held, false, 'crisis wording never holds a post by itself');
      }
      assert.deepEqual(missed, [], 'every crisis phrasing triggers');
    });

    it(`${locale}: at least 30 ordinary sentences that share the words trigger nothing`, async () => {
      const wrong: string[] = [];
      for (const text of fixture[locale].ignore) if ((await post(text)).crisis) wrong.push(text);
      assert.deepEqual(wrong, [], 'idioms, negations and other people\'s stories raise no alarm');
    });
  }

  it('through the pages: a phrase with fillers shows the writer help and the post is published as written', async () => {
    const client = await signedIn(node.url, 'kirjoittaja');
    const text = 'En halua enää elää näin, kaikki tuntuu turhalta';
    const after = await client.submit(`${paths.thread(thread)}`, { body: text }, `${paths.thread(thread)}/replies`);
    assert.match(after.$('.crisis-box').text(), /112/);
    assert.match(after.$('.crisis-box').text(), /published/);
    assert.match((await new Client(node.url).get(`${paths.thread(thread)}?page=99`)).$('main').text(), /En halua enää elää näin/);
    const written = (await node.database.db.select().from(posts).where(eq(posts.body, text)).orderBy(desc(posts.createdAt)))[0]!;
    assert.ok(await node.database.db.query.reports.findFirst({ where: eq(reports.postId, written.id) }));
  });
});
