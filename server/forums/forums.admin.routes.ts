import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { formView } from '../web/forms.ts';
import { idParam } from '../web/params.ts';
import type { FieldErrors } from '../validation.ts';
import { forumVisibilities, postingPolicies } from './forums.tables.ts';
import { saveAndRedirect } from '../web/session.ts';
import { listCategories, listForums, saveCategory, saveForum } from './forums.service.ts';

/** The admin's page for categories and forums: create, edit, order, archive. */
export function forumsAdminRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();
  router.use(requireAdmin);

  const structureView = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => {
    const [categories, forums] = await Promise.all([listCategories(db), listForums(db)]);
    return {
      title: 'admin.forums.title',
      categories: categories.map((category) => ({ ...category, forums: forums.filter((f) => f.categoryId === category.id) })),
      ...formView(req, { visibility: 'members', startPolicy: 'members', replyPolicy: 'members', position: 0, ...values }, errors),
    };
  };
  const forumOptions = { visibilities: forumVisibilities, policies: postingPolicies };

  // @route GET /admin/forums
  router.get('/', async (req, res) => res.render('admin/forums', { ...(await structureView(req)), ...forumOptions }));

  // @route POST /admin/forums/categories
  router.post('/categories', async (req, res) => {
    const result = await saveCategory(db, null, req.body);
    if (!result.ok) return res.status(422).render('admin/forums', { ...(await structureView(req, req.body, result.errors)), ...forumOptions, categoryForm: true });
    await saveAndRedirect(req, res, '/admin/forums', 'admin.forums.saved');
  });

  // @route POST /admin/forums/categories/:id
  router.post('/categories/:id', async (req, res) => {
    const result = await saveCategory(db, idParam(req), req.body);
    if (!result.ok) return res.status(422).render('admin/forums', { ...(await structureView(req, {}, result.errors)), ...forumOptions });
    await saveAndRedirect(req, res, '/admin/forums', 'admin.forums.saved');
  });

  // @route POST /admin/forums — a new forum
  router.post('/', async (req, res) => {
    const result = await saveForum(db, null, req.body);
    if (!result.ok) return res.status(422).render('admin/forums', { ...(await structureView(req, req.body, result.errors)), ...forumOptions });
    await saveAndRedirect(req, res, '/admin/forums', 'admin.forums.saved');
  });

  const editView = async (req: Request, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
    title: 'admin.forums.edit',
    categories: await listCategories(db),
    forumId: idParam(req),
    ...forumOptions,
    ...formView(req, values, errors),
  });

  // @route GET /admin/forums/:id
  router.get('/:id', async (req, res) => {
    const forum = (await listForums(db)).find((f) => f.id === idParam(req));
    if (!forum) throw new NotFoundError();
    res.render('admin/forum-edit', await editView(req, forum));
  });

  // @route POST /admin/forums/:id
  router.post('/:id', async (req, res) => {
    const result = await saveForum(db, idParam(req), req.body);
    if (!result.ok) return res.status(422).render('admin/forum-edit', await editView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/forums', 'admin.forums.saved');
  });

  return router;
}
