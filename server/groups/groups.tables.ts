import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '../accounts/accounts.tables.ts';
import { tsvector } from '../db/tsvector.ts';

export const groupKinds = ['peer_support', 'activity', 'language', 'sports', 'professional', 'mentoring', 'experience_expert'] as const;
export type GroupKind = (typeof groupKinds)[number];

export const audiences = ['adults', 'young', 'families', 'close_ones'] as const;
export type Audience = (typeof audiences)[number];

export const joinPolicies = ['open', 'closed'] as const;
export type JoinPolicy = (typeof joinPolicies)[number];

export const groupStatuses = ['active', 'starting', 'paused', 'ended'] as const;
export type GroupStatus = (typeof groupStatuses)[number];

/** none: only one-off meetings; biweekly counts from startsOn; monthly is the n-th weekday (-1 = last). */
export const frequencies = ['none', 'weekly', 'biweekly', 'monthly'] as const;
export type Frequency = (typeof frequencies)[number];

/** Languages a group can meet in (BCP 47); names come from Intl.DisplayNames in the reader's language. */
export const groupLanguages = ['fi', 'sv', 'en', 'da', 'se', 'fse', 'ru', 'et', 'uk', 'ar', 'so', 'fa'] as const;

const groupDocument = ['simple', 'finnish', 'swedish', 'english', 'danish']
  .map(
    (config) =>
      `setweight(to_tsvector('${config}'::regconfig, name), 'A') || setweight(to_tsvector('${config}'::regconfig, summary), 'B') || ` +
      `setweight(to_tsvector('${config}'::regconfig, description || ' ' || address), 'C')`,
  )
  .join(' || ');

/** Topics are the node's own list, each named in every language it wants. */
export const groupTopics = pgTable(
  'group_topics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    names: jsonb('names').$type<Partial<Record<'fi' | 'sv' | 'en' | 'da', string>>>().notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [uniqueIndex('group_topics_slug').on(t.slug)],
);

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    summary: text('summary').notNull().default(''),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: groupKinds }).notNull(),
    topicIds: uuid('topic_ids').array().notNull().default([]),
    audiences: text('audiences', { enum: audiences }).array().notNull().default([]),
    joinPolicy: text('join_policy', { enum: joinPolicies }).notNull().default('open'),
    howToJoin: text('how_to_join').notNull().default(''),
    languages: text('languages').array().notNull().default([]),
    /** Empty means free of charge, the norm for peer support. */
    cost: text('cost').notNull().default(''),
    capacity: integer('capacity'),
    /** Places at one meeting, when the room is small; then "I'm coming" keeps a waiting list. */
    meetingCapacity: integer('meeting_capacity'),
    status: text('status', { enum: groupStatuses }).notNull().default('active'),
    accessibility: text('accessibility').notNull().default(''),
    contact: text('contact').notNull().default(''),
    inPerson: boolean('in_person').notNull().default(true),
    municipalityCode: text('municipality_code'),
    /** For a closed group, shown only to its accepted participants. */
    address: text('address').notNull().default(''),
    remote: boolean('remote').notNull().default(false),
    /** For a closed group, shown only to its accepted participants. */
    videoUrl: text('video_url').notNull().default(''),
    frequency: text('frequency', { enum: frequencies }).notNull().default('none'),
    /** ISO weekday, 1 = Monday … 7 = Sunday. */
    weekday: integer('weekday'),
    /** For monthly meetings: 1–4, or -1 for the last such weekday of the month. */
    monthWeek: integer('month_week'),
    /** Wall-clock time "HH:MM" in timezone. */
    startTime: text('start_time'),
    durationMinutes: integer('duration_minutes').notNull().default(90),
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    timezone: text('timezone').notNull().default('Europe/Helsinki'),
    /**
     * The next meeting that has not ended, and the weekdays the group meets on, kept up to date
     * on every change and when a meeting passes (directory.queries.ts), so the directory can
     * filter, sort and page in SQL.
     */
    nextMeetingAt: timestamp('next_meeting_at', { withTimezone: true }),
    nextMeetingEndsAt: timestamp('next_meeting_ends_at', { withTimezone: true }),
    meetingWeekdays: integer('meeting_weekdays').array().notNull().default([]),
    /** Null for this node's own groups; the partner node's host for the network's groups (federation/directory.ts). */
    origin: text('origin'),
    /** The group's own public forum here, if it has one: its conversations are open to all, and partners' members can follow it. */
    forumId: uuid('forum_id'),
    /** A partner's group's public forum (its Group actor on the partner's node). */
    forumIri: text('forum_iri'),
    /** A partner's group: its listing's id, its page on its own node, and when its node last confirmed it. */
    iri: text('iri'),
    url: text('url'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The directory's free-text search: name, summary, description and place, in every language
     * of the project and unstemmed (for prefixes). Groups are few, so all languages cost little.
     */
    search: tsvector('search').generatedAlwaysAs(sql.raw(groupDocument)),
  },
  (t) => [
    uniqueIndex('groups_slug').on(t.slug),
    uniqueIndex('groups_iri').on(t.iri),
    index('groups_municipality').on(t.municipalityCode),
    index('groups_next_meeting').on(t.nextMeetingAt),
    index('groups_search').using('gin', t.search),
  ],
);

