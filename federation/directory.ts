// The regional network's shared group directory. This node publishes each of its group listings
// (what a visitor may see of it, so a closed group's place and video link never leave) as a
// Group document with our own JSON-LD term, and all of them as one collection; partner nodes are
// told of additions, changes and endings. The partners' listings are kept here in the groups table
// with their origin, checked with the same rules as a listing typed here, so the directory's
// filters, schedules and pages treat them like ours.
import { and, eq, inArray, isNull, ne, notInArray } from 'drizzle-orm';
import { Router } from 'express';
import type { Context, Federation } from '@fedify/fedify';
import { Add, Remove, Update } from '@fedify/vocab';
import type { AppContext } from '../server/context.ts';
import type { EventOf } from '../server/events.ts';
import { isUuid, parseForm } from '../server/validation.ts';
import { textFromHtml } from '../server/markup/markup.ts';
import { absolute, paths } from '../server/paths.ts';
import { canSeeMeetingPlace } from '../server/access.ts';
import { groupTopics, groups, meetingChanges } from '../server/groups/groups.tables.ts';
import { listChanges, publicForums, refreshMeetings, type Group } from '../server/groups/groups.service.ts';
import { changeForm, listingForm } from '../server/groups/listing.ts';
import { ruleOf, upcomingMeetings } from '../server/groups/schedule.ts';
import { federationServers } from './federation.tables.ts';
import { repeat } from '../server/repeat.ts';
import { activityId, kept } from './activities.ts';
import { nodeActor } from './node-actor.ts';
import { asJson, type Json } from './json.ts';

export const directoryPath = '/ap/directory';
const listingPath = '/ap/groups/';
const jsonLdContext = ['https://www.w3.org/ns/activitystreams', { kohtaamo: 'https://kohtaamo.fi/ns#', listing: { '@id': 'kohtaamo:listing', '@type': '@json' } }];
const maxListings = 500;
const maxChanges = 50;


/** One of our own groups' listing, as partners read it. */
async function listingDocument(context: AppContext, group: Group): Promise<Json> {
  const db = context.database.db;
  const base = context.config.baseUrl;
  const topics = group.topicIds.length ? await db.select({ slug: groupTopics.slug }).from(groupTopics).where(inArray(groupTopics.id, group.topicIds)) : [];
  const today = new Date().toISOString().slice(0, 10);
  const changes = (await listChanges(db, group.id)).filter((change) => change.on >= today).slice(0, maxChanges);
  // What a visitor of the group's page sees, no more.
  const place = canSeeMeetingPlace(undefined, group, undefined);
  const meetings = upcomingMeetings(group, changes, new Date(), { limit: 5 });
  // The group's public forum, as the Group actor partners' members can follow.
  const [forum] = group.forumId ? await publicForums(db, group.forumId) : [];
  return {
    '@context': jsonLdContext,
    id: new URL(`${listingPath}${group.id}`, base).href,
    type: 'Group',
    name: group.name,
    summary: group.summary,
    url: absolute(base, paths.group(group)),
    attributedTo: new URL(`/ap/actors/${nodeActor}`, base).href,
    updated: group.updatedAt.toISOString(),
    listing: {
      slug: group.slug,
      name: group.name,
      summary: group.summary,
      description: group.description,
      kind: group.kind,
      topics: topics.map((topic) => topic.slug),
      audiences: group.audiences,
      joinPolicy: group.joinPolicy,
      howToJoin: group.howToJoin,
      languages: group.languages,
      cost: group.cost,
      capacity: group.capacity,
      status: group.status,
      accessibility: group.accessibility,
      contact: group.contact,
      inPerson: group.inPerson,
      municipalityCode: group.municipalityCode,
      address: place ? group.address : '',
      remote: group.remote,
      videoUrl: place ? group.videoUrl : '',
      frequency: group.frequency,
      weekday: group.weekday,
      monthWeek: group.monthWeek,
      startTime: group.startTime,
      durationMinutes: group.durationMinutes,
      startsOn: group.startsOn,
      endsOn: group.endsOn,
      timezone: group.timezone,
      // The same schedule as iCalendar text, for software that reads no fields of ours.
      rrule: ruleOf(group)?.toString() ?? null,
      changes: changes.map(({ kind, on, startTime, durationMinutes, note }) => ({ kind, on, startTime, durationMinutes, note })),
      nextMeetings: meetings.map((meeting) => ({ start: meeting.start.toISOString(), end: meeting.end.toISOString() })),
      forum: forum ? new URL(`/ap/actors/${forum.slug}`, base).href : null,
    },
  };
}

