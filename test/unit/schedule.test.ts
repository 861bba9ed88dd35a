import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { upcomingMeetings, type MeetingChange, type Schedule } from '../../server/groups/schedule.ts';
import { calendarOf } from '../../server/groups/calendar.ts';
import type { Group } from '../../server/groups/groups.service.ts';

const base: Schedule = { frequency: 'weekly', weekday: 2, monthWeek: null, startTime: '18:00', durationMinutes: 90, startsOn: '2026-01-06', endsOn: null, timezone: 'Europe/Helsinki' };
const iso = (dates: { start: Date }[]) => dates.map((m) => m.start.toISOString());

describe('meeting recurrence', () => {
  it('weekly: every Tuesday at 18.00 Helsinki time, across the spring daylight-saving change', () => {
    const meetings = upcomingMeetings(base, [], new Date('2026-03-20T10:00:00Z'), { limit: 3 });
    // 29 March 2026 clocks go forward: 18.00 is 16.00 UTC before, 15.00 UTC after.
    assert.deepEqual(iso(meetings), ['2026-03-24T16:00:00.000Z', '2026-03-31T15:00:00.000Z', '2026-04-07T15:00:00.000Z']);
    assert.equal(meetings[0]!.end.toISOString(), '2026-03-24T17:30:00.000Z');
    assert.deepEqual(meetings.map((m) => m.on), ['2026-03-24', '2026-03-31', '2026-04-07']);
  });

  it('every other week counts from the first meeting, across the autumn change', () => {
    const schedule: Schedule = { ...base, frequency: 'biweekly', startsOn: '2026-10-06' };
    const meetings = upcomingMeetings(schedule, [], new Date('2026-10-01T00:00:00Z'), { limit: 3 });
    // 25 October 2026 clocks go back: 18.00 is 15.00 UTC before, 16.00 UTC after.
    assert.deepEqual(iso(meetings), ['2026-10-06T15:00:00.000Z', '2026-10-20T15:00:00.000Z', '2026-11-03T16:00:00.000Z']);
  });

  it('monthly on the n-th weekday, and on the last one', () => {
    const first: Schedule = { ...base, frequency: 'monthly', weekday: 3, monthWeek: 1, startTime: '17:30' };
    assert.deepEqual(
      upcomingMeetings(first, [], new Date('2026-01-01T00:00:00Z'), { limit: 3 }).map((m) => m.on),
      ['2026-01-07', '2026-02-04', '2026-03-04'],
    );
    const last: Schedule = { ...base, frequency: 'monthly', weekday: 5, monthWeek: -1 };
    assert.deepEqual(
      upcomingMeetings(last, [], new Date('2026-01-01T00:00:00Z'), { limit: 3 }).map((m) => m.on),
      ['2026-01-30', '2026-02-27', '2026-03-27'],
    );
  });

  it('leaves out cancelled dates and adds one-off meetings in order', () => {
    const changes: MeetingChange[] = [
      { kind: 'cancelled', on: '2026-03-24', startTime: null, durationMinutes: null, note: '' },
      { kind: 'extra', on: '2026-03-26', startTime: '12:00', durationMinutes: 60, note: 'Picnic' },
    ];
    const meetings = upcomingMeetings(base, changes, new Date('2026-03-20T10:00:00Z'), { limit: 3 });
    assert.deepEqual(meetings.map((m) => [m.on, m.extra]), [['2026-03-26', true], ['2026-03-31', false], ['2026-04-07', false]]);
    assert.equal(meetings[0]!.start.toISOString(), '2026-03-26T10:00:00.000Z');
    assert.equal(meetings[0]!.end.toISOString(), '2026-03-26T11:00:00.000Z');
    assert.equal(meetings[0]!.note, 'Picnic');
  });

  it('still shows a meeting that is going on, and nothing after the last day', () => {
    const schedule: Schedule = { ...base, endsOn: '2026-03-31' };
    const during = upcomingMeetings(schedule, [], new Date('2026-03-24T17:00:00Z'), { limit: 5 });
    assert.deepEqual(during.map((m) => m.on), ['2026-03-24', '2026-03-31']);
  });

  it('a group without a regular schedule has only its one-off meetings', () => {
    const none: Schedule = { ...base, frequency: 'none' };
    const extra: MeetingChange = { kind: 'extra', on: '2026-05-05', startTime: '10:00', durationMinutes: null, note: '' };
    const meetings = upcomingMeetings(none, [extra], new Date('2026-04-01T00:00:00Z'), { limit: 5 });
    assert.deepEqual(iso(meetings), ['2026-05-05T07:00:00.000Z']);
    assert.equal(meetings[0]!.end.toISOString(), '2026-05-05T08:30:00.000Z');
  });
});

describe('the iCalendar feed', () => {
  const group = {
    id: '11111111-2222-3333-4444-555555555555',
    slug: 'tiistain-kavely',
    name: 'Tiistain kävely',
    summary: 'Kävellään yhdessä.',
    ...base,
  } as unknown as Group;

  it('parses with an iCalendar parser and holds the same meetings', () => {
    const meetings = upcomingMeetings(base, [{ kind: 'cancelled', on: '2026-03-31', startTime: null, durationMinutes: null, note: '' }], new Date('2026-03-20T10:00:00Z'), { limit: 3 });
    const text = calendarOf(group, meetings, { baseUrl: new URL('https://yhdistys.example'), nodeName: 'Yhdistys', place: null });
    const calendar = new ICAL.Component(ICAL.parse(text));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    assert.deepEqual(events.map((e) => e.startDate.toJSDate().toISOString()), iso(meetings));
    assert.deepEqual(events.map((e) => e.endDate.toJSDate().toISOString()), meetings.map((m) => m.end.toISOString()));
    assert.equal(events[0]!.summary, 'Tiistain kävely');
    assert.equal(events[0]!.uid, `${group.id}-2026-03-24@yhdistys.example`);
    assert.equal(events[0]!.location, null);
  });

  it('carries the place only when it is given', () => {
    const meetings = upcomingMeetings(base, [], new Date('2026-03-20T10:00:00Z'), { limit: 1 });
    const text = calendarOf(group, meetings, { baseUrl: new URL('https://yhdistys.example'), nodeName: 'Yhdistys', place: { address: 'Kirkkokatu 1', municipality: 'Kuopio', videoUrl: '' } });
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!);
    assert.equal(event.location, 'Kirkkokatu 1, Kuopio');
  });
});
