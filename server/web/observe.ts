import type { Request, RequestHandler } from 'express';
import type { RequestEntry } from '../log.ts';

/** Where requests that no Express route answered went (ActivityPub is Fedify's; files are static). */
const areas: [prefix: string, name: string][] = [
  ['/ap/', 'activitypub'],
  ['/.well-known/', 'well-known'],
  ['/nodeinfo/', 'nodeinfo'],
  ['/static/', 'static'],
];

/**
 * A request's route as its pattern (`/threads/:id`), never the path itself: ids, usernames and
 * query strings (a search's words) stay out of logs and metrics.
 */
export function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}` || '/';
  return areas.find(([prefix]) => req.originalUrl.startsWith(prefix))?.[1] ?? 'other';
}

/** Tells each listener about every finished request: method, route pattern, status, duration. */
export function observeRequests(listeners: ((entry: RequestEntry) => void)[]): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const entry = { method: req.method, route: routeOf(req), status: res.statusCode, ms };
      for (const listener of listeners) listener(entry);
    });
    next();
  };
}
