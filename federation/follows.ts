// Following our public forums (and the node): a remote actor's Follow is stored and accepted at
// once; its Undo removes it. Who follows is kept to ourselves: the collection shows a count only.
import { and, count, eq, isNull, ne, or } from 'drizzle-orm';
import { users } from '../server/accounts/accounts.tables.ts';
import type { Context, Federation, InboxContext } from '@fedify/fedify';
import { Accept, Follow, type Actor } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import { followers } from './federation.tables.ts';
import { activityId, kept } from './activities.ts';
import { allowedRecipients } from './policy.ts';
import { nodeActor } from './node-actor.ts';
import { onNodeFollow, onNodeUndoFollow } from './partners.ts';

/** A follower as Fedify delivers to it. */
export function asRecipient(row: { follower: string; inbox: string; sharedInbox: string | null }) {
  return { id: new URL(row.follower), inboxId: new URL(row.inbox), endpoints: row.sharedInbox ? { sharedInbox: new URL(row.sharedInbox) } : null };
}

/** Whether a local actor identifier may be followed: the node, and public forums (asked of the caller). */
export type Followable = (data: AppContext, identifier: string) => Promise<boolean>;

export async function onFollow(ctx: InboxContext<AppContext>, follow: Follow, followable: Followable): Promise<void> {
  if (!follow.id || !follow.actorId || !follow.objectId) return;
  const target = ctx.parseUri(follow.objectId);
  if (target?.type !== 'actor' || !(await followable(ctx.data, target.identifier))) return;
  const follower = await follow.getActor(ctx);
  // The one asking must be the one who signed (Fedify checks the signature; this checks the claim).
  if (!follower?.id || !follower.inboxId || follower.id.href !== follow.actorId.href) return;
  // Following the node itself is asking to be a partner in the regional network: the admin decides.
  if (target.identifier === nodeActor) return onNodeFollow(ctx, follow, follower);
  await acceptFollow(ctx, target.identifier, follower, follow);
}

/** A follower kept and answered with Accept. */
export async function acceptFollow(ctx: Context<AppContext>, identifier: string, follower: Actor, follow: Follow): Promise<void> {
  const values = { inbox: follower.inboxId!.href, sharedInbox: follower.endpoints?.sharedInbox?.href ?? null };
  await ctx.data.database.db
    .insert(followers)
    .values({ actor: identifier, follower: follower.id!.href, ...values })
    .onConflictDoUpdate({ target: [followers.actor, followers.follower], set: values });
  await ctx.sendActivity(
    { identifier },
    follower,
    await kept(
      ctx,
      new Accept({
        id: activityId(ctx.data),
        actor: ctx.getActorUri(identifier),
        // A minimal copy of the Follow: its id, who and whom.
        object: new Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId }),
      }),
    ),
  );
}

/** The follower takes their Follow back (the caller checked it is theirs). */
export async function onUndoFollow(ctx: InboxContext<AppContext>, follower: URL, follow: Follow): Promise<void> {
  const target = follow.objectId && ctx.parseUri(follow.objectId);
  if (target?.type !== 'actor') return;
  await ctx.data.database.db.delete(followers).where(and(eq(followers.actor, target.identifier), eq(followers.follower, follower.href)));
  if (target.identifier === nodeActor) await onNodeUndoFollow(ctx.data, follower);
}

export function handleFollows(federation: Federation<AppContext>, followable: Followable): void {
  federation
    .setFollowersDispatcher('/ap/actors/{identifier}/followers', async (ctx, identifier) => {
      if (!(await followable(ctx.data, identifier))) return null;
      // Served over HTTP the list stays empty (following a mental-health forum is nobody else's
      // business); delivery to "followers" reads the real list.
      if ('request' in ctx) return { items: [] };
      const db = ctx.data.database.db;
      // Someone banned here hears nothing from here either.
      const rows = await db
        .select({ follower: followers.follower, inbox: followers.inbox, sharedInbox: followers.sharedInbox })
        .from(followers)
        .leftJoin(users, eq(users.iri, followers.follower))
        .where(and(eq(followers.actor, identifier), or(isNull(users.status), ne(users.status, 'suspended'))));
      return { items: await allowedRecipients(db, rows.map(asRecipient)) };
    })
    .setCounter(async (ctx, identifier) => {
      const [row] = await ctx.data.database.db.select({ n: count() }).from(followers).where(eq(followers.actor, identifier));
      return row?.n ?? 0;
    });
}
