import { Router, type Request } from 'express';
import { paths } from '../paths.ts';
import type { AppContext } from '../context.ts';
import { canSeeForum, canStartThread, isPublicForum, isSignedIn, requireSignedIn } from '../access.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { renderMarkdown } from '../markup/markup.ts';
import { formView, previewView } from '../web/forms.ts';
import { previewBody } from './posting.ts';
import { pageNumber, pager } from '../web/pagination.ts';
import { textParam } from '../web/params.ts';
import type { FieldErrors } from '../validation.ts';
import { findForumBySlug, type Forum } from './forums.service.ts';
import { forumIndex, threadList } from './forums.queries.ts';
import { latestPublicThreads } from './feeds.queries.ts';
import { forumFeed } from './feeds.ts';
import { startThread } from './threads.service.ts';
import { redirectAfterPosting } from '../moderation/outcome.ts';
import { forumWatchLevel, isWatchLevel, setForumWatch } from './watching.service.ts';
import { saveAndRedirect } from '../web/session.ts';

/** A forum the viewer may read, or a 404 that says nothing about whether it exists. */
async function visibleForum(context: AppContext, req: Request): Promise<Forum> {
  const forum = await findForumBySlug(context.database.db, textParam(req, 'slug'), req.user?.id);
  if (!forum || !canSeeForum(req.user, forum)) throw new NotFoundError();
  return forum;
}

export function forumsRouter(context: AppContext): Router {
  const db = context.database.db;
  const router = Router();

  const composerView = (req: Request, forum: Forum, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'forums.newThread',
    forum,
    rulesHtml: renderMarkdown(forum.rules),
    ...formView(req, values, errors),
  });

  // @route GET /forums
  router.get('/forums', async (req, res) => {
    const [current, archived] = await Promise.all([forumIndex(db, req.user), forumIndex(db, req.user, true)]);
    res.render('forums/index', { title: 'forums.title', categories: current, archived });
  });

  // @route GET /forums/:slug
  router.get('/forums/:slug', async (req, res) => {
    const forum = await visibleForum(context, req);
    const page = pageNumber(req);
    const list = await threadList(db, req.user, forum, page);
    res.render('forums/forum', {
      titleText: forum.name,
      forum,
      descriptionHtml: renderMarkdown(forum.description),
      threads: list.threads,
      pager: pager(paths.forum(forum), page, list.pages),
      canStart: canStartThread(req.user, forum),
      watch: isSignedIn(req.user) ? { level: await forumWatchLevel(db, req.user.id, forum.id), action: `${paths.forum(forum)}/watch` } : null,
    });
  });

  // @route POST /forums/:slug/watch — a notice of every new conversation, or mute the forum
  router.post('/forums/:slug/watch', requireSignedIn, async (req, res) => {
    const forum = await visibleForum(context, req);
    const level = req.body.level;
    if (!isWatchLevel(level)) throw new BadRequestError();
    await setForumWatch(db, req.user!.id, forum.id, level);
    await saveAndRedirect(req, res, paths.forum(forum), `watching.forum.${level}`);
  });

  // @route GET /forums/:slug/new — the composer for a new conversation
  router.get('/forums/:slug/new', requireSignedIn, async (req, res) => {
    const forum = await visibleForum(context, req);
    if (!canStartThread(req.user, forum)) throw new NotFoundError();
    res.render('forums/new-thread', composerView(req, forum));
  });

  // @route POST /forums/:slug/threads
  router.post('/forums/:slug/threads', requireSignedIn, async (req, res) => {
    const forum = await visibleForum(context, req);
    if (req.body.preview) {
      if (!canStartThread(req.user, forum)) throw new NotFoundError();
      const previewed = await previewBody(db, req.body);
      return res.status(previewed.ok ? 200 : 422).render('forums/new-thread', { ...composerView(req, forum), ...previewView(req, previewed) });
    }
    const result = await startThread(db, req.user!, forum, req.body);
    if (!result.ok && result.kind === 'refused') return res.status(403).render('forums/new-thread', { ...composerView(req, forum, req.body), refused: 'errors.thread.cannotStart' });
    if (!result.ok) return res.status(422).render('forums/new-thread', { ...composerView(req, forum, req.body, result.errors), refusal: result.kind === 'words' ? result.message : null });
    await redirectAfterPosting(req, res, paths.thread(result.thread), result);
  });

  // @route GET /forums/:slug/feed.atom — public forums only
  router.get('/forums/:slug/feed.atom', async (req, res) => {
    const forum = await findForumBySlug(db, textParam(req, 'slug'));
    if (!forum || !isPublicForum(forum)) throw new NotFoundError();
    const items = await latestPublicThreads(db, forum.id);
    const xml = forumFeed(forum, items, { baseUrl: context.config.baseUrl.href, nodeName: res.locals.node.name, locale: req.locale });
    res.type('application/atom+xml').send(xml);
  });

  return router;
}
