// What a group's page and directory card show, in the reader's language. The place of a closed
// group is included only when access.ts says the reader may see it.
import type { Locale } from '../config.ts';
import { renderMarkdown } from '../markup/markup.ts';
import { translator } from '../i18n/i18n.ts';
import { topicName, type Group, type Topic } from './groups.service.ts';
import { findMunicipality, findRegion, placeName, regionName } from './municipalities.ts';
import type { Meeting } from './schedule.ts';

const weekdayDates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07'];
const tags: Record<Locale, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB', da: 'da-DK' };

/** Weekday names (1 = Monday) in the reader's language, from Intl rather than the locale files. */
export function weekdayNames(locale: Locale): string[] {
  const format = new Intl.DateTimeFormat(tags[locale], { weekday: 'long', timeZone: 'UTC' });
  return weekdayDates.map((d) => format.format(new Date(`${d}T12:00:00Z`)));
}

function endTime(start: string, minutes: number): string {
  const [h, m] = start.split(':').map(Number) as [number, number];
  const total = (h * 60 + m + minutes) % (24 * 60);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}.${String(total % 60).padStart(2, '0')}`;
}

/** "Every Tuesday 18.00–19.30" and its kin; empty when the group has no regular meetings. */
export function scheduleText(group: Group, locale: Locale): string {
  if (group.frequency === 'none' || !group.weekday || !group.startTime) return '';
  const t = translator(locale);
  const day = weekdayNames(locale)[group.weekday - 1]!;
  const time = `${group.startTime.replace(':', '.')}–${endTime(group.startTime, group.durationMinutes)}`;
  const nth = group.monthWeek === -1 ? t('groups.schedule.last') : t(`groups.schedule.nth${group.monthWeek ?? 1}`);
  return t(`groups.schedule.${group.frequency}`, { day, time, nth });
}

export function placeText(group: Group, locale: Locale): string {
  const municipality = findMunicipality(group.municipalityCode);
  if (!group.inPerson || !municipality) return '';
  const region = findRegion(municipality.region);
  return region ? `${placeName(municipality, locale)} (${regionName(region, locale)})` : placeName(municipality, locale);
}

/** A directory card: everything here is public for every group. */
export function cardOf(group: Group, topics: Topic[], locale: Locale, fallback: Locale) {
  const t = translator(locale);
  return {
    slug: group.slug,
    name: group.name,
    summary: group.summary,
    kind: t(`groups.kinds.${group.kind}`),
    place: placeText(group, locale),
    remote: group.remote,
    inPerson: group.inPerson,
    closed: group.joinPolicy === 'closed',
    status: group.status,
    schedule: scheduleText(group, locale),
    topics: topics.filter((topic) => group.topicIds.includes(topic.id)).map((topic) => topicName(topic, locale, fallback)),
    languages: group.languages.map((code) => t(`groups.languages.${code}`)),
    free: group.cost === '',
  };
}

export function pageOf(group: Group, topics: Topic[], meetings: Meeting[], locale: Locale, fallback: Locale, showPlace: boolean) {
  const t = translator(locale);
  return {
    ...cardOf(group, topics, locale, fallback),
    id: group.id,
    descriptionHtml: renderMarkdown(group.description),
    howToJoinHtml: renderMarkdown(group.howToJoin),
    audiences: group.audiences.map((a) => t(`groups.audiences.${a}`)),
    cost: group.cost,
    capacity: group.capacity,
    accessibility: group.accessibility,
    contact: group.contact,
    meetings: meetings.map((m) => ({ ...m, iso: m.start.toISOString() })),
    showPlace,
    address: showPlace ? group.address : '',
    videoUrl: showPlace ? group.videoUrl : '',
  };
}
