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

const rangeFormatters = new Map<string, Intl.DateTimeFormat>();

/** {{meeting start end}}: "ti 14.5. klo 18.00–19.30", in the reader's language and the node's time zone. */
export function meeting(start: unknown, end: unknown, options: HelperOptions): string {
  if (!(start instanceof Date) || !(end instanceof Date)) return '';
  const root = options.data?.root as { locale?: Locale; timeZone?: string } | undefined;
  const locale = root?.locale ?? 'fi';
  const timeZone = root?.timeZone ?? 'Europe/Helsinki';
  const key = `${locale} ${timeZone}`;
  let format = rangeFormatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tags[locale], { weekday: 'short', day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit', timeZone });
    rangeFormatters.set(key, format);
  }
  return format.formatRange(start, end);
}

const relativeFormatters = new Map<Locale, Intl.RelativeTimeFormat>();

/** {{ago value}}: "5 minutes ago", "2 hours ago" in the reader's language; the queue says how long a post has waited. */
export function ago(value: unknown, options: HelperOptions): string {
  if (!(value instanceof Date) && typeof value !== 'string') return '';
  const locale = (options.data?.root as { locale?: Locale } | undefined)?.locale ?? 'fi';
  let format = relativeFormatters.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(tags[locale], { numeric: 'auto' });
    relativeFormatters.set(locale, format);
  }
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(value).getTime()) / 60_000));
  if (minutes < 60) return format.format(-minutes, 'minute');
  if (minutes < 60 * 24) return format.format(-Math.floor(minutes / 60), 'hour');
  if (minutes < 60 * 24 * 7) return format.format(-Math.floor(minutes / (60 * 24)), 'day');
  return format.format(-Math.floor(minutes / (60 * 24 * 7)), 'week');
}
