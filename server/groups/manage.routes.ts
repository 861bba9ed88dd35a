// Running a group: its listing, meetings and requests (facilitators and admins), and its
// facilitators (admins). Every handler asks access.ts with the viewer's own relation to the group.
import { paths } from '../paths.ts';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canManageGroup, isAdmin, requireAdmin, requireSignedIn } from '../access.ts';
import type { Config } from '../config.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { formView } from '../web/forms.ts';
import { idParam, textParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import type { FieldErrors } from '../validation.ts';
import type { Db } from '../db/client.ts';
import { weekdayNames } from './group-view.ts';
import { addChange, addFacilitator, findGroupBySlug, listChanges, listFacilitators, listTopics, publicForums, relationOf, removeChange, removeFacilitator, saveGroup, topicName, type Group } from './groups.service.ts';
import { audiences, frequencies, groupKinds, groupLanguages, groupStatuses } from './groups.tables.ts';
import { answer, memberList } from './membership.service.ts';
import { municipalityOptions, regionOptions } from './municipalities.ts';

/** The listing form's choices, shared by the admin's "new group" page and the edit page. */
export async function listingOptions(db: Db, req: Request, config: Config) {
  const [topics, forums] = await Promise.all([listTopics(db), publicForums(db)]);
  const regions = regionOptions(req.locale);
  const places = municipalityOptions(req.locale);
  return {
    kinds: groupKinds,
    statuses: groupStatuses,
    frequencies,
    audiences,
    languages: groupLanguages,
    topics: topics.map((topic) => ({ id: topic.id, name: topicName(topic, req.locale, config.defaultLocale) })),
    forums: forums.map((forum) => ({ value: forum.id, name: forum.name })),
    weekdays: weekdayNames(req.locale).map((name, i) => ({ value: String(i + 1), name })),
    monthWeeks: ['1', '2', '3', '4', '-1'],
    municipalityGroups: regions.map((region) => ({ ...region, municipalities: places.filter((m) => m.region === region.code) })),
  };
}

/** A group's stored listing as form values (numbers and lists as the form sends them). */
export function listingValues(group: Group): Record<string, unknown> {
  return {
    ...group,
    capacity: group.capacity ?? '',
    meetingCapacity: group.meetingCapacity ?? '',
    weekday: group.weekday ? String(group.weekday) : '',
    monthWeek: group.monthWeek ? String(group.monthWeek) : '',
    durationMinutes: String(group.durationMinutes),
    startsOn: group.startsOn ?? '',
    endsOn: group.endsOn ?? '',
    startTime: group.startTime ?? '',
    municipalityCode: group.municipalityCode ?? '',
    forumId: group.forumId ?? '',
  };
}

/** Lists from a re-shown form arrive as a string or an array; the template wants an array. */
export function asList(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}

export function formValues(body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, topicIds: asList(body.topicIds), audiences: asList(body.audiences), languages: asList(body.languages), inPerson: body.inPerson === 'on', remote: body.remote === 'on' };
}

