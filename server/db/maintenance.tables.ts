import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One-time data tasks a node has run at start-up (beyond SQL migrations), so each runs once. */
export const maintenanceTasks = pgTable('maintenance_tasks', {
  name: text('name').primaryKey(),
  doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
});
