// Our activities' ids are addresses that answer: each activity is kept when it is sent (its post
// by reference, so what is served is never older than the post, nor kept once the post is not public).
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Router } from 'express';
import type { Context } from '@fedify/fedify';
import type { Activity } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import { isUuid } from '../server/validation.ts';
import { federationActivities } from './federation.tables.ts';
import { loadPublicPost } from './posts.ts';
import { withFullPublicIri } from './adapter.ts';

const path = '/ap/activities/';

/** A new activity's id. */
export const activityId = (context: AppContext) => new URL(`${path}${randomUUID()}`, context.config.baseUrl);

/** Keeps an activity about to be sent (about a post, when postId is given) so its id answers. */
export async function kept<T extends Activity>(ctx: Context<AppContext>, activity: T, postId?: string): Promise<T> {
  const id = activity.id?.pathname.startsWith(path) ? activity.id.pathname.slice(path.length) : '';
  if (activity.id?.origin !== ctx.origin || !isUuid(id)) return activity;
  const json = await activity.clone({ object: activity.objectId }).toJsonLd({ format: 'compact', contextLoader: ctx.contextLoader });
  const body = JSON.parse(withFullPublicIri(JSON.stringify(json))) as unknown;
  await ctx.data.database.db.insert(federationActivities).values({ id, postId, body }).onConflictDoNothing();
  return activity;
}

export function activitiesRouter(context: AppContext): Router {
  const router = Router();
  // @route GET /ap/activities/:id — an activity this node sent, as ActivityPub JSON
  router.get(`${path}:id`, async (req, res, next) => {
    const [row] = isUuid(req.params.id) ? await context.database.db.select().from(federationActivities).where(eq(federationActivities.id, req.params.id)) : [];
    if (!row || (row.postId && !(await loadPublicPost(context, { postId: row.postId })))) return next();
    res.type('application/activity+json').send(JSON.stringify(row.body));
  });
  return router;
}
