import { readFileSync } from 'node:fs';
import * as cheerio from 'cheerio';

/** The corpus in test/fixtures/xss-payloads.txt, comments left out. */
export function xssPayloads(): string[] {
  return readFileSync(new URL('../fixtures/xss-payloads.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** What in the HTML a browser could run or load: script-like elements, handlers, styles, unsafe URLs. */
export function executableParts(html: string): string[] {
  const $ = cheerio.load(html);
  const found: string[] = [];
  $('*').each((_, element) => {
    if (element.type !== 'tag') return;
    if (/^(script|iframe|frame|frameset|img|object|embed|style|svg|math|form|input|button|textarea|select|link|meta|base|video|audio|source|details|marquee|template|xmp|noscript|isindex)$/i.test(element.tagName)) {
      found.push(element.tagName);
    }
    for (const [name, value] of Object.entries(element.attribs)) {
      if (/^on/i.test(name) || /^(style|src|srcdoc|background|dynsrc|lowsrc|formaction|action|data|target)$/i.test(name)) found.push(`${element.tagName}[${name}]`);
      if (name === 'href' && !/^(https?:\/\/|mailto:|tel:|\/(?!\/)|#)/i.test(value.trim())) found.push(`href=${value}`);
    }
  });
  return found;
}
