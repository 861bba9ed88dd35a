// Fills a database with a forum of 10,000 threads and 100,000 posts, in batches, through SQL.
import { sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Db } from '../../server/db/client.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { categories, forums, posts, threads } from '../../server/forums/forums.tables.ts';
import { searchDocument } from '../../server/markup/search-text.ts';
import { renderMarkdown } from '../../server/markup/markup.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { paths } from '../../server/paths.ts';

const words = (
  'ryhmässä vertaistuki jaksaminen toipuminen kävely uni ystävä perhe työ koulu arki päivä ilta aamu ' +
  'kokemus tunne ahdistus ilo suru toivo keskustelu tapaaminen kahvi metsä kesä talvi ruoka liikunta ' +
  'gruppen stöd peer support walk sleep hope friend meeting coffee'
).split(' ');
// Real words among many made-up ones, so a real word is in some posts, not nearly all of them.
const vocabulary = Array.from({ length: 400 }, (_, i) => words[i] ?? `sana${i}`);

function sentence(seed: number, length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i++) out.push(vocabulary[(seed * 7919 + i * 104_729 + i * i * 31) % vocabulary.length]!);
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** bigThreadPath: the big thread's readable address (its id would answer with a redirect). */
export type BenchData = { forumSlug: string; bigThreadPath: string; searchWord: string };

export async function fillForum(db: Db, threadCount = 10_000, postCount = 100_000, log: (line: string) => void = () => {}): Promise<BenchData> {
  const passwordHash = await hashPassword('bench password long');
  const people = await db
    .insert(users)
    .values(Array.from({ length: 100 }, (_, i) => ({ username: `bench_${i}`, displayName: `Jäsen ${i}`, passwordHash })))
    .returning({ id: users.id });
  const [category] = await db.insert(categories).values({ name: 'Keskustelut' }).returning();
  const [forum] = await db
    .insert(forums)
    .values({ categoryId: category!.id, name: 'Vertaistuki', slug: 'vertaistuki', visibility: 'public' })
    .returning();
  // The first thread has 50 posts; the rest share what is left evenly.
  const perThread = (i: number) => (i === 0 ? 50 : Math.floor((postCount - 50) / (threadCount - 1)) + (i <= (postCount - 50) % (threadCount - 1) ? 1 : 0));
  const start = Date.now() - threadCount * 60_000;
  const threadIds: string[] = [];
  let bigThreadPath = '';
  for (let from = 0; from < threadCount; from += 500) {
    const rows = Array.from({ length: Math.min(500, threadCount - from) }, (_, k) => {
      const i = from + k;
      return {
        forumId: forum!.id,
        authorId: people[i % people.length]!.id,
        title: sentence(i, 5),
        postCount: perThread(i),
        pinned: i === 1,
        createdAt: new Date(start + i * 60_000),
        lastPostAt: new Date(start + i * 60_000 + 30_000),
      };
    });
    const made = await db.insert(threads).values(rows).returning({ id: threads.id, number: threads.number, title: threads.title });
    if (from === 0) bigThreadPath = paths.thread(made[0]!);
    threadIds.push(...made.map((r) => r.id));
  }
  log(`bench: ${threadIds.length} threads`);
  let written = 0;
  let batch: PgInsertValue<typeof posts>[] = [];
  const flush = async () => {
    if (!batch.length) return;
    await db.insert(posts).values(batch);
    written += batch.length;
    batch = [];
    if (written % 20_000 === 0) log(`bench: ${written} posts`);
  };
  for (let t = 0; t < threadCount; t++) {
    for (let n = 1; n <= perThread(t); n++) {
      const body = `${sentence(t * 31 + n, 12)}\n\n${sentence(t + n * 17, 20)} **${words[(t + n) % words.length]}**`;
      batch.push({
        threadId: threadIds[t]!,
        authorId: people[(t + n) % people.length]!.id,
        number: n,
        body,
        bodyHtml: renderMarkdown(body),
        search: searchDocument(body, n === 1 ? sentence(t, 5) : null),
        createdAt: new Date(start + t * 60_000 + n * 1000),
      });
      if (batch.length === 500) await flush();
    }
  }
  await flush();
  await db.execute(sql`analyze`);
  log(`bench: ${written} posts`);
  return { forumSlug: forum!.slug, bigThreadPath, searchWord: 'ryhmä' };
}
