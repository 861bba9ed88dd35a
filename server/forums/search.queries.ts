import { and, desc, eq, sql } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { Viewer } from '../access.ts';
import type { Locale } from '../config.ts';
import { forums, posts, threads } from './forums.tables.ts';
import { nodeConfigs, searchConfigs, searchQuery } from '../markup/search-text.ts';
import { authorName, postListedFor } from '../access.sql.ts';
import { escapeHtml } from '../markup/markup.ts';

export const resultsPerPage = 20;
export const countLimit = 1000;

// Control characters cannot appear in posts, so they mark the highlights safely until the text is escaped.
const start = '\u0001';
const stop = '\u0002';

/** The excerpt as safe HTML: the text escaped, the matched words in <mark>. */
export function highlight(excerpt: string): string {
  return escapeHtml(excerpt).replaceAll(start, '<mark>').replaceAll(stop, '</mark>');
}

export type SearchHit = { postId: string; threadId: string; threadTitle: string; forumName: string; forumSlug: string; number: number; excerptHtml: string; authorName: string | null; createdAt: Date };

/** Full-text search over what this viewer may read: visible forums, live threads and posts. */
export async function search(
  db: DatabaseLike,
  viewer: Viewer,
  words: string,
  options: { forumId?: string; page: number; locale: Locale },
): Promise<{ hits: SearchHit[]; total: number; more: boolean }> {
  // A scalar subquery, so the database makes the query once, not once a row.
  const query = sql`(select ${searchQuery(words, nodeConfigs)})`;
  const where = and(
    postListedFor(viewer),
    options.forumId ? eq(forums.id, options.forumId) : undefined,
    sql`${posts.search} @@ (${query})`,
  );
  // Highlight with the reader's language first; the first language whose stems match the text
  // wins, and the unstemmed words last.
  const own = searchConfigs[options.locale];
  const configs = [own, ...Object.values(searchConfigs).filter((c) => c !== own), 'simple'];
  const headlines = sql.join(
    configs.map((config) => sql`ts_headline(${sql.raw(`'${config}'`)}::regconfig, ${posts.body}, (${query}), ${`StartSel=${start}, StopSel=${stop}, MaxWords=35, MinWords=15, MaxFragments=2`})`),
    sql`, `,
  );
  const excerpt = sql<string>`(select coalesce((select h from unnest(array[${headlines}]) h where strpos(h, ${start}) > 0 limit 1), left(${posts.body}, 300)))`;
  // Relevance is ranked among the thousand newest matches (plus one, to know there are more):
  // ranking every post that holds a common word would cost more than the rest of the page, and
  // in a peer-support forum the recent conversation is usually the one sought.
  const candidates = db.$with('candidates').as(
    db
      .select({ id: posts.id })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(where)
      .orderBy(desc(posts.createdAt))
      .limit(countLimit + 1),
  );
  const rows = await db
    .with(candidates)
    .select({
      postId: posts.id,
      threadId: threads.id,
      threadTitle: threads.title,
      forumName: forums.name,
      forumSlug: forums.slug,
      number: posts.number,
      excerpt,
      authorName,
      createdAt: posts.createdAt,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(posts)
    .innerJoin(candidates, eq(candidates.id, posts.id))
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .innerJoin(users, eq(users.id, posts.authorId))
    .orderBy(desc(sql`ts_rank(${posts.search}, (${query}))`), desc(posts.createdAt))
    .limit(resultsPerPage)
    .offset((options.page - 1) * resultsPerPage);
  const total = rows[0]?.total ?? (options.page > 1 ? await countMatches(db, candidates) : 0);
  return {
    hits: rows.map(({ excerpt, total: _total, ...row }) => ({ ...row, excerptHtml: highlight(excerpt) })),
    total: Math.min(total, countLimit),
    more: total > countLimit,
  };
}

/** For a page past the last result: how many there were, so the pager can lead back. */
async function countMatches(db: DatabaseLike, candidates: Parameters<DatabaseLike['with']>[0]): Promise<number> {
  const [row] = await db.with(candidates).select({ n: sql<number>`count(*)::int` }).from(candidates);
  return row?.n ?? 0;
}
