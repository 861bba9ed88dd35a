// The partner associations whose groups the directory shows beside ours (federation/directory.ts
// keeps their listings; federation/partners.ts the partners themselves).
import { eq } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { federationServers } from '../../federation/federation.tables.ts';

/** Each partner node's host and its association's name. */
export async function partnerNames(db: DatabaseLike): Promise<Map<string, string>> {
  const rows = await db.select({ host: federationServers.host, name: federationServers.name }).from(federationServers).where(eq(federationServers.partner, true));
  return new Map(rows.map((row) => [row.host, row.name]));
}
