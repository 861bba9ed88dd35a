// The forum benchmark's servers, in a process of their own so the load generator does not
// share their event loop: our node on a filled forum, and the bare baseline (serve.ts).
import { freshDatabase } from '../support/database.ts';
import { fillForum } from './forum-data.ts';
import { serveWithBaseline } from './serve.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const fresh = await freshDatabase();
const data = await fillForum(fresh.database.db, Number(process.env.BENCH_THREADS ?? 10_000), Number(process.env.BENCH_POSTS ?? 100_000), log);
await serveWithBaseline(fresh, {
  'thread-page': `${data.bigThreadPath}?page=2`,
  'forum-index': `/forums/${data.forumSlug}`,
  search: `/search?q=${encodeURIComponent(data.searchWord)}`,
});