/** Our own groups that are listed (an ended group is not). */
const ownListings = (context: AppContext, id?: string) =>
  context.database.db
    .select()
    .from(groups)
    .where(and(isNull(groups.origin), ne(groups.status, 'ended'), id ? eq(groups.id, id) : undefined));

export function directoryRouter(context: AppContext): Router {
  const router = Router();
  const json = (res: import('express').Response, body: unknown) => res.type('application/activity+json').send(JSON.stringify(body));
  // @route GET /ap/directory — this node's group listings, for partner nodes
  router.get(directoryPath, async (_req, res) => {
    const listings = await ownListings(context).limit(maxListings);
    const orderedItems: Json[] = [];
    for (const group of listings) orderedItems.push(await listingDocument(context, group));
    json(res, { '@context': jsonLdContext, id: new URL(directoryPath, context.config.baseUrl).href, type: 'OrderedCollection', totalItems: listings.length, orderedItems });
  });
  // @route GET /ap/groups/:id — one group listing, for partner nodes
  router.get(`${listingPath}:id`, async (req, res, next) => {
    const [group] = isUuid(req.params.id) ? await ownListings(context, req.params.id) : [];
    if (!group) return next();
    json(res, await listingDocument(context, group));
  });
  return router;
}

// Sending: the node tells its partners (its followers) of each listing added, changed or ended.

export type ListingEvent = EventOf<'group.created' | 'group.changed' | 'group.paused' | 'group.ended'>;

export const listingEvents: ListingEvent['type'][] = ['group.created', 'group.changed', 'group.paused', 'group.ended'];
export const isListingEvent = (event: { type: string }): event is ListingEvent => (listingEvents as string[]).includes(event.type);

export async function deliverListing(ctx: Context<AppContext>, event: ListingEvent): Promise<void> {
  const listing = new URL(`${listingPath}${event.groupId}`, ctx.data.config.baseUrl);
  const values = { id: activityId(ctx.data), actor: ctx.getActorUri(nodeActor), object: listing };
  const target = new URL(directoryPath, ctx.data.config.baseUrl);
  const activity = event.type === 'group.created' ? new Add({ ...values, target }) : event.type === 'group.ended' ? new Remove({ ...values, target }) : new Update(values);
  await ctx.sendActivity({ identifier: nodeActor }, 'followers', await kept(ctx, activity), { preferSharedInbox: true, orderingKey: listing.href });
}

// Receiving: a partner's listings, read from its own server (never from what an activity carries).

async function partnerOf(context: AppContext, actor: URL | null) {
  if (!actor) return undefined;
  const [row] = await context.database.db.select().from(federationServers).where(eq(federationServers.host, actor.host));
  return row?.partner && !row.blocked && row.actor === actor.href ? row : undefined;
}

const plain = (value: unknown) => (typeof value === 'string' ? textFromHtml(value) : value);

/**
 * A partner's listing, checked as a listing typed here would be (lengths, dates, times, places,
 * kinds), its plain texts stripped of any markup; false when it does not pass.
 */
