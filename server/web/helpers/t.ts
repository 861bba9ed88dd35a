import type { HelperOptions } from 'handlebars';
import { translator } from '../../i18n/i18n.ts';
import { BoundedMap } from '../../bounded-map.ts';
import type { Locale } from '../../config.ts';

// A page asks for the same texts over and over (every post has its buttons, every thread its
// count of replies): each text is looked up once per language and values, and kept.
const made = new BoundedMap<string, string>(20_000);

/** {{t "key" name=value}}: the text for the page's language; Handlebars escapes the result. */
export function t(key: unknown, options: HelperOptions): string {
  if (typeof key !== 'string' || !key) return '';
  const locale = (options.data?.root as { locale?: Locale } | undefined)?.locale ?? 'fi';
  const variables = options.hash as Record<string, unknown>;
  const values = Object.entries(variables);
  // Only plain values make a key; anything else is looked up every time.
  if (values.some(([, value]) => value !== null && typeof value === 'object')) return translator(locale)(key, variables);
  const cacheKey = `${locale}\u0000${key}\u0000${values.map(([name, value]) => `${name}=${String(value)}`).join('\u0000')}`;
  return made.made(cacheKey, () => (values.length ? translator(locale)(key, variables) : translator(locale)(key)));
}
