// The regional network: partner nodes, whose node actors follow each other, and the admin's
// federation policy (open with a blocklist, or only the partners). A node that asks to be a
// partner waits for the admin here; one the admin has added is accepted at once.
import { and, eq, like, ne, or } from 'drizzle-orm';
import type { Federation, InboxContext } from '@fedify/fedify';
import { Application, Follow, Reject, Service, Undo, type Accept, type Actor } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import { nodeSettings } from '../server/admin/settings.tables.ts';
import { forgetSettings } from '../server/admin/settings.service.ts';
import { textFromHtml } from '../server/markup/markup.ts';
import { invalid, type Invalid } from '../server/validation.ts';
import { federationModes, federationServers, followers, type FederationMode } from './federation.tables.ts';
import { activityId, kept } from './activities.ts';
import { acceptFollow } from './follows.ts';
import { nodeActor } from './node-actor.ts';
import { forgetPolicy, hostOf, policyOf } from './policy.ts';
import { forgetListings, syncPartner } from './directory.ts';

type Server = typeof federationServers.$inferSelect;

const isNode = (actor: unknown): actor is Application | Service => actor instanceof Application || actor instanceof Service;

/** The name another node gives itself (its association's), as plain text, or its host. */
const nameOf = (actor: Actor, host: string) => textFromHtml(actor.name?.toString() ?? '').slice(0, 200) || host;

/** Another node's own actor, from its site's address (FEP-d556 WebFinger), its actor's address, or its handle. */
async function findNode(federation: Federation<AppContext>, context: AppContext, text: string): Promise<Application | Service | undefined> {
  const ctx = federation.createContext(context.config.baseUrl, context);
  const documentLoader = await ctx.getDocumentLoader({ identifier: nodeActor });
  const typed = text.trim();
  const candidates: string[] = [];
  if (URL.canParse(typed)) {
    const site = new URL(typed);
    const found = await ctx.lookupWebFinger(site.origin + '/').catch(() => null);
    const self = found?.links?.find((link) => link.rel === 'self' && /activity\+json|ld\+json/.test(link.type ?? ''))?.href;
    if (self) candidates.push(self);
    candidates.push(typed);
  } else {
    const host = hostOf(typed);
    if (host) candidates.push(typed.includes('@') ? typed : `https://${host}/`);
  }
  for (const candidate of candidates) {
    const actor = await ctx.lookupObject(candidate, { documentLoader }).catch(() => null);
    if (isNode(actor) && actor.id && actor.inboxId) return actor;
  }
  return undefined;
}

async function serverRow(context: AppContext, host: string): Promise<Server | undefined> {
  const [row] = await context.database.db.select().from(federationServers).where(eq(federationServers.host, host));
  return row;
}

async function saveServer(context: AppContext, host: string, values: Partial<Omit<Server, 'host'>>): Promise<void> {
  const set = { ...values, updatedAt: new Date() };
  await context.database.db.insert(federationServers).values({ host, ...set }).onConflictDoUpdate({ target: federationServers.host, set });
  forgetPolicy();
}

/** The node follows another node's actor (the first half of a partnership). */
async function followNode(federation: Federation<AppContext>, context: AppContext, actor: Actor): Promise<string> {
  const ctx = federation.createContext(context.config.baseUrl, context);
  const follow = new Follow({ id: activityId(context), actor: ctx.getActorUri(nodeActor), object: actor.id });
  await ctx.sendActivity({ identifier: nodeActor }, actor, await kept(ctx, follow));
  return follow.id!.href;
}

/**
 * The admin makes another node a partner: this node follows it, and a request it had sent is
 * accepted. Its admin does the same on their side (or has already), and the two exchange.
 */
export async function addPartner(federation: Federation<AppContext>, context: AppContext, text: string): Promise<{ ok: true; host: string } | Invalid> {
  const host = hostOf(text);
  if (!host) return invalid('address', 'errors.network.address');
  if (host === context.config.baseUrl.host) return invalid('address', 'errors.network.ownSite');
  const existing = await serverRow(context, host);
  if (existing?.blocked) return invalid('address', 'errors.network.blocked');
  const actor = await findNode(federation, context, text);
  if (!actor || actor.id!.host !== host) return invalid('address', 'errors.network.notFound');
  const name = nameOf(actor, host);
  // Partner first, so the policy lets the Follow out even in allowlist mode.
  await saveServer(context, host, { partner: true, actor: actor.id!.href, inbox: actor.inboxId!.href, name });
  const ourFollowId = existing?.ourFollow === 'accepted' ? existing.ourFollowId : await followNode(federation, context, actor);
  await saveServer(context, host, { ourFollowId, ourFollow: existing?.ourFollow === 'accepted' ? 'accepted' : 'pending' });
  if (existing?.theirFollow === 'pending' && existing.theirFollowId) {
    const ctx = federation.createContext(context.config.baseUrl, context);
    await acceptFollow(ctx, nodeActor, actor, new Follow({ id: new URL(existing.theirFollowId), actor: actor.id, object: ctx.getActorUri(nodeActor) }));
    await saveServer(context, host, { theirFollow: 'accepted' });
  }
  return { ok: true, host };
}

