// Atom feeds of public forums. Titles and content warnings are plain text, but the feed library
// writes them as HTML inside CDATA (and escapes only the first "]]>"): so text is escaped as HTML
// here, characters XML cannot hold are dropped, and nothing a member typed can close the CDATA.
import { absolute, paths } from '../paths.ts';
import { Feed } from 'feed';
import type { Forum } from './forums.service.ts';
import { escapeHtml } from '../markup/markup.ts';

export type FeedItem = { id: string; title: string; createdAt: Date; bodyHtml: string; contentWarning: string | null; authorName: string | null };
export type FeedOptions = { baseUrl: string; nodeName: string; locale: string };

// XML 1.0 allows tab, line breaks and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text as it should read, for a field the library marks type="html". */
export function htmlText(text: string): string {
  return escapeHtml(xmlSafe(text));
}

/** HTML (already sanitised) with nothing that ends a CDATA section early. */
function cdataSafe(html: string): string {
  return xmlSafe(html).replaceAll(']]>', ']]&gt;');
}

function xmlSafe(text: string): string {
  return text.replace(notXml, '');
}

export function forumFeed(forum: Pick<Forum, 'name' | 'slug' | 'description'>, items: FeedItem[], options: FeedOptions): string {
  const url = (path: string) => absolute(options.baseUrl, path);
  const feed = new Feed({
    title: xmlSafe(`${forum.name} – ${options.nodeName}`),
    id: url(paths.forum(forum)),
    link: url(paths.forum(forum)),
    description: xmlSafe(forum.description),
    language: options.locale,
    copyright: xmlSafe(options.nodeName),
    updated: new Date(),
    feedLinks: { atom: url(paths.forumFeed(forum)) },
  });
  for (const item of items) {
    const link = url(paths.thread(item));
    feed.addItem({
      title: htmlText(item.title),
      id: link,
      link,
      date: item.createdAt,
      // A warned post shows only its warning: the reader chooses to open it on the site.
      content: item.contentWarning ? undefined : cdataSafe(item.bodyHtml),
      description: item.contentWarning ? htmlText(item.contentWarning) : undefined,
      author: item.authorName ? [{ name: xmlSafe(item.authorName) }] : undefined,
    });
  }
  return feed.atom1();
}
