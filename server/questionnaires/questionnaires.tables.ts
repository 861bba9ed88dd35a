// Questionnaires a group's peer leaders open for its participants, or the mentor scheme's
// coordinators for the people in its pairs: items, rounds (start, middle, end, or any named one),
// and each person's answer to a round, or that they skipped it.
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';
import { groups } from '../groups/groups.tables.ts';

export const itemKinds = ['scale', 'choice', 'text'] as const;
export type ItemKind = (typeof itemKinds)[number];

export const questionnaires = pgTable(
  'questionnaires',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The group whose participants answer it; none: the mentor scheme's, for the people in its pairs. */
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    intro: text('intro').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('questionnaires_group').on(t.groupId)],
);

export const questionnaireItems = pgTable(
  'questionnaire_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    questionnaireId: uuid('questionnaire_id')
      .notNull()
      .references(() => questionnaires.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: text('kind', { enum: itemKinds }).notNull(),
    prompt: text('prompt').notNull(),
    /** A scale's top: 5 or 10 (it starts at 1), with the words at its ends. */
    scaleMax: integer('scale_max'),
    lowLabel: text('low_label').notNull().default(''),
    highLabel: text('high_label').notNull().default(''),
    /** A single choice's options. */
    choices: text('choices').array().notNull().default([]),
  },
  (t) => [index('questionnaire_items_questionnaire').on(t.questionnaireId, t.position)],
);

/** start, middle and end are named in the reader's language; any other name is the peer leader's own. */
export const roundKinds = ['start', 'middle', 'end'] as const;
/** Who in the mentor scheme's pairs a round is for (a group's round is for its participants). */
export const roundAudiences = ['everyone', 'peers', 'mentors'] as const;
export type RoundAudience = (typeof roundAudiences)[number];

export const questionnaireRounds = pgTable(
  'questionnaire_rounds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    questionnaireId: uuid('questionnaire_id')
      .notNull()
      .references(() => questionnaires.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    audience: text('audience', { enum: roundAudiences }).notNull().default('everyone'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('questionnaire_rounds_questionnaire').on(t.questionnaireId)],
);

/** A person's answer to a round, once; or that they skipped it (taking part never depends on answering). */
export const questionnaireResponses = pgTable(
  'questionnaire_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roundId: uuid('round_id')
      .notNull()
      .references(() => questionnaireRounds.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    skipped: boolean('skipped').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('questionnaire_responses_once').on(t.roundId, t.userId), index('questionnaire_responses_user').on(t.userId)],
);

export const questionnaireAnswers = pgTable(
  'questionnaire_answers',
  {
    responseId: uuid('response_id')
      .notNull()
      .references(() => questionnaireResponses.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => questionnaireItems.id, { onDelete: 'cascade' }),
    value: integer('value'),
    choice: text('choice'),
    text: text('text'),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.itemId] })],
);
