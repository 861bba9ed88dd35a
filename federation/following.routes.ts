import { Router } from 'express';
import type { Federation } from '@fedify/fedify';
import type { AppContext } from '../server/context.ts';
import { requireSignedIn } from '../server/access.ts';
import { formView } from '../server/web/forms.ts';
import { idParam } from '../server/web/params.ts';
import { saveAndRedirect } from '../server/web/session.ts';
import { text, type FieldErrors } from '../server/validation.ts';
import { followingOf, followRemoteGroup, unfollowRemoteGroup } from './following.ts';

/** A member's groups elsewhere: follow one by its address, read the latest, stop following. */
export function followingRouter(context: AppContext, federation: Federation<AppContext>): Router {
  const router = Router();

  const view = async (req: Parameters<typeof formView>[0], values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'following.title',
    ...(await followingOf(context, req.user!)),
    ...formView(req, values, errors),
  });

  // @route GET /following
  router.get('/following', requireSignedIn, async (req, res) => {
    res.render('following/index', await view(req));
  });

  // @route POST /following — follow a group elsewhere by its address
  router.post('/following', requireSignedIn, async (req, res) => {
    const result = await followRemoteGroup(federation, context, req.user!, text(req.body.address));
    if (!result.ok) return res.status(422).render('following/index', await view(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/following', 'following.followed');
  });

  // @route POST /following/:id/stop
  router.post('/following/:id/stop', requireSignedIn, async (req, res) => {
    await unfollowRemoteGroup(federation, context, req.user!, idParam(req));
    await saveAndRedirect(req, res, '/following', 'following.stopped');
  });

  return router;
}
