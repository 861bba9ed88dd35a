import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { requireSignedIn } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { idParam } from '../web/params.ts';
import { getEmailPreferences, getPreferences, listNotifications, markAllRead, openNotification, saveEmailPreferences, savePreferences } from './notifications.service.ts';
import { formView } from '../web/forms.ts';
import type { FieldErrors } from '../validation.ts';
import { saveAndRedirect } from '../web/session.ts';
import { emailKinds, notificationKinds } from './notifications.tables.ts';
import { noticeLine } from './notice-text.ts';

export function notificationsRouter({ database, config }: AppContext): Router {
  const db = database.db;
  const router = Router();
  router.use('/notifications', requireSignedIn);

  const page = async (req: Request, res: Response, email: { values?: Record<string, unknown>; errors?: FieldErrors } = {}) => {
    const user = req.user!;
    const [items, preferences, mail] = await Promise.all([listNotifications(db, user), getPreferences(db, user.id), getEmailPreferences(db, user.id)]);
    const chosen = email.values ? { kinds: [email.values.kinds ?? []].flat(), digest: email.values.mode === 'daily', includeText: email.values.includeText === 'on' } : mail;
    res.status(email.errors ? 422 : 200).render('notifications/notifications', {
      title: 'notifications.title',
      items: items.map((item) => ({ ...item, line: noticeLine(item, req.locale) })),
      kinds: notificationKinds.map((kind) => ({ kind, on: preferences[kind] })),
      // E-mail is offered when the node has a mail server, to a member with an address.
      email: config.smtp
        ? { hasAddress: Boolean(user.email), kinds: emailKinds.map((kind) => ({ kind, on: chosen.kinds.includes(kind) })), digest: chosen.digest, includeText: chosen.includeText }
        : null,
      ...formView(req, {}, email.errors ?? {}),
    });
  };

  // @route GET /notifications
  router.get('/notifications', (req, res) => page(req, res));

  // @route POST /notifications/email — which notices also come by e-mail, at once or once a day
  router.post('/notifications/email', async (req, res) => {
    const result = await saveEmailPreferences(db, req.user!.id, req.body);
    if (!result.ok) return page(req, res, { values: req.body, errors: result.errors });
    await saveAndRedirect(req, res, '/notifications#email', 'notifications.email.saved');
  });

  // @route GET /notifications/:id — marks it read and goes to the post
  router.get('/notifications/:id', async (req, res) => {
    const target = await openNotification(db, req.user!.id, idParam(req));
    if (!target) throw new NotFoundError();
    res.redirect(303, target);
  });

  // @route POST /notifications/read — mark everything read
  router.post('/notifications/read', async (req, res) => {
    await markAllRead(db, req.user!.id);
    res.redirect(303, '/notifications');
  });

  // @route POST /notifications/settings — which kinds to get
  router.post('/notifications/settings', async (req, res) => {
    await savePreferences(db, req.user!.id, req.body);
    await saveAndRedirect(req, res, '/notifications', 'notifications.saved');
  });

  return router;
}
