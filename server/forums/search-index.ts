import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { nodeSettings } from '../admin/settings.tables.ts';
import { forgetSettings } from '../admin/settings.service.ts';
import { posts, threads } from './forums.tables.ts';

const batchSize = 500;
const running = new WeakMap<Db, Promise<number>>();

/**
 * Makes every post's search document again when the node's search languages are not the ones
 * the posts were indexed with (an admin changed them, or an upgrade changed the documents). In
 * small batches, so pages are served meanwhile; a post written meanwhile already gets the new
 * document. Resolves to the number of posts made again; one run at a time per database.
 */
export function refreshSearchIndex(db: Db): Promise<number> {
  const current = running.get(db);
  if (current) return current;
  const run = reindex(db).finally(() => running.delete(db));
  running.set(db, run);
  return run;
}

async function reindex(db: Db): Promise<number> {
  let done = 0;
  for (;;) {
    const [settings] = await db.select({ languages: nodeSettings.searchLanguages, indexed: nodeSettings.searchIndexed }).from(nodeSettings).where(eq(nodeSettings.id, 1));
    if (!settings || sameLanguages(settings.languages, settings.indexed)) return done;
    let last: string | undefined;
    for (;;) {
      const batch = db
        .select({ id: posts.id })
        .from(posts)
        .where(last ? gt(posts.id, last) : undefined)
        .orderBy(asc(posts.id))
        .limit(batchSize);
      const updated = await db
        .update(posts)
        .set({ search: sql`search_document(case when ${posts.number} = 1 then ${threads.title} end, ${posts.body})` })
        .from(threads)
        .where(and(eq(threads.id, posts.threadId), inArray(posts.id, batch)))
        .returning({ id: posts.id });
      if (!updated.length) break;
      done += updated.length;
      last = updated.map((row) => row.id).sort().at(-1);
      // Let waiting requests have the database between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The languages read before the run: if they changed meanwhile, the next round sees it.
    await db.update(nodeSettings).set({ searchIndexed: settings.languages }).where(eq(nodeSettings.id, 1));
    forgetSettings();
  }
}

function sameLanguages(a: readonly string[], b: readonly string[] | null): boolean {
  return b !== null && a.length === b.length && a.every((language) => b.includes(language));
}
