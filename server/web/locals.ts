import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { isAdmin, isSignedIn, isStaff } from '../access.ts';
import { getSettings } from '../admin/settings.service.ts';
import { localeNames } from '../i18n/i18n.ts';
import { locales } from '../config.ts';
import { csrf } from './csrf.ts';
import { unreadCount } from '../notifications/notifications.service.ts';
import { linesFor } from '../moderation/crisis.ts';
import { queueCount } from '../moderation/queue.queries.ts';
import { knownNoUnread } from '../accounts/passport.ts';

/** What every page's layout needs: the node, the reader, the language and the header's forms. */
export function pageLocals({ database }: AppContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const settings = await getSettings(database.db);
    const user = req.user;
    res.locals.locale = req.locale;
    res.locals.node = settings ?? { name: 'Kohtaamo', quickExitUrl: 'https://www.foreca.fi/', contact: '', emergencyNumber: '112' };
    res.locals.crisisLines = linesFor(settings, req.locale);
    res.locals.viewer = isSignedIn(user)
      ? {
          username: user.username,
          displayName: user.displayName,
          isStaff: isStaff(user),
          isAdmin: isAdmin(user),
          unreadNotifications: knownNoUnread(user) ? 0 : await unreadCount(database.db, user),
          queue: isStaff(user) ? await queueCount(database.db, user) : { total: 0, crisis: 0 },
        }
      : null;
    res.locals.languages = locales.map((code) => ({ code, name: localeNames[code], current: code === req.locale }));
    res.locals.currentPath = req.originalUrl;
    // Visitors get a token (and so a session) only on pages with forms; members always have a session.
    if (user) res.locals.csrfToken = csrf.generateToken(req);
    // A member's pages (and their data export) are theirs: no browser or proxy cache keeps them.
    if (user) res.setHeader('Cache-Control', 'no-store');
    if (req.session?.crisisHelp) {
      res.locals.crisisHelp = req.session.crisisHelp;
      delete req.session.crisisHelp;
    }
    if (req.session?.offerLocale) {
      res.locals.offerLocale = Boolean(user);
      delete req.session.offerLocale;
    }
    if (req.session?.notice) {
      res.locals.notice = req.session.notice;
      delete req.session.notice;
    }
    next();
  };
}
