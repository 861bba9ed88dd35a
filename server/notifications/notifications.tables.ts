// Notices to members: about posts (replies, quotes, mentions, reactions), groups and moderation.
import { boolean, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';
import { groups } from '../groups/groups.tables.ts';
import { posts } from '../forums/forums.tables.ts';

/** Kinds a member can switch off in their settings. */
export const notificationKinds = ['reply', 'quote', 'mention', 'reaction'] as const;
export type PreferenceKind = (typeof notificationKinds)[number];
/** About posts: the switchable kinds, and what watching a conversation or a forum brings. */
export const postNoticeKinds = [...notificationKinds, 'watched', 'new_thread'] as const;
export type NotificationKind = (typeof postNoticeKinds)[number];
/** About a group rather than a post: always sent, as they answer something the person did or must act on. */
export const groupNoticeKinds = ['join_request', 'join_accepted', 'join_declined', 'meeting_place', 'meeting_cancelled'] as const;
export type GroupNoticeKind = (typeof groupNoticeKinds)[number];
/** From the moderators: a message (warning), or that a held post was let through. Always sent. */
export const moderationNoticeKinds = ['moderator_message', 'post_approved', 'post_removed'] as const;
export type ModerationNoticeKind = (typeof moderationNoticeKinds)[number];

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: [...postNoticeKinds, ...groupNoticeKinds, ...moderationNoticeKinds] }).notNull(),
    /** Set for the post kinds. */
    postId: uuid('post_id').references(() => posts.id),
    /** Set for the group kinds. */
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    /** For the meeting kinds: which meeting (the group's local date). */
    meetingOn: date('meeting_on', { mode: 'string' }),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('notifications_user_unread').on(t.userId, t.readAt), uniqueIndex('notifications_once').on(t.userId, t.kind, t.postId, t.actorId)],
);

/** Which notifications a member wants; a missing row means the defaults. */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  reply: boolean('reply').notNull().default(true),
  quote: boolean('quote').notNull().default(true),
  mention: boolean('mention').notNull().default(true),
  reaction: boolean('reaction').notNull().default(true),
});

