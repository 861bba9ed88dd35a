import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const registrationPolicies = ['open', 'approval', 'invite'] as const;
export type RegistrationPolicy = (typeof registrationPolicies)[number];

/** One row (id 1): what the admin sets in the browser. Server settings come from the environment instead. */
export const nodeSettings = pgTable('node_settings', {
  id: integer('id').primaryKey().default(1),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  rules: text('rules').notNull().default(''),
  contact: text('contact').notNull().default(''),
  /** Where "Exit quickly" goes: a neutral page such as a weather forecast. */
  quickExitUrl: text('quick_exit_url').notNull().default('https://www.foreca.fi/'),
  registrationPolicy: text('registration_policy', { enum: registrationPolicies }).notNull().default('approval'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
