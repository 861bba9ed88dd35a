// Federation keeps some things only for a while. Fedify's cached documents and markers (an
// incoming activity's id, so that it is taken once) carry an expiry that the store reads around
// but nothing removes; the activities the node sent answer at their ids for peers that check
// them as they arrive, which no one does months later. Left alone, both grow with every activity,
// and with them the database and every backup.
import { lt, lte } from 'drizzle-orm';
import type { AppContext } from '../server/context.ts';
import type { DatabaseLike } from '../server/db/client.ts';
import { repeat } from '../server/repeat.ts';
import { federationActivities, federationKv } from './federation.tables.ts';

export const activitiesKeptDays = 90;

export async function clearOutFederation(db: DatabaseLike, now = new Date()): Promise<void> {
  await db.delete(federationKv).where(lte(federationKv.expiresAt, now));
  await db.delete(federationActivities).where(lt(federationActivities.createdAt, new Date(now.getTime() - activitiesKeptDays * 86_400_000)));
}

export function startFederationClearOut(context: AppContext, signal: AbortSignal): void {
  repeat({ what: 'federation: clearing out expired values and old activities', everyMs: 3_600_000 }, () => clearOutFederation(context.database.db), context.log, signal);
}
