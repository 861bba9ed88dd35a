import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/client.ts';
import { isLocale } from '../i18n/i18n.ts';
import { setLocale } from '../accounts/accounts.service.ts';
import { renderMarkdown } from '../markup/markup.ts';
import { saveAndRedirect } from './session.ts';
import { requireSignedIn } from '../access.ts';

/** Only same-site paths, so the language links cannot send anyone elsewhere. */
export function safeNext(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

export function healthRouter(database: Database): Router {
  const router = Router();
  // @route GET /healthz
  router.get('/healthz', async (_req, res) => {
    const ok = await database.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', database: database.kind });
  });
  return router;
}

export function pagesRouter({ database }: AppContext): Router {
  const router = Router();

  // @route GET /help — crisis help, one click from every page
  router.get('/help', (_req, res) => res.render('pages/help', { title: 'help.title' }));

  // @route GET /help/quick-exit — what the quick exit does and does not do
  router.get('/help/quick-exit', (_req, res) => res.render('pages/quick-exit', { title: 'quickExit.title' }));

  // @route GET /rules
  router.get('/rules', (_req, res) => {
    res.render('pages/rules', { title: 'rules.title', rules: renderMarkdown(res.locals.node?.rules ?? '') });
  });

  // @route GET /language/:locale?next=/path — a plain link, so it works without JavaScript
  router.get('/language/:locale', async (req, res) => {
    const { locale } = req.params;
    if (!isLocale(locale)) return res.redirect(303, safeNext(req.query.next));
    // The link changes the pages' language; a member's saved setting changes only if they choose to save it.
    req.session.locale = locale;
    if (req.user && req.user.locale !== locale) req.session.offerLocale = true;
    await saveAndRedirect(req, res, safeNext(req.query.next));
  });

  // @route POST /language — save the language the pages are in now as the member's setting
  router.post('/language', requireSignedIn, async (req, res) => {
    await setLocale(database.db, req.user!.id, req.locale);
    delete req.session.locale;
    await saveAndRedirect(req, res, safeNext(req.body.next), 'settings.languageSaved');
  });

  return router;
}
