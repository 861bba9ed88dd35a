// The admin's pages for groups: every group, a new group, and the node's list of topics.
import { asc, eq, sql } from 'drizzle-orm';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app.ts';
import { requireAdmin } from '../access.ts';
import { formView } from '../web/forms.ts';
import { idParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import { parseForm, type FieldErrors } from '../validation.ts';
import { saveGroup, listTopics, topicName } from './groups.service.ts';
import { groups, groupTopics } from './groups.tables.ts';
import { slug } from './listing.ts';
import { formValues, listingOptions } from './manage.routes.ts';

const topicForm = z.object({
  slug,
  fi: z.string().trim().min(1, 'errors.topic.nameMissing').max(60, 'errors.group.tooLong'),
  sv: z.string().trim().max(60, 'errors.group.tooLong').default(''),
  en: z.string().trim().max(60, 'errors.group.tooLong').default(''),
  da: z.string().trim().max(60, 'errors.group.tooLong').default(''),
});

export function groupsAdminRouter(context: AppContext): Router {
  const { config } = context;
  const db = context.database.db;
  const router = Router();
  router.use(requireAdmin);

  const listView = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'admin.groups.title',
    groups: await db.select().from(groups).orderBy(asc(groups.name)),
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
    await saveAndRedirect(req, res, `/groups/${result.group.slug}/edit#facilitators`, 'groups.notices.created');
  });

  // @route POST /admin/groups/topics
  router.post('/topics', async (req, res) => {
    const parsed = parseForm(topicForm, req.body);
    if (!parsed.ok) return res.status(422).render('admin/groups', await listView(req, req.body, parsed.errors));
    const { slug: topicSlug, ...names } = parsed.value;
    if (await db.query.groupTopics.findFirst({ where: eq(groupTopics.slug, topicSlug) })) {
      return res.status(422).render('admin/groups', await listView(req, req.body, { slug: 'errors.slug.taken' }));
    }
    const named = Object.fromEntries(Object.entries(names).filter(([, name]) => name !== ''));
    await db.insert(groupTopics).values({ slug: topicSlug, names: named, position: 100 });
    await saveAndRedirect(req, res, '/admin/groups#topics', 'admin.groups.topicAdded');
  });

  // @route POST /admin/groups/topics/:id/remove — groups simply lose the topic
  router.post('/topics/:id/remove', async (req, res) => {
    const id = idParam(req);
    await db.transaction(async (tx) => {
      await tx.execute(sql`update ${groups} set topic_ids = array_remove(topic_ids, ${id}::uuid)`);
      await tx.delete(groupTopics).where(eq(groupTopics.id, id));
    });
    await saveAndRedirect(req, res, '/admin/groups#topics', 'admin.groups.topicRemoved');
  });

  return router;
}
