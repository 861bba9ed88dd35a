import { and, eq } from 'drizzle-orm';
import { paths } from '../paths.ts';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canManageGroup, canMarkComing, canSeeComingCount, canSeeForum, canSeeMeetingPlace, canSeeWhoIsComing, isInGroup, isSignedIn, requireSignedIn } from '../access.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { formView } from '../web/forms.ts';
import { pageNumber, pager } from '../web/pagination.ts';
import { textParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import type { FieldErrors } from '../validation.ts';
import { calendarOf } from './calendar.ts';
import { directory, filterQuery, parseFilters } from './directory.queries.ts';
import { cardOf, pageOf, weekdayNames } from './group-view.ts';
import { findGroupBySlug, findNetworkGroup, publicForums, listChanges, listFacilitators, listTopics, relationOf, spaceOf, topicName, type Group } from './groups.service.ts';
import { audiences, groupKinds, groupLanguages, groupMembers } from './groups.tables.ts';
import { ask, isFull, join, leave, takesNewPeople, type JoinRefusal } from './membership.service.ts';
import { findMunicipality, municipalityOptions, placeName, regionOptions } from './municipalities.ts';
import { upcomingMeetings } from './schedule.ts';
import { partnerNames } from './network.queries.ts';
import { attendanceOf, cancelComing, markComing } from './attendance.service.ts';

/** How far ahead a calendar feed reaches. */
const feedHorizonDays = 180;

export function groupsRouter(context: AppContext): Router {
  const { config } = context;
  const db = context.database.db;
  const router = Router();

  /** A partner's listing is shown while its node has confirmed it recently enough. */
  const confirmedSince = () => new Date(Date.now() - config.networkListingMaxAgeSeconds * 1000);
  /** Where a partner's group comes from, and (when its node has not answered for a while) since when it is unconfirmed. */
  const elsewhere = (group: Group, partners: Map<string, string>) =>
    group.origin
      ? {
          name: partners.get(group.origin) || group.origin,
          host: group.origin,
          url: group.url,
          confirmedAt: group.confirmedAt,
          stale: !group.confirmedAt || group.confirmedAt.getTime() < Date.now() - 2 * config.networkSyncSeconds * 1000,
        }
      : undefined;

  const findGroup = async (req: Request): Promise<Group> => {
    const group = await findGroupBySlug(db, textParam(req, 'slug'));
    if (!group) throw new NotFoundError();
    return group;
  };

  // @route GET /groups — the directory; the filters are a GET form kept in the address
  router.get('/groups', async (req, res) => {
    const filters = parseFilters(req.query);
    const page = pageNumber(req);
    const [result, topics, partners] = await Promise.all([directory(db, filters, page, confirmedSince()), listTopics(db), partnerNames(db)]);
    const query = filterQuery(filters);
    const regions = regionOptions(req.locale);
    const places = municipalityOptions(req.locale);
    res.render('groups/directory', {
      title: 'groups.title',
      filters,
      filtered: query !== '',
      // The filters beyond the free text, for "Filters (2 on)" where they fold away on a small screen.
      filtersOn: Object.entries(filters).filter(([key, value]) => key !== 'q' && value !== undefined && value !== '').length,
      groups: result.entries.map((entry) => ({
        ...cardOf(entry.group, topics, req.locale, config.defaultLocale),
        next: entry.next,
        nextIso: entry.next?.start.toISOString(),
        full: entry.full,
        elsewhere: elsewhere(entry.group, partners),
      })),
      total: result.total,
      pager: pager(`/groups${query ? `?${query}` : ''}`, page, result.pages),
      options: {
        regions,
        municipalityGroups: regions.map((region) => ({ ...region, municipalities: places.filter((m) => m.region === region.code) })),
        kinds: groupKinds,
        topics: topics.map((topic) => ({ id: topic.id, name: topicName(topic, req.locale, config.defaultLocale) })),
        languages: groupLanguages,
        audiences,
        weekdays: weekdayNames(req.locale).map((name, i) => ({ value: i + 1, name })),
      },
    });
  });

  const groupPage = async (req: Request, res: Response, group: Group, extra: { askErrors?: FieldErrors; askValues?: Record<string, unknown>; refusal?: JoinRefusal } = {}) => {
    const viewer = req.user;
    const relation = await relationOf(db, group.id, viewer?.id);
    const showPlace = canSeeMeetingPlace(viewer, group, relation);
    const [topics, changes, facilitators, space, full, forums] = await Promise.all([
      listTopics(db),
      listChanges(db, group.id),
      isSignedIn(viewer) ? listFacilitators(db, group.id) : Promise.resolve([]),
      group.joinPolicy === 'closed' ? spaceOf(db, group.id) : Promise.resolve(undefined),
      isFull(db, group),
      group.forumId ? publicForums(db, group.forumId) : Promise.resolve([]),
    ]);
    const now = new Date();
    const meetings = upcomingMeetings(group, changes, now, { limit: 5 });
    const inGroup = isInGroup(relation);
    const municipality = findMunicipality(group.municipalityCode);
    const showComing = canSeeComingCount(viewer, group, relation);
    const canMark = canMarkComing(viewer, group, relation);
    const withNames = canSeeWhoIsComing(viewer, relation);
    const attendance = showComing || canMark ? await attendanceOf(db, group.id, meetings.map((m) => m.on), viewer?.id, withNames) : new Map();
    const page = pageOf(group, topics, meetings, req.locale, config.defaultLocale, showPlace);
    res.status(extra.askErrors ? 422 : extra.refusal ? 409 : 200).render('groups/group', {
      titleText: group.name,
      group: {
        ...page,
        municipality: municipality ? placeName(municipality, req.locale) : '',
        meetings: page.meetings.map((meeting) => {
          const marks = attendance.get(meeting.on);
          return { ...meeting, attendance: marks, upcoming: meeting.start > now, full: group.meetingCapacity !== null && (marks?.coming ?? 0) >= group.meetingCapacity };
        }),
      },
      showComing,
      canMark,
      withNames,
      meetingCapacity: group.meetingCapacity,
      relation,
      inGroup,
      pending: relation?.status === 'pending',
      declined: relation?.status === 'declined',
      isFacilitator: relation?.role === 'facilitator',
      canManage: canManageGroup(viewer, relation),
      facilitators,
      spaceSlug: space && canSeeForum(viewer, { visibility: 'group', inGroup }) ? space.slug : null,
      forum: forums[0],
      privateFeed: inGroup && relation && group.joinPolicy === 'closed' ? `${paths.group(group)}/calendar/${relation.feedToken}.ics` : null,
      takesNewPeople: takesNewPeople(group),
      full,
      refusal: extra.refusal,
      ...(isSignedIn(viewer) ? formView(req, extra.askValues ?? {}, extra.askErrors ?? {}) : {}),
    });
  };

  // @route GET /groups/:slug — one of ours, or a partner association's (its listing, its meetings, how to join there)
  router.get('/groups/:slug', async (req, res) => {
    const own = await findGroupBySlug(db, textParam(req, 'slug'));
    if (own) return groupPage(req, res, own);
    const group = await findNetworkGroup(db, textParam(req, 'slug'));
    if (!group || group.status === 'ended' || !group.confirmedAt || group.confirmedAt < confirmedSince()) throw new NotFoundError();
    const [topics, changes, partners] = await Promise.all([listTopics(db), listChanges(db, group.id), partnerNames(db)]);
    const meetings = upcomingMeetings(group, changes, new Date(), { limit: 5 });
    const municipality = findMunicipality(group.municipalityCode);
    res.render('groups/network-group', {
      titleText: group.name,
      group: { ...pageOf(group, topics, meetings, req.locale, config.defaultLocale, canSeeMeetingPlace(req.user, group, undefined)), municipality: municipality ? placeName(municipality, req.locale) : '' },
      elsewhere: elsewhere(group, partners),
      // Its public forum can be followed from here, as any group elsewhere.
      forumIri: group.forumIri,
      signedIn: isSignedIn(req.user),
      ...(isSignedIn(req.user) ? formView(req) : {}),
    });
  });

  // @route POST /groups/:slug/meetings/:on/coming — "I'm coming" (coming=yes), or taking it back (coming=no)
  router.post('/groups/:slug/meetings/:on/coming', requireSignedIn, async (req, res) => {
    const group = await findGroup(req);
    const on = textParam(req, 'on');
    if (!canMarkComing(req.user, group, await relationOf(db, group.id, req.user!.id)) || !/^\d{4}-\d{2}-\d{2}$/.test(on)) throw new NotFoundError();
    // The front page's buttons come back to it.
    const back = req.body.back === 'home' ? '/' : `${paths.group(group)}#meeting-${on}`;
    if (req.body.coming === 'no') {
      await cancelComing(db, req.user!, group, on);
      return saveAndRedirect(req, res, back, 'groups.coming.notices.cancelled');
    }
    if (req.body.coming !== 'yes') throw new BadRequestError();
    const outcome = await markComing(db, req.user!, group, on);
    await saveAndRedirect(req, res, back, outcome.ok ? `groups.coming.notices.${outcome.status}` : 'groups.coming.notices.noMeeting');
  });

  // @route GET /groups/:slug/calendar.ics — the public feed: a closed group's place is left out
  router.get('/groups/:slug/calendar.ics', async (req, res) => {
    const group = await findGroup(req);
    await sendCalendar(res, group, canSeeMeetingPlace(undefined, group, undefined));
  });

  // @route GET /groups/:slug/calendar/:token.ics — a participant's own feed, with the place
  router.get('/groups/:slug/calendar/:token.ics', async (req, res) => {
    const group = await findGroup(req);
    const row = await db.query.groupMembers.findFirst({
      where: and(eq(groupMembers.groupId, group.id), eq(groupMembers.feedToken, textParam(req, 'token')), eq(groupMembers.status, 'accepted')),
    });
    const owner = row && (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, row.userId) }));
    if (!row || owner?.status !== 'active') throw new NotFoundError();
    await sendCalendar(res, group, true);
  });

  async function sendCalendar(res: Response, group: Group, withPlace: boolean) {
    const now = new Date();
    const meetings = upcomingMeetings(group, await listChanges(db, group.id), now, { limit: 100, until: new Date(now.getTime() + feedHorizonDays * 86_400_000) });
    const municipality = findMunicipality(group.municipalityCode);
    const body = calendarOf(group, meetings, {
      baseUrl: config.baseUrl,
      nodeName: res.locals.node.name,
      place: withPlace ? { address: group.inPerson ? group.address : '', municipality: municipality && group.inPerson ? municipality.fi : '', videoUrl: group.remote ? group.videoUrl : '' } : null,
    });
    res.set('Cache-Control', 'private, no-store').type('text/calendar; charset=utf-8').send(body);
  }

  // @route GET /groups/:slug/space — the closed group's discussion space, for its people
  router.get('/groups/:slug/space', requireSignedIn, async (req, res) => {
    const group = await findGroup(req);
    const [relation, space] = await Promise.all([relationOf(db, group.id, req.user!.id), spaceOf(db, group.id)]);
    if (!space || !canSeeForum(req.user, { visibility: 'group', inGroup: isInGroup(relation) })) throw new NotFoundError();
    res.redirect(303, paths.forum(space));
  });

  // @route POST /groups/:slug/join — an open group, one button
  router.post('/groups/:slug/join', requireSignedIn, async (req, res) => {
    const group = await findGroup(req);
    const outcome = await join(db, req.user!, group);
    if (!outcome.ok) return groupPage(req, res, group, { refusal: outcome.reason });
    await saveAndRedirect(req, res, `${paths.group(group)}`, 'groups.notices.joined');
  });

  // @route POST /groups/:slug/ask — a closed group: a request with an optional message
  router.post('/groups/:slug/ask', requireSignedIn, async (req, res) => {
    const group = await findGroup(req);
    const outcome = await ask(db, req.user!, group, req.body);
    if (!outcome.ok && outcome.kind === 'invalid') return groupPage(req, res, group, { askErrors: outcome.errors, askValues: req.body });
    if (!outcome.ok) return groupPage(req, res, group, { refusal: outcome.reason, askValues: req.body });
    await saveAndRedirect(req, res, `${paths.group(group)}`, 'groups.notices.asked');
  });

  // @route GET /groups/:slug/leave — an honest confirmation page (no modal, no JavaScript)
  router.get('/groups/:slug/leave', requireSignedIn, async (req, res) => {
    const group = await findGroup(req);
    const relation = await relationOf(db, group.id, req.user!.id);
    if (!relation || relation.status === 'declined' || relation.role === 'facilitator') return res.redirect(303, `${paths.group(group)}`);
    res.render('groups/leave', { titleText: group.name, group, pending: relation.status === 'pending', open: group.joinPolicy === 'open', ...formView(req) });
  });

  // @route POST /groups/:slug/leave — leave the group, or take back a request
  router.post('/groups/:slug/leave', requireSignedIn, async (req, res) => {
    const group = await findGroup(req);
    const outcome = await leave(db, req.user!, group);
    await saveAndRedirect(req, res, `${paths.group(group)}`, outcome.ok ? 'groups.notices.left' : undefined);
  });

  return router;
}
