import type { HelperOptions } from 'handlebars';
import { translator } from '../../i18n/i18n.ts';
import type { Locale } from '../../config.ts';

// A page asks for the same fixed texts over and over (every post has its buttons); texts without
// variables never change, so each is looked up once per language.
const fixed = new Map<string, string>();

/** {{t "key" name=value}}: the text for the page's language; Handlebars escapes the result. */
export function t(key: unknown, options: HelperOptions): string {
  if (typeof key !== 'string' || !key) return '';
  const locale = (options.data?.root as { locale?: Locale } | undefined)?.locale ?? 'fi';
  const variables = options.hash as Record<string, unknown>;
  if (Object.keys(variables).length > 0) return translator(locale)(key, variables);
  const cacheKey = `${locale}\u0000${key}`;
  let text = fixed.get(cacheKey);
  if (text === undefined) {
    text = translator(locale)(key);
    fixed.set(cacheKey, text);
  }
  return text;
}
