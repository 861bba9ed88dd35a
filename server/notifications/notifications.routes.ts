import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { requireSignedIn } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { idParam } from '../web/params.ts';
import { getPreferences, listNotifications, markAllRead, openNotification, savePreferences } from './notifications.service.ts';
import { saveAndRedirect } from '../web/session.ts';
import { notificationKinds } from './notifications.tables.ts';

export function notificationsRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();
  router.use('/notifications', requireSignedIn);

  // @route GET /notifications
  router.get('/notifications', async (req, res) => {
    const [items, preferences] = await Promise.all([listNotifications(db, req.user!), getPreferences(db, req.user!.id)]);
    res.render('notifications/notifications', {
      title: 'notifications.title',
      // A batch of reactions names one person and counts the others; a batch of approvals counts the posts.
      items: items.map((item) => ({
        ...item,
        actor: item.actors[0],
        key: item.ids.length > 1 ? `${item.kind}Many` : item.kind,
        count: item.kind === 'reaction' ? item.actors.length - 1 : item.ids.length,
      })),
      kinds: notificationKinds.map((kind) => ({ kind, on: preferences[kind] })),
    });
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
