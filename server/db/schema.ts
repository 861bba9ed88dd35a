// The one schema. Feature tables live beside their feature and are collected here,
// so drizzle-kit and the Drizzle client see every table.
export * from '../accounts/accounts.tables.ts';
export * from '../admin/settings.tables.ts';
export * from '../forums/forums.tables.ts';
export * from '../groups/groups.tables.ts';
export * from '../moderation/moderation.tables.ts';
export * from '../notifications/notifications.tables.ts';
export * from '../../federation/federation.tables.ts';
export * from './maintenance.tables.ts';
export * from '../questionnaires/questionnaires.tables.ts';
export * from '../mentoring/mentoring.tables.ts';
