// A group's meetings as iCalendar, one event per meeting (a subscribed calendar drops cancelled ones). The public feed never carries a closed group's place; a
// participant's own feed (secret address) does.
import { absolute, paths } from '../paths.ts';
import ical from 'ical-generator';
import type { Group } from './groups.service.ts';
import type { Meeting } from './schedule.ts';

export type FeedOptions = {
  baseUrl: URL;
  nodeName: string;
  /** The address and video link, only when the reader may see them. */
  place: { address: string; municipality: string; videoUrl: string } | null;
};

/**
 * ical-generator writes the calendar's name (NAME, X-WR-CALNAME) as it is given, unlike event
 * fields: so it is escaped here as RFC 5545 text, and a line break cannot start a forged line.
 */
function calendarText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

export function calendarOf(group: Group, meetings: Meeting[], options: FeedOptions): string {
  const url = absolute(options.baseUrl, paths.group(group));
  const host = options.baseUrl.host;
  const calendar = ical({ name: calendarText(`${group.name} – ${options.nodeName}`), prodId: { company: 'Kohtaamo', product: 'groups', language: 'FI' }, url, ttl: 3600 });
  const location = options.place ? [options.place.address, options.place.municipality].filter(Boolean).join(', ') : '';
  const summaryLine = group.summary ? `${group.summary}\n\n` : '';
  for (const meeting of meetings) {
    calendar.createEvent({
      id: `${group.id}-${meeting.on}@${host}`,
      start: meeting.start,
      end: meeting.end,
      summary: group.name,
      description: `${summaryLine}${meeting.note ? `${meeting.note}\n\n` : ''}${url}`,
      location: location || (options.place?.videoUrl ?? null),
      url: options.place?.videoUrl || url,
    });
  }
  return calendar.toString();
}
