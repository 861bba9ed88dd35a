import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One-time data tasks a node has run at start-up (beyond SQL migrations), so each runs once. */
export const maintenanceTasks = pgTable('maintenance_tasks', {
  name: text('name').primaryKey(),
  doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Requests counted by the rate limits (sign-in, forms, inboxes), per limit and client, in the
 * database so that every process of a node counts the same hits (server/web/rate-limit.ts).
 */
export const rateLimitHits = pgTable('rate_limit_hits', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
});
