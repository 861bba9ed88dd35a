import { Router, type Request } from 'express';
import type { Federation } from '@fedify/fedify';
import type { AppContext } from '../server/context.ts';
import { requireAdmin } from '../server/access.ts';
import { formView } from '../server/web/forms.ts';
import { saveAndRedirect } from '../server/web/session.ts';
import { text, type FieldErrors } from '../server/validation.ts';
import { deliveryStatus } from './delivery-status.ts';
import { addPartner, networkStatus, removePartner, setBlocked, setMode } from './partners.ts';

/** The admin's view of delivery to other servers, and the federation policy and partner nodes. */
export function federationAdminRouter(context: AppContext, federation: Federation<AppContext>): Router {
  const router = Router();
  router.use(requireAdmin);
  // @route GET /admin/federation — what waits to be delivered, servers not answering, followers
  router.get('/', async (_req, res) => {
    res.render('admin/federation', { title: 'admin.federation.title', ...(await deliveryStatus(context.database.db)) });
  });

  const network = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'admin.network.title',
    ...(await networkStatus(context)),
    ...formView(req, values, errors),
  });
  const page = '/admin/federation/network';

  // @route GET /admin/federation/network — the federation policy, partner nodes, their requests, blocked servers
  router.get('/network', async (req, res) => {
    res.render('admin/network', await network(req));
  });

  // @route POST /admin/federation/network/mode — open federation or only the partners
  router.post('/network/mode', async (req, res) => {
    const result = await setMode(context, text(req.body.mode));
    if (!result.ok) return res.status(422).render('admin/network', await network(req, req.body, result.errors));
    await saveAndRedirect(req, res, page, 'admin.network.modeSaved');
  });

  // @route POST /admin/federation/network/partners — make another node a partner (also: accept its request)
  router.post('/network/partners', async (req, res) => {
    const result = await addPartner(federation, context, text(req.body.address));
    if (!result.ok) return res.status(422).render('admin/network', await network(req, req.body, result.errors));
    await saveAndRedirect(req, res, page, 'admin.network.partnerAdded');
  });

  // @route POST /admin/federation/network/partners/:host/remove — end a partnership, or turn down a request
  router.post('/network/partners/:host/remove', async (req, res) => {
    await removePartner(federation, context, String(req.params.host));
    await saveAndRedirect(req, res, page, 'admin.network.partnerRemoved');
  });

  // @route POST /admin/federation/network/blocked — block a server
  router.post('/network/blocked', async (req, res) => {
    const result = await setBlocked(context, text(req.body.host), true);
    if (!result.ok) return res.status(422).render('admin/network', await network(req, req.body, result.errors));
    await saveAndRedirect(req, res, page, 'admin.network.blockedSaved');
  });

  // @route POST /admin/federation/network/blocked/:host/remove — lift a block
  router.post('/network/blocked/:host/remove', async (req, res) => {
    await setBlocked(context, String(req.params.host), false);
    await saveAndRedirect(req, res, page, 'admin.network.unblocked');
  });
  return router;
}
