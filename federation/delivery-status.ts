// What the admin's delivery page shows: what waits to go out, which servers are not answering
// (deliveries Fedify is trying again, by server), and how many follow each public forum.
import { count, desc, eq, sql } from 'drizzle-orm';
import type { DatabaseLike } from '../server/db/client.ts';
import { forums } from '../server/forums/forums.tables.ts';
import { federationOutbox, federationPeers, federationQueue, followers } from './federation.tables.ts';

export type FailingServer = { host: string; waiting: number; attempts: number; since: Date; lastError: string | null };
export type DeliveryStatus = {
  /** Changes not yet turned into deliveries. */
  pending: number;
  /** Deliveries queued (first tries and retries). */
  queued: number;
  failing: FailingServer[];
  followed: { name: string; slug: string; followers: number }[];
};

export async function deliveryStatus(db: DatabaseLike): Promise<DeliveryStatus> {
  const host = sql<string>`split_part(split_part(${federationQueue.message}->>'inbox', '://', 2), '/', 1)`;
  const [pending] = await db.select({ n: count() }).from(federationOutbox);
  const [queued] = await db.select({ n: count() }).from(federationQueue).where(sql`${federationQueue.message}->>'type' = 'outbox'`);
  const retried = await db
    .select({
      host,
      waiting: sql<number>`count(*)::int`,
      attempts: sql<number>`max((${federationQueue.message}->>'attempt')::int)`,
      since: sql<string>`min(${federationQueue.message}->>'started')`,
    })
    .from(federationQueue)
    .where(sql`${federationQueue.message}->>'type' = 'outbox' and (${federationQueue.message}->>'attempt')::int > 0`)
    .groupBy(host)
    .orderBy(desc(sql`count(*)`));
  const errors = await db.select().from(federationPeers);
  const followed = await db
    .select({ name: forums.name, slug: forums.slug, followers: sql<number>`count(${followers.follower})::int` })
    .from(forums)
    .leftJoin(followers, eq(followers.actor, forums.slug))
    .where(eq(forums.visibility, 'public'))
    .groupBy(forums.id)
    .orderBy(forums.name);
  return {
    pending: pending?.n ?? 0,
    queued: queued?.n ?? 0,
    failing: retried.map((row) => ({ ...row, since: new Date(row.since), lastError: errors.find((e) => e.host === row.host)?.lastError ?? null })),
    followed,
  };
}