export const memberRoles = ['facilitator', 'participant'] as const;
export type MemberRole = (typeof memberRoles)[number];
export const memberStatuses = ['pending', 'accepted', 'declined'] as const;
export type MemberStatus = (typeof memberStatuses)[number];

/** Who is in a group, who asked to be, and who runs it: one row per person and group. */
export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: memberRoles }).notNull().default('participant'),
    status: text('status', { enum: memberStatuses }).notNull(),
    /** What the person wrote when asking to join a closed group. */
    message: text('message').notNull().default(''),
    /** The facilitator's answer, shown to the person. */
    reply: text('reply').notNull().default(''),
    /** Secret part of this person's own calendar feed address, which includes the meeting place. */
    feedToken: text('feed_token').notNull(),
    /** Their current stretch in the group, as the yearly figures count it (group_participations). */
    participationId: uuid('participation_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user').on(t.userId), uniqueIndex('group_members_feed').on(t.feedToken)],
);

export const meetingChangeKinds = ['cancelled', 'extra'] as const;
export type MeetingChangeKind = (typeof meetingChangeKinds)[number];

/** Dates taken out of the regular schedule, and one-off meetings added to it. */
export const meetingChanges = pgTable(
  'group_meeting_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: meetingChangeKinds }).notNull(),
    on: date('on', { mode: 'string' }).notNull(),
    /** For an extra meeting: its wall-clock start "HH:MM" and length. */
    startTime: text('start_time'),
    durationMinutes: integer('duration_minutes'),
    note: text('note').notNull().default(''),
  },
  (t) => [index('group_meeting_changes_group').on(t.groupId, t.on)],
);

export const attendanceStatuses = ['coming', 'waiting'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

/** "I'm coming" to one meeting (the group's local date), or waiting for a place at it. */
export const meetingAttendance = pgTable(
  'meeting_attendance',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    on: date('on', { mode: 'string' }).notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: attendanceStatuses }).notNull(),
    /** The waiting list moves up in this order. */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.on, t.userId] }), index('meeting_attendance_user').on(t.userId, t.on)],
);

/**
 * Who was in a group when, without saying who: a stretch per person and role, from being accepted
 * (or named peer leader) to leaving. The member row points to its open stretch; when the row goes
 * (leaving, a deleted account) the stretch stays, closed and nameless, for the yearly figures.
 */
export const groupParticipations = pgTable(
  'group_participations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    role: text('role', { enum: memberRoles }).notNull(),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
  },
  (t) => [index('group_participations_group').on(t.groupId, t.startedOn)],
);
