import type { HelperOptions } from 'handlebars';
import type { Locale } from '../../config.ts';
import { translator } from '../../i18n/i18n.ts';
import { BoundedMap } from '../../bounded-map.ts';

const tags: Record<Locale, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB', da: 'da-DK' };
// English and Danish name the month ("Tue 14 May", "tir. 14. maj"); Finnish and Swedish number it.
const monthStyle: Record<Locale, 'numeric' | 'short' | 'long'> = { fi: 'numeric', sv: 'numeric', en: 'short', da: 'long' };

// Making a formatter is far dearer than using one, and a page shows many dates.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tags[locale], { weekday: 'short', day: 'numeric', month: monthStyle[locale], year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    formatters.set(key, format);
  }
  return format;
}

/**
 * The day and time as ux.md writes them, the same in every place: "ti 14.5. klo 18.00",
 * "tis 14.5 kl. 18.00", "Tue 14 May, 18.00", "tir. 14. maj kl. 18.00" (times with a dot, never
 * a colon); the order of the parts comes from the locale files.
 */
function parts(value: Date, locale: Locale, timeZone: string) {
  const found: Record<string, string> = {};
  for (const part of formatter(locale, timeZone).formatToParts(value)) found[part.type] = part.value;
  return {
    weekday: found.weekday ?? '',
    // Some locales pad numbers ("14.05"); people write "14.5".
    day: String(Number(found.day ?? '')),
    month: monthStyle[locale] === 'numeric' ? String(Number(found.month ?? '')) : (found.month ?? ''),
    year: found.year ?? '',
    time: `${found.hour ?? ''}.${found.minute ?? ''}`,
  };
}

function rootOf(options: HelperOptions): { locale: Locale; timeZone: string } {
  const root = options.data?.root as { locale?: Locale; timeZone?: string } | undefined;
  return { locale: root?.locale ?? 'fi', timeZone: root?.timeZone ?? 'Europe/Helsinki' };
}

// Pages show the same posts' dates again and again, and formatting one is dear (Intl and two
// translations): the texts made lately are kept, by language, time zone and minute.
const madeDates = new BoundedMap<string, string>(20_000);

/** {{date value}}: weekday, date with year and time in the reader's language, in the node's time zone. */
export function date(value: unknown, options: HelperOptions): string {
  if (!(value instanceof Date) && typeof value !== 'string') return '';
  const { locale, timeZone } = rootOf(options);
  const when = new Date(value);
  const key = `${locale} ${timeZone} ${Math.floor(when.getTime() / 60_000)}`;
  return madeDates.made(key, () => {
    const t = translator(locale);
    const p = parts(when, locale, timeZone);
    return t('dates.at', { date: t('dates.dayWithYear', p), time: p.time });
  });
}

/** {{meeting start end}}: "ti 14.5. klo 18.00–19.30", in the reader's language and the node's time zone. */
export function meeting(start: unknown, end: unknown, options: HelperOptions): string {
  if (!(start instanceof Date) || !(end instanceof Date)) return '';
  const { locale, timeZone } = rootOf(options);
  const t = translator(locale);
  const from = parts(start, locale, timeZone);
  const to = parts(end, locale, timeZone);
  return t('dates.at', { date: t('dates.day', from), time: `${from.time}–${to.time}` });
}

/** {{day "2026-05-14"}}: a meeting's local date, "ti 14.5.", in the reader's language (no time: the date is the meeting's own). */
export function day(value: unknown, options: HelperOptions): string {
  return dayText(value, rootOf(options).locale);
}

/** A local date "2026-05-14" as the {{day}} helper writes it, for mail and other text outside pages. */
export function dayText(value: unknown, locale: Locale): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
  // Noon UTC is the same calendar day in every time zone near ours.
  return translator(locale)('dates.day', parts(new Date(`${value}T12:00:00Z`), locale, 'UTC'));
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
