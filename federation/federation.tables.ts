// Federation's own state in the app's database, so it works the same on PGlite and PostgreSQL:
// Fedify's key–value store, the delivery queue, and the actors' key pairs.
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Fedify's caches and markers (remote documents, idempotency, …); a row may expire. */
export const federationKv = pgTable('federation_kv', {
  key: text('key').array().primaryKey(),
  value: jsonb('value').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
});

/**
 * Messages Fedify hands to its queue (outgoing deliveries, incoming activities). A row is removed
 * only after it was handled: a node killed in the middle picks it up again when it restarts.
 */
export const federationQueue = pgTable(
  'federation_queue',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    message: jsonb('message').notNull(),
    /** Messages with the same key are handled one at a time, in the order they came. */
    orderingKey: text('ordering_key'),
    readyAt: timestamp('ready_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set while a worker handles it; a worker that died leaves it to be taken again after this. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('federation_queue_ready').on(t.readyAt), index('federation_queue_ordering').on(t.orderingKey, t.createdAt)],
);

/** An actor's key pairs (RSA for draft-cavage peers such as Lemmy and Mobilizon, Ed25519 for proofs), as JWK. */
export const actorKeys = pgTable('actor_keys', {
  actor: text('actor').notNull(),
  kind: text('kind', { enum: ['RSASSA-PKCS1-v1_5', 'Ed25519'] }).notNull(),
  privateKey: jsonb('private_key').notNull(),
  publicKey: jsonb('public_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.actor, t.kind] })]);

/** Who follows one of our actors (a public forum, the node): a remote actor and where to deliver to it. */
export const followers = pgTable(
  'federation_followers',
  {
    actor: text('actor').notNull(),
    follower: text('follower').notNull(),
    inbox: text('inbox').notNull(),
    sharedInbox: text('shared_inbox'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.follower] })],
);

/**
 * What must go out to other servers, written in the same transaction as the change that causes
 * it (a transactional outbox); a worker turns each row into deliveries and then removes it.
 */
export const federationOutbox = pgTable('federation_outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  event: jsonb('event').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

/**
 * What went wrong the last time a server was written to, for the admin's delivery page (Fedify
 * itself keeps the retries in the queue and holds deliveries to a server that keeps failing).
 */
export const federationPeers = pgTable('federation_peers', {
  host: text('host').primaryKey(),
  lastError: text('last_error').notNull(),
  failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** How to reach a group elsewhere that members follow, and whether it has accepted the node's Follow. */
export const remoteForums = pgTable('remote_forums', {
  forumId: uuid('forum_id').primaryKey(),
  inbox: text('inbox').notNull(),
  sharedInbox: text('shared_inbox'),
  url: text('url'),
  state: text('state', { enum: ['none', 'pending', 'accepted', 'rejected'] }).notNull().default('none'),
});

/** Which members follow which group elsewhere (the node follows it once for all of them). */
export const forumFollows = pgTable(
  'forum_follows',
  {
    userId: uuid('user_id').notNull(),
    forumId: uuid('forum_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.forumId] }), index('forum_follows_forum').on(t.forumId)],
);

/**
 * Every activity the node has sent, so that its id can be fetched (servers re-fetch an activity
 * passed on by another server rather than trust the copy). Kept with the post it is about referred
 * to by id only: fetched later, it shows the post as it is now, or nothing once it is not public.
 */
export const federationActivities = pgTable('federation_activities', {
  id: uuid('id').primaryKey(),
  postId: uuid('post_id'),
  body: jsonb('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const federationModes = ['open', 'allowlist'] as const;
export type FederationMode = (typeof federationModes)[number];
export const followStates = ['none', 'pending', 'accepted'] as const;
export type FollowState = (typeof followStates)[number];

/**
 * The admin's word on other servers, by host: blocked (nothing sent, nothing taken), or a
 * partner node of the regional network (the two node actors follow each other; in allowlist mode
 * only partners are talked to). A request from a node that is not yet a partner waits here too.
 */
export const federationServers = pgTable('federation_servers', {
  host: text('host').primaryKey(),
  blocked: boolean('blocked').notNull().default(false),
  partner: boolean('partner').notNull().default(false),
  /** The other node's own actor (its Application). */
  actor: text('actor'),
  inbox: text('inbox'),
  name: text('name').notNull().default(''),
  /** Our node's Follow of theirs, and theirs of ours (its id, to answer it). */
  ourFollow: text('our_follow', { enum: followStates }).notNull().default('none'),
  ourFollowId: text('our_follow_id'),
  theirFollow: text('their_follow', { enum: followStates }).notNull().default('none'),
  theirFollowId: text('their_follow_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
