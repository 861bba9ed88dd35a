import type { HelperOptions } from 'handlebars';
import type { Locale } from '../../config.ts';

const tags: Record<Locale, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB', da: 'da-DK' };

/** {{date value}}: weekday, date and time in the reader's language, in the node's time zone. */
export function date(value: unknown, options: HelperOptions): string {
  if (!(value instanceof Date) && typeof value !== 'string') return '';
  const root = options.data?.root as { locale?: Locale; timeZone?: string } | undefined;
  return new Intl.DateTimeFormat(tags[root?.locale ?? 'fi'], {
    weekday: 'short',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: root?.timeZone ?? 'Europe/Helsinki',
  }).format(new Date(value));
}
