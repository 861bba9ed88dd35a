import assert from 'node:assert/strict';
import { executableParts, xssPayloads } from '../support/xss.ts';
import { renderMarkdown } from '../../server/markup/markup.ts';

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

describe('the XSS corpus', () => {
  const payloads = xssPayloads();

  it('has at least 100 payloads, and the checker sees the danger in them unsanitised', () => {
    assert.ok(payloads.length >= 100, `${payloads.length}`);
    const flagged = payloads.filter((payload) => executableParts(payload).length > 0);
    assert.ok(flagged.length >= 90, `the checker flags only ${flagged.length} raw payloads`);
  });

  it('leaves nothing executable of any payload, alone or inside Markdown', () => {
    for (const payload of payloads) {
      for (const source of [payload, `**${payload}**`, `> ${payload}`, `- ${payload}`, `[${payload}](https://example.org)`]) {
        assert.deepEqual(executableParts(renderMarkdown(source, new Set(['sini']))), [], source);
      }
    }
    assert.deepEqual(executableParts(renderMarkdown(payloads.join('\n\n'))), []);
  });
});
