import type { Db } from '../../server/db/client.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import { saveCategory, saveForum, type Forum } from '../../server/forums/forums.service.ts';
import { findThread, reply, startThread, type Post, type Thread } from '../../server/forums/threads.service.ts';
import type { ForumVisibility, PostingPolicy } from '../../server/forums/forums.tables.ts';

/** A forum made straight through the service, for tests about something else than the admin page. */
export async function makeForum(
  db: Db,
  slug: string,
  visibility: ForumVisibility,
  options: { startPolicy?: PostingPolicy; replyPolicy?: PostingPolicy; archived?: boolean } = {},
): Promise<Forum> {
  const category = await saveCategory(db, null, { name: `Category for ${slug}`, description: '', position: '0' });
  if (!category.ok) throw new Error(JSON.stringify(category.errors));
  const result = await saveForum(db, null, {
    categoryId: category.category.id,
    name: `Forum ${slug}`,
    slug,
    description: `About ${slug}`,
    rules: '',
    visibility,
    startPolicy: options.startPolicy ?? 'members',
    replyPolicy: options.replyPolicy ?? 'members',
    position: '0',
    archived: options.archived ? 'on' : '',
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.forum;
}

export async function makeThread(db: Db, author: User, forum: Forum, title: string, body: string, contentWarning = ''): Promise<Thread> {
  const result = await startThread(db, author, forum, { title, body, contentWarning });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.thread;
}

export async function makeReply(db: Db, author: User, forum: Forum, thread: Thread, body: string, quote = ''): Promise<Post> {
  const fresh = await findThread(db, thread.id);
  const result = await reply(db, author, forum, fresh!.thread, { body, contentWarning: '', quote });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.post;
}
