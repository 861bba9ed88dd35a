import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const roles = ['admin', 'moderator', 'member'] as const;
export type Role = (typeof roles)[number];

/**
 * pending: waits for staff approval; deleted: the row stays so their posts can say "deleted member";
 * remote: someone on another server whose public replies reached this node (they never sign in).
 */
export const userStatuses = ['pending', 'active', 'suspended', 'deleted', 'remote'] as const;
export type UserStatus = (typeof userStatuses)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    bio: text('bio').notNull().default(''),
    passwordHash: text('password_hash'),
    role: text('role', { enum: roles }).notNull().default('member'),
    status: text('status', { enum: userStatuses }).notNull().default('active'),
    locale: text('locale'),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    suspendedReason: text('suspended_reason'),
    /** The end of a suspension; null while suspended means banned (until someone lifts it). */
    suspendedUntil: timestamp('suspended_until', { withTimezone: true }),
    inviteId: uuid('invite_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    rulesAcceptedAt: timestamp('rules_accepted_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /**
     * Room for federation: a remote actor's ActivityPub id. Null for this node's own members; a
     * remote author will be a row here too, so every post keeps one author column and one join.
     */
    iri: text('iri'),
    /** Where a remote person's profile is read, on their own server: their name links there. */
    url: text('url'),
  },
  (t) => [
    uniqueIndex('users_username_lower').on(sql`lower(${t.username})`),
    uniqueIndex('users_iri').on(t.iri),
    uniqueIndex('users_email_lower').on(sql`lower(${t.email})`),
    index('users_status').on(t.status),
  ],
);

export const invites = pgTable('invites', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  note: text('note').notNull().default(''),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  maxUses: integer('max_uses').notNull(),
  uses: integer('uses').notNull().default(0),
  revoked: boolean('revoked').notNull().default(false),
});

/** Only a hash of the token is kept, so a leaked database does not leak working reset links. */
export const passwordResets = pgTable('password_resets', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

export const sessions = pgTable(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    userId: uuid('user_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_expires').on(t.expiresAt), index('sessions_user').on(t.userId)],
);
