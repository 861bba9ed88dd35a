import type { HelperOptions } from 'handlebars';
import { translator } from '../../i18n/i18n.ts';
import type { Locale } from '../../config.ts';

/** {{t "key" name=value}}: the text for the page's language; Handlebars escapes the result. */
export function t(key: unknown, options: HelperOptions): string {
  const locale = (options.data?.root as { locale?: Locale } | undefined)?.locale ?? 'fi';
  return typeof key === 'string' && key ? translator(locale)(key, options.hash as Record<string, unknown>) : '';
}
