import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/client.ts';
import { NotFoundError } from '../errors.ts';
import { formView } from '../web/forms.ts';
import { signIn, saveAndRedirect } from '../web/session.ts';
import { completeSetup, hasAdmin } from './setup.service.ts';

/**
 * While no admin exists, every page leads to /setup. Once one does, it stays so (the last admin
 * cannot step down), so the answer is remembered and costs no query afterwards.
 */
export function setupGate(db: Db) {
  let done = false;
  const gate = async (req: Request, res: Response, next: NextFunction) => {
    if (!done) done = await hasAdmin(db);
    res.locals.setupDone = done;
    if (done || req.path === '/setup' || req.path.startsWith('/language/')) return next();
    res.redirect(303, '/setup');
  };
  return gate;
}

export function setupRouter({ database }: AppContext): Router {
  const router = Router();
  const guard = (_req: Request, res: Response, next: NextFunction) => {
    if (res.locals.setupDone) throw new NotFoundError();
    next();
  };

  // @route GET /setup
  router.get('/setup', guard, (req, res) => res.render('admin/setup', { title: 'setup.title', ...formView(req) }));

  // @route POST /setup
  router.post('/setup', guard, async (req, res) => {
    const result = await completeSetup(database.db, req.body);
    if (!result.ok) {
      return res.status(422).render('admin/setup', { title: 'setup.title', ...formView(req, req.body, result.errors) });
    }
    await signIn(req, result.user);
    await saveAndRedirect(req, res, '/admin', 'setup.done');
  });

  return router;
}
