import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import { renderMarkdown } from '../../server/markup/markup.ts';

/** What in the HTML a browser could run or load: script-like elements, handlers, styles, bad URLs. */
function executableParts(html: string): string[] {
  const $ = cheerio.load(html);
  const found: string[] = [];
  $('*').each((_, element) => {
    if (element.type !== 'tag') return;
    if (/^(script|iframe|img|object|embed|style|svg|math|form|input|link|meta|base)$/i.test(element.tagName)) found.push(element.tagName);
    for (const [name, value] of Object.entries(element.attribs)) {
      if (/^on/i.test(name) || name === 'style' || name === 'src') found.push(`${element.tagName}[${name}]`);
      if (/^(href|action|formaction)$/i.test(name) && !/^(https?:|mailto:|tel:|#|\/)/i.test(value.trim())) found.push(`${name}=${value}`);
    }
  });
  return found;
}

describe('renderMarkdown', () => {
  it('renders ordinary Markdown', () => {
    assert.equal(renderMarkdown('We **meet** on *Tuesdays*.'), '<p>We <strong>meet</strong> on <em>Tuesdays</em>.</p>\n');
  });

  it('marks links as user content that passes no referrer trust', () => {
    assert.equal(renderMarkdown('[MIELI](https://mieli.fi)'), '<p><a href="https://mieli.fi" rel="nofollow ugc noopener">MIELI</a></p>\n');
  });

  it('never embeds images: they become links', () => {
    const html = renderMarkdown('![a walk](https://tracker.example/pixel.png)');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /<a href="https:\/\/tracker\.example\/pixel\.png" rel="nofollow ugc noopener">a walk<\/a>/);
  });

  for (const input of [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="https://x" onclick="alert(1)">x</a>',
    '![x](javascript:alert(1))',
  ]) {
    it(`leaves nothing executable of ${input.slice(0, 30)}`, () => {
      assert.deepEqual(executableParts(renderMarkdown(input)), []);
    });
  }
});

describe('mentions', () => {
  it('links @names of known members to their profile, and leaves others as text', () => {
    const html = renderMarkdown('Thanks @Sini and @nobody, mail me@example.org', new Set(['sini']));
    assert.match(html, /<a href="\/members\/Sini" class="mention">@Sini<\/a>/);
    assert.doesNotMatch(html, /members\/nobody/);
    assert.doesNotMatch(html, /members\/example/);
  });

  it('does not link inside code or existing links', () => {
    const html = renderMarkdown('`@sini` and [@sini](https://example.org)', new Set(['sini']));
    assert.doesNotMatch(html, /class="mention"/);
  });
});
