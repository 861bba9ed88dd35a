// Every address of a thing on the node, built in one place: pages, redirects, feeds, e-mails and
// the templates (the `path` helper) ask here, and so will ActivityPub ids, which must never change
// once handed out. Absolute URLs are these paths on the node's BASE_URL (`absolute`).

export const postsPerPage = 20;

/** The page of a thread a post number falls on (a waiting reply, numbered below zero, sits after the last page's posts). */
export function pageOfPost(number: number): number {
  return Math.max(1, Math.ceil(number / postsPerPage));
}

/** A title as words of an address: "Miten jaksatte?" → "miten-jaksatte"; letters beyond a–z lose their marks. */
export function slugOf(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'o')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Cut at a word's end, so an address never ends in half a word.
  return words.length <= 60 ? words : words.slice(0, 61).replace(/-[^-]*$/, '');
}

/** A thread as its address names it: its short number and its title's words; its id when the number is not at hand (that address redirects). */
type ThreadRef = { id: string; number?: number | null; title?: string | null };

export function threadSegment(thread: ThreadRef): string {
  if (!thread.number) return thread.id;
  const slug = slugOf(thread.title ?? '');
  return slug ? `${thread.number}-${slug}` : String(thread.number);
}

export const paths = {
  forum: (forum: { slug: string }) => `/forums/${encodeURIComponent(forum.slug)}`,
  forumFeed: (forum: { slug: string }) => `${paths.forum(forum)}/feed.atom`,
  thread: (thread: ThreadRef) => `/threads/${threadSegment(thread)}`,
  /** A post where it is read: its page and anchor. */
  postInThread: (thread: ThreadRef & { postCount: number }, number: number) => {
    const page = number > 0 ? pageOfPost(number) : pageOfPost(thread.postCount);
    return `${paths.thread(thread)}?page=${page}#post-${number}`;
  },
  /** A link to one post that survives paging: it redirects to where the post is read. */
  postByNumber: (thread: ThreadRef, number: number) => `${paths.thread(thread)}/posts/${number}`,
  /** The post itself, by id: its actions live below it (…/edit, …/history); later also its ActivityPub id. */
  post: (post: { id: string }) => `/posts/${post.id}`,
  group: (group: { slug: string }) => `/groups/${encodeURIComponent(group.slug)}`,
  member: (member: { username: string }) => `/members/${encodeURIComponent(member.username)}`,
} as const;

export type PathKind = keyof typeof paths;

/** The full URL of a path on this node. */
export function absolute(baseUrl: string | URL, path: string): string {
  return new URL(path, baseUrl).href;
}
