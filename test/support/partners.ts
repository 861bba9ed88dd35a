// Two running nodes made partners the way their admins do it: one adds the other on the network
// page, the other accepts the request there; done when each follows the other.
import { eq } from 'drizzle-orm';
import { federationServers } from '../../federation/federation.tables.ts';
import { signedIn } from './fixtures.ts';
import type { SetUpTestNode } from './set-up-node.ts';
import { until } from './until.ts';

const page = '/admin/federation/network';

async function rowAt(node: SetUpTestNode, other: SetUpTestNode) {
  return (await node.database.db.select().from(federationServers).where(eq(federationServers.host, new URL(other.url).host)))[0];
}

/** Whether two nodes follow each other's node actor. */
export async function arePartners(x: SetUpTestNode, y: SetUpTestNode): Promise<boolean> {
  const [atX, atY] = [await rowAt(x, y), await rowAt(y, x)];
  return atX?.ourFollow === 'accepted' && atX.theirFollow === 'accepted' && atY?.ourFollow === 'accepted' && atY.theirFollow === 'accepted';
}

export async function makePartners(x: SetUpTestNode, y: SetUpTestNode): Promise<void> {
  await (await signedIn(x.url, 'admin_anna')).submit(page, { address: y.url }, `${page}/partners`);
  await until('the request', async () => (await rowAt(y, x))?.theirFollow === 'pending');
  await (await signedIn(y.url, 'admin_anna')).submit(page, { address: x.url }, `${page}/partners`);
  await until('partners', () => arePartners(x, y));
}
