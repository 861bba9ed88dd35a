// The group listing form: what a facilitator or admin may write, as a schema with i18n-key messages.
import { z } from 'zod';
import { audiences, frequencies, groupKinds, groupLanguages, groupStatuses, joinPolicies } from './groups.tables.ts';
import { findMunicipality } from './municipalities.ts';
import { list, singleLine, checkbox, realDate } from '../validation.ts';

/** Form values come as a string, several strings or nothing; read them as a list. */
const optionalText = (max: number, key: string) => z.string().trim().max(max, key).default('');
/** An empty field is "not given"; anything else must be a whole number in range. */
const optionalInt = (min: number, max: number, key: string) =>
  z.preprocess((value) => (value === '' || value === undefined ? null : value), z.coerce.number(key).int(key).min(min, key).max(max, key).nullable());
const optionalDate = z.preprocess(
  (value) => (value === '' || value === undefined ? null : value),
  z
    .string('errors.group.date')
    .refine(realDate, 'errors.group.date')
    .nullable(),
);
export const clockTime = z.string().trim().regex(/^([01]\d|2[0-3])[:.][0-5]\d$/, 'errors.group.time').transform((v) => v.replace('.', ':'));
const optionalTime = z.preprocess((value) => (value === '' || value === undefined ? null : value), clockTime.nullable());
const webAddress = z
  .string()
  .trim()
  .max(500, 'errors.group.videoUrl')
  .refine((v) => {
    if (!v) return true;
    try {
      const url = new URL(v);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'errors.group.videoUrl');

export const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'errors.slug.invalid')
  .max(60, 'errors.slug.invalid')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'errors.slug.invalid');

export const listingForm = z
  .object({
    name: singleLine(z.string().trim().min(1, 'errors.groupName.missing').max(100, 'errors.groupName.tooLong'), 'errors.singleLine'),
    slug,
    summary: optionalText(300, 'errors.group.summaryTooLong'),
    description: optionalText(10_000, 'errors.description.tooLong'),
    kind: z.enum(groupKinds, 'errors.group.kind'),
    topicIds: list(z.uuid('errors.group.topic')),
    audiences: list(z.enum(audiences, 'errors.group.audience')),
    joinPolicy: z.enum(joinPolicies, 'errors.group.joinPolicy'),
    howToJoin: optionalText(2000, 'errors.group.tooLong'),
    languages: list(z.enum(groupLanguages, 'errors.group.language')),
    cost: optionalText(200, 'errors.group.tooLong'),
    capacity: optionalInt(1, 10_000, 'errors.group.capacity'),
    meetingCapacity: optionalInt(1, 1000, 'errors.group.meetingCapacity'),
    status: z.enum(groupStatuses, 'errors.group.status'),
    accessibility: optionalText(1000, 'errors.group.tooLong'),
    contact: optionalText(500, 'errors.group.tooLong'),
    forumId: z.preprocess((value) => (value === '' || value === undefined ? null : value), z.uuid('errors.group.forum').nullable()),
    inPerson: checkbox,
    municipalityCode: z.preprocess((value) => (value === '' || value === undefined ? null : value), z.string('errors.group.municipality').nullable()),
    address: optionalText(300, 'errors.group.tooLong'),
    remote: checkbox,
    videoUrl: webAddress.default(''),
    frequency: z.enum(frequencies, 'errors.group.frequency'),
    weekday: optionalInt(1, 7, 'errors.group.weekday'),
    monthWeek: z.preprocess(
      (value) => (value === '' || value === undefined ? null : value),
      z.coerce.number('errors.group.monthWeek').int('errors.group.monthWeek').refine((n) => n === -1 || (n >= 1 && n <= 4), 'errors.group.monthWeek').nullable(),
    ),
    startTime: optionalTime,
    durationMinutes: z.coerce.number('errors.group.duration').int('errors.group.duration').min(15, 'errors.group.duration').max(12 * 60, 'errors.group.duration'),
    startsOn: optionalDate,
    endsOn: optionalDate,
  })
  .superRefine((v, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!v.inPerson && !v.remote) problem('inPerson', 'errors.group.place');
    if (v.municipalityCode && !findMunicipality(v.municipalityCode)) problem('municipalityCode', 'errors.group.municipality');
    if (v.inPerson && !v.municipalityCode) problem('municipalityCode', 'errors.group.municipalityMissing');
    if (v.frequency !== 'none') {
      if (!v.weekday) problem('weekday', 'errors.group.weekday');
      if (!v.startTime) problem('startTime', 'errors.group.time');
      if (!v.startsOn) problem('startsOn', 'errors.group.date');
      if (v.frequency === 'monthly' && !v.monthWeek) problem('monthWeek', 'errors.group.monthWeek');
    }
    if (v.startsOn && v.endsOn && v.endsOn < v.startsOn) problem('endsOn', 'errors.group.endsOn');
  });

export type Listing = z.infer<typeof listingForm>;

/** A one-off meeting or a cancelled date, from the meetings page. */
export const changeForm = z
  .object({
    kind: z.enum(['cancelled', 'extra'], 'form.invalidField'),
    on: z.string('errors.group.date').refine(realDate, 'errors.group.date'),
    startTime: optionalTime,
    durationMinutes: optionalInt(15, 12 * 60, 'errors.group.duration'),
    note: optionalText(200, 'errors.group.tooLong'),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'extra' && !v.startTime) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'errors.group.time' });
  });
