import { freshDatabase } from './test/support/database.ts';
import { fillForum } from './test/bench/forum-data.ts';
import { findThread } from './server/forums/threads.service.ts';
import { postPage, threadList } from './server/forums/forums.queries.ts';
import { getSettings } from './server/admin/settings.service.ts';
import { search } from './server/forums/search.queries.ts';
const fresh = await freshDatabase();
const d = await fillForum(fresh.database.db, 500, 5000);
const db = fresh.database.db;
async function time(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await f();
  const t = performance.now(); for (let i = 0; i < 200; i++) await f();
  console.log(name, ((performance.now() - t) / 200).toFixed(2), 'ms');
}
const found = (await findThread(db, d.bigThreadId))!;
await time('select 1', () => fresh.database.ping());
await time('settings', () => getSettings(db));
await time('findThread', () => findThread(db, d.bigThreadId));
await time('postPage', () => postPage(db, undefined, found.thread, 2));
await time('threadList', () => threadList(db, undefined, found.forum, 1));
await time('search', () => search(db, undefined, 'ryhmä', { page: 1, locale: 'fi' }));
await fresh.drop();
