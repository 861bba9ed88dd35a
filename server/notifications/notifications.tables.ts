// Notices to members: about posts (replies, quotes, mentions, reactions), groups, moderation and mentor pairs.
import { boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';
import { groups } from '../groups/groups.tables.ts';
import { posts } from '../forums/forums.tables.ts';
import { mentorPairs } from '../mentoring/mentoring.tables.ts';

/** Kinds a member can switch off in their settings. */
export const notificationKinds = ['reply', 'quote', 'mention', 'reaction'] as const;
export type PreferenceKind = (typeof notificationKinds)[number];
/** About posts: the switchable kinds, and what watching a conversation or a forum brings. */
export const postNoticeKinds = [...notificationKinds, 'watched', 'new_thread'] as const;
export type NotificationKind = (typeof postNoticeKinds)[number];
/** About a group rather than a post: always sent, as they answer something the person did or must act on. */
export const groupNoticeKinds = ['join_request', 'join_accepted', 'join_declined', 'meeting_place', 'meeting_cancelled'] as const;
export type GroupNoticeKind = (typeof groupNoticeKinds)[number];
/** From the moderators: a message (warning), or that a held post was let through; to them, a member's answer. Always sent. */
export const moderationNoticeKinds = ['moderator_message', 'post_approved', 'post_removed', 'member_answered'] as const;
export type ModerationNoticeKind = (typeof moderationNoticeKinds)[number];
/**
 * About the mentor scheme: to the two of a pair, a pair proposed to them, started, not going
 * ahead, a new message in their conversation (never its words), a check-in fallen due, a change
 * or the end; to the coordinators, that one of the two asked them in, that a proposal was
 * declined, and that a new application waits. Never who declined, nor why a pair ended. Always sent.
 */
export const pairNoticeKinds = [
  'pair_proposed',
  'pair_started',
  'pair_declined',
  'pair_message',
  'pair_invited',
  'pair_checkin',
  'pair_changed',
  'pair_ended',
  'proposal_declined',
  'application_new',
] as const;
export type PairNoticeKind = (typeof pairNoticeKinds)[number];

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: [...postNoticeKinds, ...groupNoticeKinds, ...moderationNoticeKinds, ...pairNoticeKinds] }).notNull(),
    /** Set for the post kinds. */
    postId: uuid('post_id').references(() => posts.id),
    /** Set for the group kinds. */
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    /** Set for the pair kinds (all but a new application): gone with the pair. */
    pairId: uuid('pair_id').references(() => mentorPairs.id, { onDelete: 'cascade' }),
    /** For the meeting kinds: which meeting (the group's local date); for a pair's check-in, the day it fell due. */
    meetingOn: date('meeting_on', { mode: 'string' }),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Set once an e-mail about it is queued (alone or in a digest), so none is written twice. */
    mailedAt: timestamp('mailed_at', { withTimezone: true }),
  },
  (t) => [index('notifications_user_unread').on(t.userId, t.readAt), uniqueIndex('notifications_once').on(t.userId, t.kind, t.postId, t.actorId)],
);

/** What a member can have by e-mail, each a few notice kinds; also what one unsubscribe link stops. */
export const emailKinds = ['replies', 'mentions', 'strength', 'watching', 'groups', 'meetings', 'moderators', 'mentoring'] as const;
export type EmailKind = (typeof emailKinds)[number];

/** Which notifications a member wants; a missing row means the defaults. */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  reply: boolean('reply').notNull().default(true),
  quote: boolean('quote').notNull().default(true),
  mention: boolean('mention').notNull().default(true),
  reaction: boolean('reaction').notNull().default(true),
  /** What the member wants by e-mail too (none unless they chose: e-mail leaves the node). */
  emailKinds: text('email_kinds', { enum: emailKinds }).array().notNull().default([]),
  /** One e-mail a day with everything, instead of one for each notice. */
  emailDigest: boolean('email_digest').notNull().default(false),
  /** Post text of members-only and closed-group places in the e-mail: only when the member asks for it. */
  emailIncludeText: boolean('email_include_text').notNull().default(false),
  lastDigestAt: timestamp('last_digest_at', { withTimezone: true }),
});

export const outboundMailStatuses = ['pending', 'sending', 'sent', 'failed'] as const;

/**
 * E-mail waiting to be sent, and what became of it: written in the same transaction that marks
 * its notices mailed, claimed by one sender at a time, tried again later when the mail server
 * does not answer. Sent mail keeps no text.
 */
export const outboundMail = pgTable(
  'outbound_mail',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    /** The one-click unsubscribe address (RFC 8058) for this mail's kind. */
    unsubscribeUrl: text('unsubscribe_url').notNull(),
    status: text('status', { enum: outboundMailStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** While sending: when another sender may take it over (this one stopped). */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('outbound_mail_due').on(t.status, t.nextAttemptAt)],
);

