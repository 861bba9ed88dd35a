import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { isUuid } from '../validation.ts';
import { textParam } from '../web/params.ts';
import { validUnsubscribe, type UnsubscribeKind } from './email.compose.ts';
import { emailKinds } from './notifications.tables.ts';
import { stopEmail } from './notifications.service.ts';

/**
 * The link at the foot of every notice e-mail. It needs no signing in: the signed token is the
 * member's own for that kind, and stops only that. Opening it asks first (link checkers open
 * links); the button, or a mail program's one-click POST (RFC 8058), does it.
 */
export function unsubscribeRouter({ database, config }: AppContext): Router {
  const router = Router();

  const linkOf = (req: Request): { userId: string; kind: UnsubscribeKind } => {
    const userId = textParam(req, 'user');
    const kind = textParam(req, 'kind');
    const known = kind === 'digest' || (emailKinds as readonly string[]).includes(kind);
    if (!isUuid(userId) || !known || !validUnsubscribe(config.sessionSecret, userId, kind as UnsubscribeKind, textParam(req, 'token'))) throw new NotFoundError();
    return { userId, kind: kind as UnsubscribeKind };
  };

  // @route GET /unsubscribe/:user/:kind/:token — asks whether to stop these e-mails
  router.get('/unsubscribe/:user/:kind/:token', (req, res) => {
    const { kind } = linkOf(req);
    res.set('Cache-Control', 'no-store').render('notifications/unsubscribe', { title: 'unsubscribe.title', kind, action: req.originalUrl });
  });

  // @route POST /unsubscribe/:user/:kind/:token — stops them (also the one-click POST from a mail program)
  router.post('/unsubscribe/:user/:kind/:token', async (req, res) => {
    const { userId, kind } = linkOf(req);
    await stopEmail(database.db, userId, kind);
    res.set('Cache-Control', 'no-store').render('notifications/unsubscribe', { title: 'unsubscribe.title', kind, done: true });
  });

  return router;
}
