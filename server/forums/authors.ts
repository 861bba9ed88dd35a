import { sql } from 'drizzle-orm';
import { users } from '../accounts/accounts.tables.ts';

// "deleted member" is decided here, once, for every place that shows an author: a deleted
// account's name is never read out of the database, whatever page or feed asks.
export const authorName = sql<string | null>`case when ${users.status} = 'deleted' then null else ${users.displayName} end`;
export const authorUsername = sql<string | null>`case when ${users.status} = 'deleted' then null else ${users.username} end`;