async function keepListing(context: AppContext, host: string, document: unknown): Promise<boolean> {
  const doc = asJson(document);
  const listing = asJson(doc?.listing);
  const id = typeof doc?.id === 'string' && URL.canParse(doc.id) ? new URL(doc.id) : undefined;
  if (!doc || !listing || !id || id.host !== host) return false;
  const form = { ...listing, topicIds: [], forumId: null, name: plain(listing.name), summary: plain(listing.summary), contact: plain(listing.contact), accessibility: plain(listing.accessibility), cost: plain(listing.cost), address: plain(listing.address) };
  const parsed = parseForm(listingForm, form);
  if (!parsed.ok) {
    context.log(`federation: a listing from ${host} refused: ${Object.values(parsed.errors).join(', ')}`);
    return false;
  }
  const db = context.database.db;
  const topicSlugs = Array.isArray(listing.topics) ? listing.topics.filter((t): t is string => typeof t === 'string').slice(0, 20) : [];
  const topics = topicSlugs.length ? await db.select({ id: groupTopics.id }).from(groupTopics).where(inArray(groupTopics.slug, topicSlugs)) : [];
  const timezone = typeof listing.timezone === 'string' && Intl.supportedValuesOf('timeZone').includes(listing.timezone) ? listing.timezone : 'Europe/Helsinki';
  const onItsNode = (value: unknown) => (typeof value === 'string' && URL.canParse(value) && new URL(value).host === host ? value : null);
  const url = onItsNode(doc.url);
  const values = { ...parsed.value, forumIri: onItsNode(listing.forum), topicIds: topics.map((t) => t.id), timezone, slug: `${parsed.value.slug}@${host}`, origin: host, iri: id.href, url, confirmedAt: new Date(), updatedAt: new Date() };
  const changes = (Array.isArray(listing.changes) ? listing.changes : []).slice(0, maxChanges).flatMap((change) => {
    const checked = parseForm(changeForm, change);
    return checked.ok ? [checked.value] : [];
  });
  await db.transaction(async (tx) => {
    const [row] = await tx.insert(groups).values(values).onConflictDoUpdate({ target: groups.iri, set: values }).returning({ id: groups.id });
    await tx.delete(meetingChanges).where(eq(meetingChanges.groupId, row!.id));
    if (changes.length) await tx.insert(meetingChanges).values(changes.map((change) => ({ ...change, groupId: row!.id, startTime: change.kind === 'extra' ? change.startTime : null, durationMinutes: change.kind === 'extra' ? change.durationMinutes : null })));
    await refreshMeetings(tx, row!.id);
  });
  return true;
}

/** A partner's listing added or changed: read again from its node, signed by ours. */
export async function onListingChanged(ctx: Context<AppContext>, actor: URL | null, listing: URL | null): Promise<boolean> {
  const partner = await partnerOf(ctx.data, actor);
  if (!partner || !listing || listing.host !== partner.host) return false;
  const loader = await ctx.getDocumentLoader({ identifier: nodeActor });
  const { document } = await loader(listing.href);
  await keepListing(ctx.data, partner.host, document);
  return true;
}

/** A partner's listing ended. */
export async function onListingRemoved(context: AppContext, actor: URL | null, listing: URL | null): Promise<boolean> {
  const partner = await partnerOf(context, actor);
  if (!partner || !listing || listing.host !== partner.host) return false;
  await context.database.db.delete(groups).where(and(eq(groups.origin, partner.host), eq(groups.iri, listing.href)));
  return true;
}

/**
 * Reads a partner's whole directory again: its listings are kept (and confirmed now), those it no
 * longer lists are dropped. A partner that does not answer keeps its last known listings.
 */
export async function syncPartner(ctx: Context<AppContext>, host: string): Promise<boolean> {
  const context = ctx.data;
  const [partner] = await context.database.db.select().from(federationServers).where(eq(federationServers.host, host));
  if (!partner?.partner || partner.blocked || !partner.actor) return false;
  const loader = await ctx.getDocumentLoader({ identifier: nodeActor });
  try {
    const { document } = await loader(new URL(directoryPath, partner.actor).href);
    const items = asJson(document)?.orderedItems;
    if (!Array.isArray(items)) return false;
    const kept: string[] = [];
    for (const item of items.slice(0, maxListings)) {
      if (await keepListing(context, host, item)) kept.push(String(asJson(item)!.id));
    }
    const gone = and(eq(groups.origin, host), kept.length ? notInArray(groups.iri, kept) : undefined);
    await context.database.db.delete(groups).where(gone);
    return true;
  } catch (error) {
    context.log(`federation: could not read the directory of ${host}: ${String(error)}`);
    return false;
  }
}

/** A partnership ended: its listings leave the directory. */
export async function forgetListings(context: AppContext, host: string): Promise<void> {
  await context.database.db.delete(groups).where(eq(groups.origin, host));
}

/** Every partner's directory is read again now and then; the time a listing was last confirmed shows its age. */
export function startDirectorySync(federation: Federation<AppContext>, context: AppContext, signal: AbortSignal): void {
  const sync = async () => {
    const partners = await context.database.db.select({ host: federationServers.host }).from(federationServers).where(and(eq(federationServers.partner, true), eq(federationServers.ourFollow, 'accepted')));
    const ctx = federation.createContext(context.config.baseUrl, context);
    for (const { host } of partners) if (!signal.aborted) await syncPartner(ctx, host);
  };
  repeat({ what: "federation: reading the partners' directories", everyMs: context.config.networkSyncSeconds * 1000 }, sync, context.log, signal);
}
