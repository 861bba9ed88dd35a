import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '../accounts/accounts.tables.ts';
import { groups } from '../groups/groups.tables.ts';
import { tsvector } from '../db/tsvector.ts';


/** What an admin can choose for a forum; a closed group's own space is the third kind, made by the group. */
export const forumVisibilities = ['public', 'members'] as const;
export const spaceVisibilities = [...forumVisibilities, 'group'] as const;
export type ForumVisibility = (typeof spaceVisibilities)[number];

/** Who may start threads or reply. Remote people (federation) are counted in when federation comes. */
export const postingPolicies = ['members', 'members_and_remote', 'moderators'] as const;
export type PostingPolicy = (typeof postingPolicies)[number];

/** Why a post waits for a moderator. */
export const heldReasons = ['new_member', 'forum', 'word_rule'] as const;
export type HeldReason = (typeof heldReasons)[number];

export const categories = pgTable('categories', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  position: integer('position').notNull().default(0),
  archived: boolean('archived').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const forums = pgTable(
  'forums',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null for a closed group's space, which lives on the group's page rather than in the forum list. */
    categoryId: uuid('category_id').references(() => categories.id),
    /** The closed group whose space this is. */
    groupId: uuid('group_id').references(() => groups.id),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description').notNull().default(''),
    rules: text('rules').notNull().default(''),
    visibility: text('visibility', { enum: spaceVisibilities }).notNull(),
    startPolicy: text('start_policy', { enum: postingPolicies }).notNull().default('members'),
    replyPolicy: text('reply_policy', { enum: postingPolicies }).notNull().default('members'),
    position: integer('position').notNull().default(0),
    archived: boolean('archived').notNull().default(false),
    /** Every new post waits for a moderator before others see it. */
    requireApproval: boolean('require_approval').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * A group on another server that members here follow (its ActivityPub id): its conversations are
     * kept here like a forum's, found through the Following page, never in the forum list.
     */
    iri: text('iri'),
  },
  (t) => [uniqueIndex('forums_slug').on(t.slug), index('forums_category').on(t.categoryId), uniqueIndex('forums_iri').on(t.iri)],
);

export const threads = pgTable(
  'threads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    forumId: uuid('forum_id')
      .notNull()
      .references(() => forums.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    /** The short number in the conversation's readable address (/threads/123-its-title). */
    number: integer('number').notNull().generatedByDefaultAsIdentity(),
    pinned: boolean('pinned').notNull().default(false),
    locked: boolean('locked').notNull().default(false),
    /** Number of posts, the first included; also the number the next post gets minus one. */
    postCount: integer('post_count').notNull().default(1),
    lastPostAt: timestamp('last_post_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** Set while the opening post waits for a moderator, or after moderators removed it: then only its author and moderators see the thread. */
    heldAt: timestamp('held_at', { withTimezone: true }),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [index('threads_forum_order').on(t.forumId, t.pinned, t.lastPostAt), uniqueIndex('threads_number').on(t.number)],
);

export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => threads.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    /** 1 for the thread's opening post, then 2, 3… in order of posting. */
    number: integer('number').notNull(),
    body: text('body').notNull(),
    /** The sanitised HTML of body, made once when written (server/markup). */
    bodyHtml: text('body_html').notNull(),
    contentWarning: text('content_warning'),
    quotedPostId: uuid('quoted_post_id'),
    search: tsvector('search'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: uuid('deleted_by'),
    /** Waiting for a moderator (pre-moderation): only the author and moderators see it. */
    heldAt: timestamp('held_at', { withTimezone: true }),
    heldReason: text('held_reason', { enum: heldReasons }),
    /** Removed by moderators: others see a placeholder, the author sees the post and why. Restoring clears it. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    removedReason: text('removed_reason'),
    /** Room for federation: a remote post's ActivityPub id. Null for posts written here (their id is built from the address). */
    iri: text('iri'),
  },
  (t) => [
    uniqueIndex('posts_thread_number').on(t.threadId, t.number),
    uniqueIndex('posts_iri').on(t.iri),
    index('posts_author').on(t.authorId),
    index('posts_search').using('gin', t.search),
    // Search walks the newest posts for a common word (search.queries.ts).
    index('posts_created').on(t.createdAt),
    // The moderators' header counts the waiting posts on every page they open: few rows, found at once.
    index('posts_waiting').on(t.threadId).where(sql`${t.heldAt} is not null`),
  ],
);

/** Earlier versions of a post, kept when it is edited. */
export const postRevisions = pgTable(
  'post_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id),
    title: text('title'),
    body: text('body').notNull(),
    contentWarning: text('content_warning'),
    editedBy: uuid('edited_by').references(() => users.id),
    /** When this version was replaced. */
    replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('post_revisions_post').on(t.postId)],
);

/** The support reaction: one per member per post, no opposite. */
export const reactions = pgTable(
  'reactions',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] })],
);

/** How far a member has read each thread. */
export const threadReads = pgTable(
  'thread_reads',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => threads.id),
    lastReadNumber: integer('last_read_number').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadId] })],
);

/** watching: a notice of every new post (of every new conversation, for a forum); normal: only what is addressed to me; muted: nothing from it. */
export const watchLevels = ['watching', 'normal', 'muted'] as const;
export type WatchLevel = (typeof watchLevels)[number];

/** A member's choice for one conversation; without a row, its writer watches it and others do not. */
export const threadWatches = pgTable(
  'thread_watches',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    level: text('level', { enum: watchLevels }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadId] }), index('thread_watches_thread').on(t.threadId)],
);

/** A member's choice for a forum; without a row, nothing. */
export const forumWatches = pgTable(
  'forum_watches',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    forumId: uuid('forum_id')
      .notNull()
      .references(() => forums.id, { onDelete: 'cascade' }),
    level: text('level', { enum: watchLevels }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.forumId] }), index('forum_watches_forum').on(t.forumId)],
);
