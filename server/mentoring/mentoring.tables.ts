// The peer-mentor scheme: who coordinates it, the interests people can share, and the
// applications of peers (who want a mentor) and mentors, waiting to be matched.
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';

/** Coordinators match pairs and alone see the applications; admins name them. */
export const mentorCoordinators = pgTable('mentor_coordinators', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
});

/** Interests a peer and a mentor can share (walks, football, cooking…), named in each language the node wants. */
export const mentorInterests = pgTable('mentor_interests', {
  id: uuid('id').primaryKey().defaultRandom(),
  names: jsonb('names').$type<Partial<Record<'fi' | 'sv' | 'en' | 'da', string>>>().notNull(),
  position: integer('position').notNull().default(0),
});

export const applicationKinds = ['peer', 'mentor'] as const;
export type ApplicationKind = (typeof applicationKinds)[number];
/** waiting; proposed (in a proposal not yet answered by both); matched; withdrawn. */
export const applicationStatuses = ['waiting', 'proposed', 'matched', 'withdrawn'] as const;

export const mentorApplications = pgTable(
  'mentor_applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: applicationKinds }).notNull(),
    languages: text('languages').array().notNull().default([]),
    municipalityCode: text('municipality_code'),
    remote: boolean('remote').notNull().default(false),
    interestIds: uuid('interest_ids').array().notNull().default([]),
    /** ISO weekdays that suit (1 = Monday). */
    weekdays: integer('weekdays').array().notNull().default([]),
    note: text('note').notNull().default(''),
    status: text('status', { enum: applicationStatuses }).notNull().default('waiting'),
    /** A mentor is in training until a coordinator records the course completed. */
    trainedOn: date('trained_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When a pair was made of it: how long matching takes is told from these. */
    matchedAt: timestamp('matched_at', { withTimezone: true }),
  },
  (t) => [index('mentor_applications_waiting').on(t.kind, t.status, t.createdAt), index('mentor_applications_user').on(t.userId)],
);

export const pairStatuses = ['proposed', 'declined', 'active', 'ended'] as const;
export type PairStatus = (typeof pairStatuses)[number];
export const pairAnswers = ['accepted', 'declined'] as const;

/** A mentee and a mentor, proposed by a coordinator; a pair once both accept, for a period. */
export const mentorPairs = pgTable(
  'mentor_pairs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    peerApplicationId: uuid('peer_application_id')
      .notNull()
      .references(() => mentorApplications.id, { onDelete: 'cascade' }),
    mentorApplicationId: uuid('mentor_application_id')
      .notNull()
      .references(() => mentorApplications.id, { onDelete: 'cascade' }),
    status: text('status', { enum: pairStatuses }).notNull().default('proposed'),
    /** The coordinator's words to both with the proposal. */
    message: text('message').notNull().default(''),
    months: integer('months').notNull().default(6),
    peerAnswer: text('peer_answer', { enum: pairAnswers }),
    mentorAnswer: text('mentor_answer', { enum: pairAnswers }),
    proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull().defaultNow(),
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    /** Ended (its time over, or early): when, and why when early. */
    endedOn: date('ended_on', { mode: 'string' }),
    endReason: text('end_reason').notNull().default(''),
    /** Who ended it (one of the two, or a coordinator; none when an account was deleted): the reason is theirs, in their data export only. */
    endedBy: uuid('ended_by').references(() => users.id),
    /** Either of the pair asked the coordinators into their conversation: who and when (shown to all three). */
    coordinatorInvitedBy: uuid('coordinator_invited_by').references(() => users.id),
    coordinatorInvitedAt: timestamp('coordinator_invited_at', { withTimezone: true }),
  },
  (t) => [index('mentor_pairs_peer').on(t.peerApplicationId), index('mentor_pairs_mentor').on(t.mentorApplicationId)],
);
export type MentorPair = typeof mentorPairs.$inferSelect;

export const pairActivities = ['leisure', 'sports', 'everyday', 'studies', 'other'] as const;
export type PairActivity = (typeof pairActivities)[number];

/** The pair's light meeting log: a date and the kind of thing they did; counts, no content. */
export const mentorPairMeetings = pgTable(
  'mentor_pair_meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pairId: uuid('pair_id')
      .notNull()
      .references(() => mentorPairs.id, { onDelete: 'cascade' }),
    on: date('on', { mode: 'string' }).notNull(),
    activity: text('activity', { enum: pairActivities }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('mentor_pair_meetings_pair').on(t.pairId, t.on)],
);

/** The pair's own conversation: the two, and the coordinators only when invited. Never in search, never federated, not for moderators. */
export const mentorPairMessages = pgTable(
  'mentor_pair_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pairId: uuid('pair_id')
      .notNull()
      .references(() => mentorPairs.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The writer corrected it (shown as "edited"; the earlier words are not kept). */
    editedAt: timestamp('edited_at', { withTimezone: true }),
  },
  (t) => [index('mentor_pair_messages_pair').on(t.pairId, t.createdAt)],
);

/**
 * What each of the pair says along the way and at the end: a check-in after 1, 3 and 6 months
 * (answered or skipped) and the closing feedback (at_months 0). The coordinators see it only as
 * totals; the words without names.
 */
export const mentorPairCheckins = pgTable(
  'mentor_pair_checkins',
  {
    pairId: uuid('pair_id')
      .notNull()
      .references(() => mentorPairs.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** 1, 3 or 6 for a check-in; 0 for the closing feedback. */
    atMonths: integer('at_months').notNull(),
    skipped: boolean('skipped').notNull().default(false),
    /** How it is going, 1–5. */
    rating: integer('rating'),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pairId, t.userId, t.atMonths] })],
);
