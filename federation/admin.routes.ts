import { Router } from 'express';
import type { AppContext } from '../server/context.ts';
import { requireAdmin } from '../server/access.ts';
import { deliveryStatus } from './delivery-status.ts';

/** The admin's view of delivery to other servers: read only, nothing to set. */
export function federationAdminRouter({ database }: AppContext): Router {
  const router = Router();
  router.use(requireAdmin);
  // @route GET /admin/federation — what waits to be delivered, servers not answering, followers
  router.get('/', async (_req, res) => {
    res.render('admin/federation', { title: 'admin.federation.title', ...(await deliveryStatus(database.db)) });
  });
  return router;
}
