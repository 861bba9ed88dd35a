import type { HelperOptions } from 'handlebars';
import type { Locale } from '../../config.ts';

const tags: Record<Locale, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB', da: 'da-DK' };
// Making a formatter is far dearer than using one, and a page shows many dates.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tags[locale], { weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone });
    formatters.set(key, format);
  }
  return format;
}

/** {{date value}}: weekday, date and time in the reader's language, in the node's time zone. */
export function date(value: unknown, options: HelperOptions): string {
  if (!(value instanceof Date) && typeof value !== 'string') return '';
  const root = options.data?.root as { locale?: Locale; timeZone?: string } | undefined;
  return formatter(root?.locale ?? 'fi', root?.timeZone ?? 'Europe/Helsinki').format(new Date(value));
}
