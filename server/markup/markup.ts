import MarkdownIt from 'markdown-it';
import { paths } from '../paths.ts';
import { BoundedMap } from '../bounded-map.ts';
import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';

// Raw HTML is off in Markdown and whatever HTML Markdown produces is sanitised again: two locks.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

/** Plain text as HTML that reads as the same text (titles, warnings, descriptions, excerpts). */
export const escapeHtml: (text: string) => string = markdown.utils.escapeHtml;

// Images from other servers would leak every reader's IP address to them: show a link instead.
markdown.renderer.rules.image = (tokens, index) => {
  const token = tokens[index]!;
  const src = String(token.attrGet('src') ?? '');
  const label = String(token.content || src);
  return `<a href="${markdown.utils.escapeHtml(src)}">${markdown.utils.escapeHtml(label)}</a>`;
};

export const mentionPattern = /(^|[^\w@/])@([A-Za-z0-9_]{3,30})\b/g;

type RenderEnv = { mentions?: ReadonlySet<string> };

/** Turns @name into a profile link, for names the caller found among the members (lower case). */
markdown.core.ruler.push('mentions', (state) => {
  const known = (state.env as RenderEnv).mentions;
  if (!known?.size) return;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    let insideLink = 0;
    const children = [];
    for (const token of block.children) {
      if (token.type === 'link_open') insideLink++;
      if (token.type === 'link_close') insideLink--;
      if (token.type !== 'text' || insideLink > 0) {
        children.push(token);
        continue;
      }
      let last = 0;
      for (const match of token.content.matchAll(mentionPattern)) {
        const name = match[2]!;
        if (!known.has(name.toLowerCase())) continue;
        const at = match.index + match[1]!.length;
        const before = new state.Token('text', '', 0);
        before.content = token.content.slice(last, at);
        const open = new state.Token('link_open', 'a', 1);
        open.attrSet('href', paths.member({ username: name }));
        open.attrSet('class', 'mention');
        const text = new state.Token('text', '', 0);
        text.content = `@${name}`;
        const close = new state.Token('link_close', 'a', -1);
        children.push(before, open, text, close);
        last = at + name.length + 1;
      }
      if (last === 0) {
        children.push(token);
        continue;
      }
      const rest = new state.Token('text', '', 0);
      rest.content = token.content.slice(last);
      children.push(rest);
    }
    block.children = children;
  }
});

const allowed: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 's', 'blockquote', 'ul', 'ol', 'li', 'code', 'pre', 'a', 'h2', 'h3', 'h4', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'rel', 'class'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedClasses: { a: ['mention'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      // Our own profile links stay plain; every other link is marked as user content.
      attribs: attribs.class === 'mention' ? attribs : { ...attribs, rel: 'nofollow ugc noopener' },
    }),
    // Headings in user text sit below the page's own h1.
    h1: 'h2',
  },
};

// Texts rendered on every request (a forum's description, the front page, the rules) are the same
// each time: the HTML made lately is kept. Posts are rendered once, when written, and stored.
const rendered = new BoundedMap<string, string>(500);

/** The one place Markdown becomes HTML that is safe to put in a page. */
export function renderMarkdown(source: string, mentions?: ReadonlySet<string>): string {
  if (mentions) return sanitizeHtml(markdown.render(source, { mentions } satisfies RenderEnv), allowed);
  return rendered.made(source, () => sanitizeHtml(markdown.render(source, {} satisfies RenderEnv), allowed));
}

/** The @names written in a text (lower case), to look up before rendering. */
export function mentionedNames(source: string): string[] {
  return [...new Set([...source.matchAll(mentionPattern)].map((match) => match[2]!.toLowerCase()))];
}

// Posts from other servers arrive as HTML: they become Markdown, so they are stored and rendered
// exactly like ours (the same renderer and sanitiser after it), and an image is only ever a link.
const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
turndown.remove(['script', 'style', 'iframe', 'object', 'embed', 'video', 'audio', 'form']);
turndown.addRule('image', {
  filter: 'img',
  replacement: (_content, node) => {
    const element = node as HTMLElement;
    const src = element.getAttribute('src') ?? '';
    const alt = (element.getAttribute('alt') ?? '').replace(/[[\]]/g, '');
    return /^https?:\/\//.test(src) ? `[${alt || src}](${src})` : alt;
  },
});

/** HTML written on another server, as Markdown for our one renderer. */
export function markdownFromHtml(html: string): string {
  return turndown.turndown(html).trim();
}

/** Plain text from HTML (a name or a reason sent by another server), tags dropped and entities read. */
export function textFromHtml(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();
}
