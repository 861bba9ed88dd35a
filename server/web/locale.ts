import type { NextFunction, Request, Response } from 'express';
import { locales, type Config } from '../config.ts';
import { isLocale } from '../i18n/i18n.ts';

/**
 * A language chosen from the header links in this session, else the member's setting, else the
 * browser's Accept-Language, else the node default.
 */
export function chooseLocale(config: Config) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const accepted = req.acceptsLanguages(...locales);
    const candidates = [req.session?.locale, req.user?.locale, accepted === false ? undefined : accepted];
    req.locale = candidates.find(isLocale) ?? config.defaultLocale;
    next();
  };
}