/** Ends a partnership (or turns down a node's request): no more following either way. */
export async function removePartner(federation: Federation<AppContext>, context: AppContext, host: string): Promise<void> {
  const row = await serverRow(context, host);
  if (!row) return;
  const ctx = federation.createContext(context.config.baseUrl, context);
  const recipient = row.actor && row.inbox ? { id: new URL(row.actor), inboxId: new URL(row.inbox) } : undefined;
  if (recipient && row.ourFollow !== 'none' && row.ourFollowId) {
    const follow = new Follow({ id: new URL(row.ourFollowId), actor: ctx.getActorUri(nodeActor), object: recipient.id });
    await ctx.sendActivity({ identifier: nodeActor }, recipient, await kept(ctx, new Undo({ id: activityId(context), actor: ctx.getActorUri(nodeActor), object: follow })));
  }
  if (recipient && row.theirFollow !== 'none' && row.theirFollowId) {
    const follow = new Follow({ id: new URL(row.theirFollowId), actor: recipient.id, object: ctx.getActorUri(nodeActor) });
    await ctx.sendActivity({ identifier: nodeActor }, recipient, await kept(ctx, new Reject({ id: activityId(context), actor: ctx.getActorUri(nodeActor), object: follow })));
  }
  if (row.actor) await context.database.db.delete(followers).where(and(eq(followers.actor, nodeActor), eq(followers.follower, row.actor)));
  await saveServer(context, host, { partner: false, ourFollow: 'none', theirFollow: 'none', theirFollowId: null, ourFollowId: null });
  await forgetListings(context, host);
}

/**
 * Another node follows ours: a partner is accepted at once; any other node's request waits for
 * the admin (the policy has already turned away a blocked server, or any non-partner in allowlist mode).
 */
export async function onNodeFollow(ctx: InboxContext<AppContext>, follow: Follow, follower: Actor): Promise<void> {
  const host = follower.id!.host;
  const context = ctx.data;
  const row = await serverRow(context, host);
  const seen = { actor: follower.id!.href, inbox: follower.inboxId!.href, name: nameOf(follower, host), theirFollowId: follow.id!.href };
  if (row?.partner) {
    await acceptFollow(ctx, nodeActor, follower, follow);
    await saveServer(context, host, { ...seen, theirFollow: 'accepted' });
    return;
  }
  await saveServer(context, host, { ...seen, theirFollow: 'pending' });
}

/** A node answered our Follow; true when the answer was about a partnership. */
export async function onNodeFollowAnswer(ctx: InboxContext<AppContext>, answer: Accept | Reject, accepted: boolean): Promise<boolean> {
  if (!answer.actorId) return false;
  const row = await serverRow(ctx.data, answer.actorId.host);
  if (!row || row.actor !== answer.actorId.href || row.ourFollow === 'none') return false;
  await saveServer(ctx.data, row.host, { ourFollow: accepted ? 'accepted' : 'none' });
  // Following a partner starts with reading its whole directory.
  if (accepted && row.partner) await syncPartner(ctx, row.host);
  return true;
}

/** A node took its Follow back. */
export async function onNodeUndoFollow(context: AppContext, follower: URL): Promise<void> {
  const row = await serverRow(context, follower.host);
  if (row?.actor === follower.href) await saveServer(context, row.host, { theirFollow: 'none', theirFollowId: null });
}

export async function setBlocked(context: AppContext, text: string, blocked: boolean): Promise<{ ok: true; host: string } | Invalid> {
  const host = hostOf(text);
  if (!host) return invalid('host', 'errors.network.address');
  if (host === context.config.baseUrl.host) return invalid('host', 'errors.network.ownSite');
  // A blocked server is no partner, and no longer a follower of anything here.
  await saveServer(context, host, blocked ? { blocked, partner: false } : { blocked });
  if (blocked) await forgetListings(context, host);
  if (blocked) await context.database.db.delete(followers).where(or(like(followers.follower, `http://${host}/%`), like(followers.follower, `https://${host}/%`)));
  return { ok: true, host };
}

export async function setMode(context: AppContext, mode: string): Promise<{ ok: true } | Invalid> {
  if (!(federationModes as readonly string[]).includes(mode)) return invalid('mode', 'errors.network.mode');
  await context.database.db.update(nodeSettings).set({ federationMode: mode as FederationMode }).where(eq(nodeSettings.id, 1));
  forgetSettings();
  forgetPolicy();
  return { ok: true };
}

/** What the admin's network page shows. */
export async function networkStatus(context: AppContext) {
  const policy = await policyOf(context.database.db);
  const servers = await context.database.db.select().from(federationServers).where(or(eq(federationServers.partner, true), eq(federationServers.blocked, true), ne(federationServers.theirFollow, 'none'))).orderBy(federationServers.host);
  return {
    mode: policy.mode,
    partners: servers
      .filter((s) => s.partner)
      // Both follow each other: exchanging. Only ours accepted: they have not added this node yet.
      .map((s) => ({ ...s, state: s.ourFollow === 'accepted' && s.theirFollow === 'accepted' ? 'both' : s.ourFollow === 'accepted' ? 'theyAccepted' : 'waiting' })),
    requests: servers.filter((s) => !s.partner && !s.blocked && s.theirFollow === 'pending'),
    blocked: servers.filter((s) => s.blocked),
  };
}
