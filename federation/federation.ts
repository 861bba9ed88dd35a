// The node's ActivityPub side, built on Fedify: who the actors are, their keys, WebFinger and
// NodeInfo. What is public is asked of server/access.ts; members-only forums and closed groups'
// spaces have no actor, no id and no WebFinger entry at all.
import { createExponentialBackoffPolicy, createFederation, type Federation } from '@fedify/fedify';
import { Application, Endpoints, Group, Person } from '@fedify/vocab';
import { and, count, eq, sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import type { AppContext } from '../server/context.ts';
import { isUuid } from '../server/validation.ts';
import { publicPost } from '../server/access.sql.ts';
import { users } from '../server/accounts/accounts.tables.ts';
import { getSettings } from '../server/admin/settings.service.ts';
import { forums, posts, threads } from '../server/forums/forums.tables.ts';
import { absolute, paths } from '../server/paths.ts';
import { escapeHtml } from '../server/markup/markup.ts';
import { DatabaseKvStore } from './kv-store.ts';
import { keyPairsOf } from './keys.ts';
import { DatabaseMessageQueue } from './message-queue.ts';
import { handleFollows } from './follows.ts';
import { listenToInbox } from './inbox.ts';
import { dispatchConversations, dispatchFeatured, dispatchOutbox, dispatchPosts } from './posts.ts';
import { subscribeOutbox } from './outbox.ts';
import { dropGone, recordFailure } from './peers.ts';
import { nodeActor } from './node-actor.ts';
import { publicForum } from './public-forum.ts';
import { directoryPath } from './directory.ts';
import './litepub.ts';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A member is an actor (by their id) only once they have written something public, and only
 * while their account is active: nothing else of them exists on the network.
 */
async function publicAuthor(context: AppContext, identifier: string) {
  if (!isUuid(identifier)) return undefined;
  const db = context.database.db;
  const [row] = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.id, identifier), eq(users.status, 'active'), sql`exists (select 1 from ${posts} inner join ${threads} on ${threads.id} = ${posts.threadId} inner join ${forums} on ${forums.id} = ${threads.forumId} where ${posts.authorId} = ${users.id} and ${publicPost})`));
  return row;
}

export function buildFederation(context: AppContext): Federation<AppContext> {
  const federation = createFederation<AppContext>({
    kv: new DatabaseKvStore(context.database.background),
    queue: new DatabaseMessageQueue(context.database.background, { releaseHeld: !context.worker }),
    origin: context.config.baseUrl.origin,
    // Only tests talk to servers on loopback addresses.
    allowPrivateAddress: context.config.federationAllowPrivateAddress,
    // The queue is started by the node itself, and stopped with it.
    manuallyStartQueue: true,
    userAgent: { software: `Kohtaamo/${version}`, url: context.config.baseUrl },
    // Mastodon's horizon rather than Fedify's default of about a day: a server that is down for a
    // weekend still gets everything (5 s doubling up to 6 h between tries, 24 tries: about 3½ days).
    outboxRetryPolicy: createExponentialBackoffPolicy({ initialDelay: { seconds: 5 }, maxDelay: { hours: 6 }, maxAttempts: 24 }),
    onOutboxError: (error) => recordFailure(context, error),
    // Each delivery keeps its own backoff above: a server that is down gets fewer and fewer tries and
    // everything once it answers again. (Fedify's circuit breaker, which holds a failing server's
    // deliveries together, did not let them go again after a restart in our tests.)
    circuitBreaker: false,
  });
  // An inbox that answers 404 or 410 is gone: its followers are dropped, and it is not tried again.
  federation.setOutboxPermanentFailureHandler((ctx, { inbox }) => dropGone(ctx.data, inbox));

  federation
    .setActorDispatcher('/ap/actors/{identifier}', async (ctx, identifier) => {
      // Keys are looked up only once it is known the address is an actor at all.
      const common = async () => {
        const keys = await ctx.getActorKeyPairs(identifier);
        return {
          id: ctx.getActorUri(identifier),
          inbox: ctx.getInboxUri(identifier),
          endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
          followers: ctx.getFollowersUri(identifier),
          publicKey: keys[0]?.cryptographicKey,
          assertionMethods: keys.map((key) => key.multikey),
          manuallyApprovesFollowers: false,
        };
      };
      if (identifier === nodeActor) {
        const settings = await getSettings(ctx.data.database.db);
        return new Application({
          ...(await common()),
          preferredUsername: context.config.baseUrl.hostname,
          name: settings?.name ?? context.config.baseUrl.hostname,
          url: context.config.baseUrl,
          // The node's group listings, for partner nodes (federation/directory.ts).
          streams: [new URL(directoryPath, context.config.baseUrl)],
        });
      }
      const author = await publicAuthor(ctx.data, identifier);
      if (author) {
        // The name shown beside their public posts, and nothing more: a profile is for members.
        return new Person({ ...(await common()), preferredUsername: author.username, name: author.displayName, url: new URL(absolute(context.config.baseUrl, paths.member(author))) });
      }
      const forum = await publicForum(ctx.data, identifier);
      if (!forum) return null;
      return new Group({
        ...(await common()),
        preferredUsername: forum.slug,
        name: forum.name,
        summary: forum.description ? `<p>${escapeHtml(forum.description)}</p>` : null,
        url: new URL(absolute(context.config.baseUrl, paths.forum(forum))),
        featured: ctx.getFeaturedUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
      });
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      if (identifier !== nodeActor && !(await publicForum(ctx.data, identifier)) && !(await publicAuthor(ctx.data, identifier))) return [];
      return keyPairsOf(ctx.data.database.db, identifier);
    })
    // FEP-d556: the node's actor is found by WebFinger on the site's own address.
    .mapAlias((ctx, resource) => (resource.href === `${ctx.origin}/` ? { identifier: nodeActor } : null))
    .mapHandle(async (ctx, handle) => {
      if (handle === context.config.baseUrl.hostname) return nodeActor;
      const forum = await publicForum(ctx.data, handle);
      if (forum) return forum.slug;
      const [member] = await ctx.data.database.db.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${handle})`);
      return member && (await publicAuthor(ctx.data, member.id)) ? member.id : null;
    });

  dispatchPosts(federation);
  dispatchFeatured(federation);
  dispatchOutbox(federation);
  dispatchConversations(federation);
  subscribeOutbox();

  const followable = async (data: AppContext, identifier: string) => identifier === nodeActor || (await publicForum(data, identifier)) !== undefined;
  handleFollows(federation, followable);
  listenToInbox(federation, followable);

  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async (ctx) => {
    const settings = await getSettings(ctx.data.database.db);
    const [people] = await ctx.data.database.db.select({ n: count() }).from(users).where(eq(users.status, 'active'));
    // Only what is public is counted: members-only activity is nobody else's business.
    const [publicPosts] = await ctx.data.database.db
      .select({ n: count() })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .where(and(publicPost, sql`${posts.iri} is null`));
    return {
      software: { name: 'kohtaamo', version },
      protocols: ['activitypub'],
      openRegistrations: settings?.registrationPolicy === 'open',
      usage: { users: { total: people?.n ?? 0 }, localPosts: publicPosts?.n ?? 0, localComments: 0 },
      metadata: { nodeName: settings?.name ?? '' },
    };
  });

  return federation;
}
