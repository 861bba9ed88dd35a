import { boolean, customType, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { groups } from '../groups/groups.tables.ts';

export const registrationPolicies = ['open', 'approval', 'invite'] as const;
export type RegistrationPolicy = (typeof registrationPolicies)[number];

/** The languages PostgreSQL can stem for search (server/markup/search-text.ts). */
export const searchLanguages = ['fi', 'sv', 'en', 'da'] as const;
export type SearchLanguage = (typeof searchLanguages)[number];

/** A crisis line: language is who it answers (fi, sv, en, da), country where it is (FI, SE, DK). */
export type CrisisLine = { name: string; phone: string; hours: string; language: string; country: string };

/** One row (id 1): what the admin sets in the browser. Server settings come from the environment instead. */
export const nodeSettings = pgTable('node_settings', {
  id: integer('id').primaryKey().default(1),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  rules: text('rules').notNull().default(''),
  /** The association's current notice on members' home page ("the café is closed in July"); empty for none. */
  notice: text('notice').notNull().default(''),
  /** The association's own accent colour ("#1d4f6e"), checked for contrast; null for the built-in one. */
  accentColor: text('accent_color'),
  /** Whether the peer-mentor scheme is in use (its pages are there only then). */
  mentorScheme: boolean('mentor_scheme').notNull().default(false),
  /** The group (often closed) where the scheme's mentors take their training course, if it has one. */
  mentorTrainingGroupId: uuid('mentor_training_group_id').references(() => groups.id, { onDelete: 'set null' }),
  /** Figures about people below this many are shown only as "fewer than N" (never below 3). */
  smallNumberThreshold: integer('small_number_threshold').notNull().default(5),
  /** Goes up with each new logo (its address changes, so browsers fetch it again); 0 for none. */
  logoVersion: integer('logo_version').notNull().default(0),
  contact: text('contact').notNull().default(''),
  /** Where "Exit quickly" goes: a neutral page such as a weather forecast. */
  quickExitUrl: text('quick_exit_url').notNull().default('https://www.foreca.fi/'),
  registrationPolicy: text('registration_policy', { enum: registrationPolicies }).notNull().default('approval'),
  /** How many of a new member's first posts wait for a moderator (0: none). */
  premoderatedPosts: integer('premoderated_posts').notNull().default(3),
  /** Whether anyone may read the moderation log, without names. */
  publishModerationLog: boolean('publish_moderation_log').notNull().default(false),
  emergencyNumber: text('emergency_number').notNull().default('112'),
  /** The crisis lines on the help page; null until an admin edits them, meaning the national lines in moderation/crisis.ts. */
  crisisLines: jsonb('crisis_lines').$type<CrisisLine[]>(),
  /** Open federation (every server but the blocked ones), or only the partner nodes. */
  federationMode: text('federation_mode', { enum: ['open', 'allowlist'] }).notNull().default('open'),
  /** Backups the node makes by itself into DATA_DIR/backups. */
  backupSchedule: text('backup_schedule', { enum: ['off', 'daily'] }).notNull().default('daily'),
  /** How many scheduled backups are kept; older ones are removed. */
  backupKeep: integer('backup_keep').notNull().default(7),
  /** The languages posts are stemmed in for search (besides unstemmed words, always there). */
  searchLanguages: text('search_languages', { enum: searchLanguages }).array().notNull().default(['fi', 'sv', 'en']),
  /** The languages every post was last indexed with; null until the search index has been rebuilt for them. */
  searchIndexed: text('search_indexed', { enum: searchLanguages }).array(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** The association's pictures, as the server made them from an admin's upload (never the upload itself). */
export const siteImages = pgTable('site_images', {
  name: text('name', { enum: ['logo', 'favicon', 'touch-icon'] }).primaryKey(),
  content: bytea('content').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
