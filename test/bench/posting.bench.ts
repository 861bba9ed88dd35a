// What the checks before a post is saved cost: word rules (stemmed words in SQL, patterns in
// JavaScript) and the pre-moderation count. Each figure is a ratio against posting the same
// replies on a node without word rules, measured in the same run.
import { freshDatabase } from '../support/database.ts';
import { makeUser, setUpNode } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { reply, findThread } from '../../server/forums/threads.service.ts';
import { wordRules } from '../../server/moderation/moderation.tables.ts';
import { forgetRules } from '../../server/moderation/word-rules.ts';
import type { Db } from '../../server/db/client.ts';
import { locales } from '../../server/config.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const body = 'Tänään oli raskas päivä, mutta ryhmässä puhuminen auttoi. '.repeat(30);

async function postingRate(db: Db, label: string): Promise<number> {
  const author = await makeUser(db, `kirjoittaja_${label}`);
  const forum = await makeForum(db, `bench-${label}`, 'members');
  const thread = await makeThread(db, author, forum, 'Mittaus', 'Aloitus');
  const until = Date.now() + seconds * 1000;
  let count = 0;
  while (Date.now() < until) {
    const found = (await findThread(db, thread.id))!;
    const result = await reply(db, author, forum, found.thread, { body: `${body} ${count}`, contentWarning: '' });
    if (!result.ok) throw new Error(JSON.stringify(result));
    count++;
  }
  return count / seconds;
}

export async function runPostingBench(): Promise<void> {
  const fresh = await freshDatabase();
  const db = fresh.database.db;
  await setUpNode(db);
  const defaults = await db.select().from(wordRules);
  await db.delete(wordRules);
  forgetRules();
  const bare = await postingRate(db, 'bare');
  await db.insert(wordRules).values(defaults.map(({ id: _id, ...rule }) => rule));
  forgetRules();
  const withDefaults = await postingRate(db, 'defaults');
  // A busy node's list: 50 more stemmed words and 50 more patterns, in every language.
  const extra = Array.from({ length: 100 }, (_, i) => ({ locale: locales[i % locales.length]!, pattern: i % 2 ? `sana${i}` : `kuvio${i}*`, action: 'hold' as const }));
  await db.insert(wordRules).values(extra);
  forgetRules();
  const withMany = await postingRate(db, 'many');
  console.log(`bench posting-default-rules ratio=${(withDefaults / bare).toFixed(3)} ours=${withDefaults.toFixed(1)} bare=${bare.toFixed(1)} rules=${defaults.length}`);
  console.log(`bench posting-122-rules ratio=${(withMany / bare).toFixed(3)} ours=${withMany.toFixed(1)} bare=${bare.toFixed(1)} rules=${defaults.length + extra.length}`);
  console.log(`database ${fresh.url ? 'postgresql' : 'pglite'}`);
  await fresh.drop();
}
