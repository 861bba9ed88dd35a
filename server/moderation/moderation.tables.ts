import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';
import { posts, threads } from '../forums/forums.tables.ts';
import { locales } from '../config.ts';

/** Why a member reports something; "crisis" also comes from the node itself when a post matches crisis wording. */
export const reportReasons = ['worry', 'harassment', 'personal_info', 'spam', 'off_topic', 'other'] as const;
export type ReportReason = (typeof reportReasons)[number] | 'crisis_wording';

/**
 * A report of a post or (without postId) of a member's profile. Reports of the same thing are
 * one item in the queue until a moderator resolves them together.
 */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id').references(() => posts.id),
    subjectUserId: uuid('subject_user_id')
      .notNull()
      .references(() => users.id),
    /** Null when the node raised it (a post matched crisis wording). */
    reporterId: uuid('reporter_id').references(() => users.id),
    reason: text('reason', { enum: [...reportReasons, 'crisis_wording'] }).notNull(),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => users.id),
  },
  (t) => [index('reports_open').on(t.resolvedAt, t.createdAt), index('reports_post').on(t.postId), index('reports_subject').on(t.subjectUserId)],
);

export const moderationActions = [
  'dismiss',
  'remove',
  'restore',
  'approve',
  'content_warning',
  'edit',
  'delete',
  'lock',
  'unlock',
  'move',
  'forward',
  'warn',
  'suspend',
  'ban',
  'lift',
  'approve_member',
  'decline_member',
] as const;
export type ModerationAction = (typeof moderationActions)[number];

/** Every moderation action: who did what to whom, why and when. Rows are never changed or removed. */
export const moderationLog = pgTable(
  'moderation_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => users.id),
    action: text('action', { enum: moderationActions }).notNull(),
    targetUserId: uuid('target_user_id').references(() => users.id),
    postId: uuid('post_id').references(() => posts.id),
    threadId: uuid('thread_id').references(() => threads.id),
    reason: text('reason').notNull().default(''),
    /** A short fact the action needs remembered: a suspension's end, a move's forums, a content warning. */
    detail: text('detail').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('moderation_log_time').on(t.createdAt), index('moderation_log_target').on(t.targetUserId)],
);

export const wordRuleActions = ['hold', 'refuse', 'crisis'] as const;
export type WordRuleAction = (typeof wordRuleActions)[number];

/**
 * Words and phrases an admin watches for, per language. A plain word matches its inflected forms
 * through that language's stemmer; a * stands for any letters ("huume*"). "crisis" never blocks.
 */
export const wordRules = pgTable('word_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  locale: text('locale', { enum: locales }).notNull(),
  pattern: text('pattern').notNull(),
  action: text('action', { enum: wordRuleActions }).notNull(),
  /** For "refuse": what the writer is told. */
  message: text('message').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A member who does not want to hear from another: no notifications from them, their posts folded away. */
export const mutes = pgTable(
  'mutes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    mutedId: uuid('muted_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.mutedId] })],
);

/** A private message from the moderators to a member (a warning); the member reads it on their own page. */
export const moderatorMessages = pgTable(
  'moderator_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    /** The member's answer to the moderators (else the moderators' message to the member). */
    fromMember: boolean('from_member').notNull().default(false),
    /** Who wrote it: the moderator (never shown to the member: the moderators speak as one) or the member. */
    authorId: uuid('author_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the other side read it: the member a moderators' message, any moderator a member's answer. */
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('moderator_messages_user').on(t.userId)],
);
