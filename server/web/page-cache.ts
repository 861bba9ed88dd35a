import type { NextFunction, Request, Response } from 'express';
import { locales, type Config } from '../config.ts';
import { BoundedMap } from '../bounded-map.ts';
import { changed, generation } from '../db/changes.ts';

/**
 * A short-lived cache of pages as a visitor without a session sees them, like Discourse's
 * anonymous cache: a burst of readers arriving from a shared link costs one render.
 *
 * Safe by construction: only requests that carry no cookie at all are answered from it or stored
 * in it, so every stored page was rendered for a visitor, and only 200 HTML answers that set no
 * cookie and hold no form token are kept. Any form post empties it, in every process of the node
 * (db/changes.ts).
 */
export function visitorPageCache(config: Config, options: { ttlMs?: number; maxEntries?: number } = {}) {
  const ttlMs = options.ttlMs ?? 3000;
  const maxEntries = options.maxEntries ?? 500;
  const pages = new BoundedMap<string, { body: string; until: number }>(maxEntries);
  let seen = generation('visitor-pages');

  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // Before, and again once written: a visitor's page read in between is not kept either.
      changed('visitor-pages');
      res.once('finish', () => changed('visitor-pages'));
      return next();
    }
    if (seen !== generation('visitor-pages')) {
      pages.clear();
      seen = generation('visitor-pages');
    }
    // Pages differ by language and by who is signed in; say so to any cache on the way.
    res.vary('Accept-Language').vary('Cookie');
    if (req.headers.cookie || req.headers.authorization) return next();
    const accepted = req.acceptsLanguages(...locales);
    const key = `${accepted || config.defaultLocale} ${req.originalUrl}`;
    const hit = pages.get(key);
    if (hit && hit.until > Date.now()) {
      res.type('html').send(hit.body);
      return;
    }
    const rendering = seen;
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (typeof body === 'string' && res.statusCode === 200 && !body.includes('name="_csrf"')) {
        // The session cookie is only added as the headers go out, so decide once the answer is finished.
        res.once('finish', () => {
          if (res.getHeader('set-cookie') || !/^text\/html/.test(String(res.getHeader('content-type')))) return;
          if (generation('visitor-pages') !== rendering) return;
          pages.set(key, { body, until: Date.now() + ttlMs });
        });
      }
      return send(body);
    };
    next();
  };
}
