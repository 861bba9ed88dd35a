import { and, desc, eq, sql } from 'drizzle-orm';
import { selectRows, type DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { Viewer } from '../access.ts';
import type { Locale } from '../config.ts';
import { forums, posts, threads } from './forums.tables.ts';
import { nodeConfigs, searchConfigs, searchQuery } from '../markup/search-text.ts';
import { authorName, postListedFor } from '../access.sql.ts';
import { escapeHtml } from '../markup/markup.ts';
import { BoundedMap } from '../bounded-map.ts';
import { generation } from '../db/changes.ts';

export const resultsPerPage = 20;
export const countLimit = 200;

// Control characters cannot appear in posts, so they mark the highlights safely until the text is
// escaped; search_headline (migration 0015) looks for this start mark.
const start = '\u0001';
const stop = '\u0002';

/** The excerpt as safe HTML: the text escaped, the matched words in <mark>. */
export function highlight(excerpt: string): string {
  return escapeHtml(excerpt).replaceAll(start, '<mark>').replaceAll(stop, '</mark>');
}

export type SearchHit = {
  postId: string;
  threadId: string;
  threadTitle: string;
  /** The conversation as its address names it. */
  thread: { id: string; number: number; title: string };
  forumName: string; forumSlug: string; number: number; excerptHtml: string; authorName: string | null; createdAt: Date };

// What the words of a search make, kept: the same words make the same query until the search
// languages change (they are node settings).
const madeQueries = new BoundedMap<string, string | null>(1000);

async function madeQuery(db: DatabaseLike, words: string): Promise<string | null> {
  const key = `${generation('settings')} ${words}`;
  const kept = madeQueries.get(key);
  if (kept !== undefined) return kept;
  const [made] = await selectRows<{ q: string | null }>(db, sql`select (${searchQuery(words, nodeConfigs)})::text as q`);
  madeQueries.set(key, made?.q ?? null);
  return made?.q ?? null;
}

/** Full-text search over what this viewer may read: visible forums, live threads and posts. */
export async function search(
  db: DatabaseLike,
  viewer: Viewer,
  words: string,
  options: { forumId?: string; page: number; locale: Locale },
): Promise<{ hits: SearchHit[]; total: number; more: boolean }> {
  // The query is made first and passed to the search as a value, so the planner sees it: a common
  // word is found by walking the newest posts, a rare one through the index. (Made inside the
  // search, it is unknown to the planner, which then reads every match of a common word.)
  const made = await madeQuery(db, words);
  if (!made) return { hits: [], total: 0, more: false };
  const query = sql`${made}::tsquery`;
  // Highlight with the reader's language first; the first language whose stems match the text
  // wins, and the unstemmed words last.
  const own = searchConfigs[options.locale];
  const configs = [own, ...Object.values(searchConfigs).filter((c) => c !== own), 'simple'];
  const excerpt = sql<string>`search_headline(${posts.body}, ${query}, ${`{${configs.join(',')}}`}::regconfig[], ${`StartSel=${start}, StopSel=${stop}, MaxWords=35, MinWords=15, MaxFragments=2`})`;
  // Relevance is ranked among the newest matches (plus one, to know there are more): ranking
  // every post that holds a common word would cost more than the rest of the page, and in a
  // peer-support forum the recent conversation is usually the one sought.
  const candidates = db.$with('candidates').as(
    db
      .select({ id: sql<string>`${posts.id}`.as('candidate_id'), createdAt: sql<Date>`${posts.createdAt}`.as('candidate_created_at') })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(and(postListedFor(viewer), options.forumId ? eq(forums.id, options.forumId) : undefined, sql`${posts.search} @@ ${query}`))
      .orderBy(desc(posts.createdAt))
      .limit(countLimit + 1),
  );
  // One page of them by relevance; only its posts are read whole and highlighted.
  const ranked = db.$with('ranked').as(
    db
      .with(candidates)
      .select({
        id: sql<string>`${candidates.id}`.as('ranked_id'),
        rank: sql<number>`ts_rank(${posts.search}, ${query})`.as('rank'),
        createdAt: sql<Date>`${candidates.createdAt}`.as('ranked_created_at'),
        total: sql<number>`(count(*) over ())::int`.as('total'),
      })
      .from(candidates)
      .innerJoin(posts, eq(posts.id, candidates.id))
      .orderBy(sql`rank desc`, sql`${candidates.createdAt} desc`)
      .limit(resultsPerPage)
      .offset((options.page - 1) * resultsPerPage),
  );
  const rows = await db
    .with(candidates, ranked)
    .select({
      postId: posts.id,
      threadId: threads.id,
      threadNumber: threads.number,
      threadTitle: threads.title,
      forumName: forums.name,
      forumSlug: forums.slug,
      number: posts.number,
      excerpt,
      authorName,
      createdAt: posts.createdAt,
      total: ranked.total,
    })
    .from(ranked)
    .innerJoin(posts, eq(posts.id, ranked.id))
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .innerJoin(users, eq(users.id, posts.authorId))
    .orderBy(desc(ranked.rank), desc(ranked.createdAt));
  const total = rows[0]?.total ?? (options.page > 1 ? await countMatches(db, candidates) : 0);
  return {
    hits: rows.map(({ excerpt, total: _total, threadNumber, ...row }) => ({ ...row, thread: { id: row.threadId, number: threadNumber, title: row.threadTitle }, excerptHtml: highlight(excerpt) })),
    total: Math.min(total, countLimit),
    more: total > countLimit,
  };
}

/** For a page past the last result: how many there were, so the pager can lead back. */
async function countMatches(db: DatabaseLike, candidates: Parameters<DatabaseLike['with']>[0]): Promise<number> {
  const [row] = await db.with(candidates).select({ n: sql<number>`count(*)::int` }).from(candidates);
  return row?.n ?? 0;
}
