import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { canSeeForum } from '../access.ts';
import { pageNumber, pager } from '../web/pagination.ts';
import { findForumBySlug, listForums } from './forums.service.ts';
import { resultsPerPage, search } from './search.queries.ts';

export function searchRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();

  // @route GET /search?q=…&forum=slug&page=N — a GET form, so results can be linked and work without JavaScript
  router.get('/search', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const forumSlug = typeof req.query.forum === 'string' ? req.query.forum : '';
    const forum = forumSlug ? await findForumBySlug(db, forumSlug, req.user?.id) : undefined;
    const scope = forum && canSeeForum(req.user, forum) ? forum : undefined;
    const page = pageNumber(req);
    const forums = (await listForums(db)).filter((f) => canSeeForum(req.user, f) && !f.archived);
    const result = q ? await search(db, req.user, q, { forumId: scope?.id, page, locale: req.locale }) : { hits: [], total: 0, more: false };
    const base = `/search?q=${encodeURIComponent(q)}${scope ? `&forum=${scope.slug}` : ''}`;
    res.render('forums/search', {
      title: 'search.title',
      q,
      forumSlug: scope?.slug ?? '',
      forums,
      searched: q !== '',
      ...result,
      pager: pager(base, page, Math.max(1, Math.ceil(result.total / resultsPerPage))),
    });
  });

  return router;
}
