// The transactional outbox: the domain's events that concern other servers are written in the
// event's own transaction; a worker hands each to Fedify (whose queue, on our database, then
// delivers with retries) and removes it. A crash between the two delivers twice, never never:
// an activity keeps its id, so a receiver applies it once.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { asc, eq, lte, sql } from 'drizzle-orm';
import type { Federation } from '@fedify/fedify';
import { Announce, Create } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import { subscribe, type EventOf } from '../server/events.ts';
import { federationOutbox } from './federation.tables.ts';
import { loadPublicPost, objectUri, toObject } from './posts.ts';

const wake = new EventEmitter();
wake.setMaxListeners(0);

type Published = EventOf<'post.published'>;

/** Only what is public is ever written here: members-only posts never reach the outbox. */
export function subscribeOutbox(): void {
  subscribe('federation: outbox', ['post.published'], async (db, event) => {
    if (!event.public) return;
    await db.insert(federationOutbox).values({ event });
    wake.emit('work');
  });
}

async function deliver(federation: Federation<AppContext>, context: AppContext, event: Published): Promise<void> {
  // Asked again at delivery: a post removed or moved out of sight meanwhile is not sent.
  const found = await loadPublicPost(context, { postId: event.postId });
  if (!found) return;
  const ctx = federation.createContext(context.config.baseUrl, context);
  const group = found.forum.slug;
  const object = toObject(ctx, found);
  const create = new Create({
    id: new URL(`/ap/activities/${randomUUID()}`, context.config.baseUrl),
    actor: ctx.getActorUri(found.post.authorId),
    object,
    tos: object.toIds,
    ccs: object.ccIds,
  });
  const announce = (inner: Create | typeof object) =>
    new Announce({ id: new URL(`/ap/activities/${randomUUID()}`, context.config.baseUrl), actor: ctx.getActorUri(group), object: inner, tos: [ctx.getFollowersUri(group)], ccs: object.toIds });
  const options = { preferSharedInbox: true, orderingKey: objectUri(ctx, found).href };
  await ctx.sendActivity({ identifier: group }, 'followers', announce(create), options);
  // Mastodon ignores an announced Create: a new thread is also announced as the Page itself.
  if (found.post.number === 1) await ctx.sendActivity({ identifier: group }, 'followers', announce(object), options);
}

export function startOutbox(federation: Federation<AppContext>, context: AppContext, signal: AbortSignal): void {
  const db = context.database.db;
  const loop = async () => {
    while (!signal.aborted) {
      const [row] = await db.select().from(federationOutbox).where(lte(federationOutbox.createdAt, new Date())).orderBy(asc(federationOutbox.createdAt)).limit(1).catch(() => []);
      if (!row) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wake.off('work', done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, 1000);
          wake.once('work', done);
          signal.addEventListener('abort', done, { once: true });
        });
        continue;
      }
      try {
        await deliver(federation, context, row.event as Published);
        await db.delete(federationOutbox).where(eq(federationOutbox.id, row.id));
      } catch (error) {
        context.log(`federation: outbox ${row.id} failed: ${String(error)}`);
        await db
          .update(federationOutbox)
          .set({ attempts: sql`${federationOutbox.attempts} + 1`, lastError: String(error).slice(0, 500), createdAt: new Date(Date.now() + 60_000) })
          .where(eq(federationOutbox.id, row.id))
          .catch(() => {});
      }
    }
  };
  void loop();
}