export function manageRouter(context: AppContext): Router {
  const { config } = context;
  const db = context.database.db;
  const router = Router();

  /** The group, if the viewer runs it; a 404 for groups that do not exist, a 403 for someone else's. */
  const managed = async (req: Request): Promise<Group> => {
    const group = await findGroupBySlug(db, textParam(req, 'slug'));
    if (!group) throw new NotFoundError();
    if (!canManageGroup(req.user, await relationOf(db, group.id, req.user?.id))) throw new ForbiddenError();
    return group;
  };

  const editView = async (req: Request, group: Group, values: Record<string, unknown>, errors: FieldErrors = {}, facilitatorErrors: FieldErrors = {}) => ({
    title: 'groups.edit.title',
    group,
    options: await listingOptions(db, req, config),
    isAdmin: isAdmin(req.user),
    facilitators: await listFacilitators(db, group.id),
    facilitatorErrors,
    ...formView(req, values, errors),
  });

  router.use('/groups/:slug/edit', requireSignedIn);
  router.use('/groups/:slug/meetings', requireSignedIn);
  router.use('/groups/:slug/requests', requireSignedIn);

  // @route GET /groups/:slug/edit
  router.get('/groups/:slug/edit', async (req, res) => {
    const group = await managed(req);
    res.render('groups/edit', await editView(req, group, listingValues(group)));
  });

  // @route POST /groups/:slug/edit
  router.post('/groups/:slug/edit', async (req, res) => {
    const group = await managed(req);
    const result = await saveGroup(db, group.id, req.body);
    if (!result.ok) return res.status(422).render('groups/edit', await editView(req, group, formValues(req.body), result.errors));
    await saveAndRedirect(req, res, `${paths.group(result.group)}`, 'groups.notices.saved');
  });

  // @route POST /groups/:slug/facilitators — admins name a member as facilitator
  router.post('/groups/:slug/facilitators', requireAdmin, async (req, res) => {
    const group = await managed(req);
    const result = await addFacilitator(db, group.id, typeof req.body.username === 'string' ? req.body.username : '');
    if (!result.ok) return res.status(422).render('groups/edit', await editView(req, group, listingValues(group), {}, result.errors));
    await saveAndRedirect(req, res, `${paths.group(group)}/edit#facilitators`, 'groups.notices.facilitatorAdded');
  });

  // @route POST /groups/:slug/facilitators/:id/remove
  router.post('/groups/:slug/facilitators/:id/remove', requireAdmin, async (req, res) => {
    const group = await managed(req);
    await removeFacilitator(db, group.id, idParam(req));
    await saveAndRedirect(req, res, `${paths.group(group)}/edit#facilitators`, 'groups.notices.facilitatorRemoved');
  });

  const meetingsView = async (req: Request, group: Group, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'groups.meetings.title',
    group,
    changes: await listChanges(db, group.id),
    ...formView(req, { kind: 'cancelled', ...values }, errors),
  });

  // @route GET /groups/:slug/meetings — cancelled dates and one-off meetings
  router.get('/groups/:slug/meetings', async (req, res) => {
    res.render('groups/meetings', await meetingsView(req, await managed(req)));
  });

  // @route POST /groups/:slug/meetings
  router.post('/groups/:slug/meetings', async (req, res) => {
    const group = await managed(req);
    const result = await addChange(db, group.id, req.body, req.user!.id);
    if (!result.ok) return res.status(422).render('groups/meetings', await meetingsView(req, group, req.body, result.errors));
    await saveAndRedirect(req, res, `${paths.group(group)}/meetings`, 'groups.notices.meetingsSaved');
  });

  // @route POST /groups/:slug/meetings/:id/remove
  router.post('/groups/:slug/meetings/:id/remove', async (req, res) => {
    const group = await managed(req);
    await removeChange(db, group.id, idParam(req), req.user!.id);
    await saveAndRedirect(req, res, `${paths.group(group)}/meetings`, 'groups.notices.meetingsSaved');
  });

  const requestsView = async (req: Request, res: Response, group: Group, errors: FieldErrors = {}, status = 200) => {
    const people = await memberList(db, group.id);
    res.status(status).render('groups/requests', {
      title: 'groups.requests.title',
      group,
      pending: people.filter((p) => p.status === 'pending'),
      members: people.filter((p) => p.status === 'accepted'),
      ...formView(req, {}, errors),
    });
  };

  // @route GET /groups/:slug/requests — people in the group and requests waiting for an answer
  router.get('/groups/:slug/requests', async (req, res) => requestsView(req, res, await managed(req)));

  // @route POST /groups/:slug/requests/:id — accept or decline, with an optional reply
  router.post('/groups/:slug/requests/:id', async (req, res) => {
    const group = await managed(req);
    const accept = req.body.decision === 'accept';
    if (!accept && req.body.decision !== 'decline') return requestsView(req, res, group, { form: 'form.invalidField' }, 422);
    const outcome = await answer(db, req.user!, group, idParam(req), accept, req.body);
    if (!outcome.ok && outcome.kind === 'invalid') return requestsView(req, res, group, outcome.errors, 422);
    if (!outcome.ok) return requestsView(req, res, group, { form: `groups.refusals.${outcome.reason}` }, 409);
    await saveAndRedirect(req, res, `${paths.group(group)}/requests`, accept ? 'groups.notices.accepted' : 'groups.notices.declined');
  });

  return router;
}
