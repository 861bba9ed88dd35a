// Meeting dates: the regular schedule (RRule), minus cancelled dates, plus one-off meetings.
// Recurrence is worked out on wall-clock times ("every Tuesday 18.00") and only then placed in the
// group's time zone, so a meeting stays at 18.00 local time across the daylight-saving change.
import { TZDate } from '@date-fns/tz';
// rrule ships CommonJS to Node: take the class from its default export.
import rrule, { type Weekday } from 'rrule';
import type { Frequency, MeetingChangeKind } from './groups.tables.ts';

export type Schedule = {
  frequency: Frequency;
  weekday: number | null;
  monthWeek: number | null;
  startTime: string | null;
  durationMinutes: number;
  startsOn: string | null;
  endsOn: string | null;
  timezone: string;
};

export type MeetingChange = { kind: MeetingChangeKind; on: string; startTime: string | null; durationMinutes: number | null; note: string };

export type Meeting = {
  start: Date;
  end: Date;
  /** The local date, YYYY-MM-DD: the meeting's identity within its group (cancelling, calendar UIDs). */
  on: string;
  extra: boolean;
  note: string;
};

const { RRule } = rrule;
type RRule = InstanceType<typeof RRule>;
const rruleDays: Weekday[] = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU];

/** A wall-clock time as a "floating" Date whose UTC fields hold the local fields. */
function floating(on: string, time: string): Date {
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  const [h, min] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, d, h, min));
}

function floatingNow(instant: Date, timezone: string): Date {
  const local = new TZDate(instant.getTime(), timezone);
  return new Date(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes()));
}

function place(wall: Date, timezone: string): Date {
  return new Date(new TZDate(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), timezone).getTime());
}

function dateOf(wall: Date): string {
  return wall.toISOString().slice(0, 10);
}

/** The regular schedule as an RRule over floating times, or null when the group has none. */
export function ruleOf(schedule: Schedule): RRule | null {
  const { frequency, weekday, monthWeek, startTime, startsOn, endsOn } = schedule;
  if (frequency === 'none' || !weekday || !startTime || !startsOn) return null;
  const day = rruleDays[weekday - 1]!;
  return new RRule({
    freq: frequency === 'monthly' ? RRule.MONTHLY : RRule.WEEKLY,
    interval: frequency === 'biweekly' ? 2 : 1,
    byweekday: [frequency === 'monthly' ? day.nth(monthWeek ?? 1) : day],
    dtstart: floating(startsOn, startTime),
    until: endsOn ? floating(endsOn, '23:59') : null,
    wkst: RRule.MO,
  });
}

/**
 * Meetings that have not ended by `from`, soonest first, up to `limit` or `until`.
 * A cancelled date removes the regular meeting of that day; an extra meeting adds one.
 */
export function upcomingMeetings(schedule: Schedule, changes: MeetingChange[], from: Date, options: { limit: number; until?: Date }): Meeting[] {
  const tz = schedule.timezone;
  const duration = schedule.durationMinutes * 60_000;
  const earliest = new Date(floatingNow(from, tz).getTime() - duration);
  const latest = options.until ? floatingNow(options.until, tz) : new Date(earliest.getTime() + 2 * 366 * 86_400_000);
  const cancelled = new Set(changes.filter((c) => c.kind === 'cancelled').map((c) => c.on));
  const meetings: Meeting[] = [];
  const rule = ruleOf(schedule);
  if (rule) {
    // Enough regular dates to fill the list even when some are cancelled.
    const wanted = options.limit + cancelled.size;
    rule.between(earliest, latest, true, (_date, i) => i < wanted).forEach((wall) => {
      const on = dateOf(wall);
      if (cancelled.has(on)) return;
      meetings.push({ start: place(wall, tz), end: place(new Date(wall.getTime() + duration), tz), on, extra: false, note: '' });
    });
  }
  for (const change of changes) {
    if (change.kind !== 'extra' || !change.startTime) continue;
    const wall = floating(change.on, change.startTime);
    const length = (change.durationMinutes ?? schedule.durationMinutes) * 60_000;
    const end = place(new Date(wall.getTime() + length), tz);
    if (end <= from || wall > latest) continue;
    meetings.push({ start: place(wall, tz), end, on: change.on, extra: true, note: change.note });
  }
  return meetings
    .filter((m) => m.end > from)
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .slice(0, options.limit);
}

/** The ISO weekday (1 = Monday) of a meeting in its group's time zone. */
export function weekdayOf(meeting: Meeting): number {
  const day = new Date(`${meeting.on}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

