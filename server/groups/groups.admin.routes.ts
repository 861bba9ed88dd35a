// The admin's pages for groups: every group, a new group, and the node's list of topics.
import { paths } from '../paths.ts';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../access.ts';
import { formView } from '../web/forms.ts';
import { idParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import type { FieldErrors } from '../validation.ts';
import { ownGroups, saveGroup, listTopics, topicName } from './groups.service.ts';
import { addTopic, removeTopic } from './topics.service.ts';
import { formValues, listingOptions } from './manage.routes.ts';

export function groupsAdminRouter(context: AppContext): Router {
  const { config } = context;
  const db = context.database.db;
  const router = Router();
  router.use(requireAdmin);

  const listView = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'admin.groups.title',
    // This node's own groups; partners' are managed on their own nodes.
    groups: await ownGroups(db),
    topics: (await listTopics(db)).map((topic) => ({ id: topic.id, slug: topic.slug, name: topicName(topic, req.locale, config.defaultLocale) })),
    ...formView(req, values, errors),
  });

  // @route GET /admin/groups
  router.get('/', async (req, res) => res.render('admin/groups', await listView(req)));

  const newView = async (req: Request, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
    title: 'admin.groups.new',
    options: await listingOptions(db, req, config),
    ...formView(req, values, errors),
  });

  // @route GET /admin/groups/new
  router.get('/new', async (req, res) => {
    res.render('groups/new', await newView(req, { kind: 'peer_support', joinPolicy: 'open', status: 'active', frequency: 'weekly', durationMinutes: '90', inPerson: true, languages: [config.defaultLocale] }));
  });

  // @route POST /admin/groups
  router.post('/', async (req, res) => {
    const result = await saveGroup(db, null, req.body);
    if (!result.ok) return res.status(422).render('groups/new', await newView(req, formValues(req.body), result.errors));
    await saveAndRedirect(req, res, `${paths.group(result.group)}/edit#facilitators`, 'groups.notices.created');
  });

  // @route POST /admin/groups/topics
  router.post('/topics', async (req, res) => {
    const result = await addTopic(db, req.body);
    if (!result.ok) return res.status(422).render('admin/groups', await listView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/groups#topics', 'admin.groups.topicAdded');
  });

  // @route POST /admin/groups/topics/:id/remove — groups simply lose the topic
  router.post('/topics/:id/remove', async (req, res) => {
    await removeTopic(db, idParam(req));
    await saveAndRedirect(req, res, '/admin/groups#topics', 'admin.groups.topicRemoved');
  });

  return router;
}
