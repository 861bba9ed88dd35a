// Replies once carried their quote inside their own text ("@name:\n> quoted words…"), so a quote
// outlived the removal, deletion or edit of what it quoted. Quotes are now drawn from the source
// when read; this takes the copied words out of replies written before, once: the task is marked
// done, so a later reply that itself begins with a blockquote is never touched.
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { maintenanceTasks } from '../db/maintenance.tables.ts';
import { posts } from './forums.tables.ts';
import { renderPost } from './posting.ts';
import { searchDocument } from '../markup/search-text.ts';

const copiedQuote = /^(@[^\n]*:\n)?(>[^\n]*(\n|$))+\n*/;

/** The reply's own words, without the quote the old composer copied in front of them. */
export function withoutCopiedQuote(body: string): string {
  return body.replace(copiedQuote, '');
}

export async function moveQuotesOutOfReplies(db: Db): Promise<number> {
  const [first] = await db.insert(maintenanceTasks).values({ name: 'move-quotes-out-of-replies' }).onConflictDoNothing().returning();
  if (!first) return 0;
  const rows = await db
    .select({ id: posts.id, body: posts.body })
    .from(posts)
    .where(and(isNotNull(posts.quotedPostId), sql`${posts.body} ~ ${'^(@[^\n]*:\n)?>'}`));
  let changed = 0;
  for (const row of rows) {
    // A reply that was nothing but the quote keeps an ellipsis, as a post is never empty.
    const body = withoutCopiedQuote(row.body).trim() || '…';
    if (body === row.body) continue;
    const rendered = await renderPost(db, body);
    await db.update(posts).set({ body, bodyHtml: rendered.html, search: searchDocument(body, null) }).where(eq(posts.id, row.id));
    changed++;
  }
  return changed;
}
