import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canActOnPost, canDeletePost, canEditPost, canModeratePost, canQuote, canReact, canReadThread, canReply, canReport, canSeeHistory, isListed, isSignedIn, postShownTo, requireSignedIn } from '../access.ts';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.ts';
import { formView, previewView } from '../web/forms.ts';
import { previewBody } from './posting.ts';
import { pageNumber, pager } from '../web/pagination.ts';
import { idParam, textParam } from '../web/params.ts';
import type { FieldErrors } from '../validation.ts';
import type { Forum } from './forums.service.ts';
import { postPage, revisionsOf, supporters } from './forums.queries.ts';
import { paths, postsPerPage, threadSegment } from '../paths.ts';
import { saveAndRedirect } from '../web/session.ts';
import { deletePost, editPost, findPost, findThreadAt, markRead, reply, setThreadFlag, toggleSupport, type Post, type Thread } from './threads.service.ts';
import { redirectAfterPosting } from '../moderation/outcome.ts';
import { lockThread } from '../moderation/moderation.service.ts';
import { isWatchLevel, setThreadWatch, threadWatchLevel } from './watching.service.ts';
import type { WatchLevel } from './forums.tables.ts';

type Found = { thread: Thread; forum: Forum };

/**
 * Thread and post pages answer 404 alike for what does not exist and what the viewer may not see:
 * a thread or post waiting for a moderator, or a thread moderators removed, is its author's and the moderators' only.
 */
function visible<T extends Found & { post?: Post }>(req: Request, found: T | undefined): T {
  if (!found || !canReadThread(req.user, found.forum, found.thread)) throw new NotFoundError();
  if (found.post && postShownTo(req.user, found.forum, found.thread, found.post) === 'none') throw new NotFoundError();
  return found;
}


export function threadsRouter(context: AppContext): Router {
  const db = context.database.db;
  const router = Router();

  const threadView = async (req: Request, found: Found & { lastRead: number; watchChoice: WatchLevel | null }) => {
    const { thread, forum } = found;
    const mayReply = canReply(req.user, forum, thread);
    const pages = Math.max(1, Math.ceil(thread.postCount / postsPerPage));
    const page = Math.min(pageNumber(req), pages);
    const moderates = canModeratePost(req.user, forum);
    const postsOnPage = await postPage(db, req.user, thread, page);
    const lastShown = postsOnPage.at(-1)?.number ?? 0;
    if (isSignedIn(req.user) && lastShown > found.lastRead) await markRead(db, req.user.id, thread.id, lastShown);
    return {
      titleText: thread.title,
      thread,
      forum,
      posts: postsOnPage.map((post) => {
        const access = {
          authorId: post.authorId,
          authorRole: post.authorRole,
          deletedAt: post.deleted ? new Date() : null,
          heldAt: post.waiting ? new Date() : null,
          removedAt: post.removed ? new Date() : null,
        };
        return {
          ...post,
          canEdit: canEditPost(req.user, forum, thread, access),
          canDelete: canDeletePost(req.user, forum, thread, access),
          canReact: canReact(req.user, forum, thread, access),
          canQuote: mayReply && canQuote(access),
          canReport: !post.deleted && !post.removed && canReport(req.user, post),
          canModerateThis: !post.deleted && canActOnPost(req.user, forum, access),
          quotedUrl: post.quoted && post.quoted.number > 0 ? paths.postInThread(thread, post.quoted.number) : null,
        };
      }),
      pager: pager(paths.thread(thread), page, pages),
      canReply: mayReply,
      canModerate: moderates,
      watch: isSignedIn(req.user) ? { level: threadWatchLevel(req.user.id, thread, found.watchChoice), action: `${paths.thread(thread)}/watch` } : null,
      // Only a reader who can reply gets a form token: a visitor's read starts no session.
      ...(mayReply ? formView(req) : {}),
    };
  };

  /**
   * The post a reply composer quotes, drawn from its source as the thread page draws it: the quote
   * is never copied into the reply's text, so it shows only what the source shows now.
   */
  const quotablePost = async (id: unknown, thread: Thread) => {
    if (typeof id !== 'string' || !id) return null;
    const quoted = await findPost(db, id).catch(() => undefined);
    if (!quoted || quoted.thread.id !== thread.id || !canQuote(quoted.post)) return null;
    return {
      number: quoted.post.number,
      state: 'shown',
      authorName: quoted.post.authorName,
      bodyHtml: quoted.post.bodyHtml,
      contentWarning: quoted.post.contentWarning,
    };
  };

  const refuse = (result: { reason: string }) => {
    throw result.reason === 'forbidden' ? new ForbiddenError() : new ForbiddenError(`errors.thread.${result.reason}`);
  };

  // @route GET /threads/:id
  router.get('/threads/:id', async (req, res) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    // Older links (by id) and a title since changed lead to the address as it is now; only after
    // the reader is known to see the thread, as the address carries its title.
    if (req.params.id !== threadSegment(found.thread)) {
      const query = req.originalUrl.indexOf('?');
      return res.redirect(301, `${paths.thread(found.thread)}${query >= 0 ? req.originalUrl.slice(query) : ''}`);
    }
    res.render('forums/thread', await threadView(req, found));
  });

  // @route GET /threads/:id/unread — to the first post the member has not read
  router.get('/threads/:id/unread', requireSignedIn, async (req, res) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user!.id));
    res.redirect(303, paths.postInThread(found.thread, Math.min(found.lastRead + 1, found.thread.postCount)));
  });

  // @route GET /threads/:id/posts/:number — a stable link to one post, wherever its page is
  router.get('/threads/:id/posts/:number', async (req, res) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    const number = Number.parseInt(String(req.params.number), 10);
    if (!Number.isInteger(number) || number < 1 || number > found.thread.postCount) throw new NotFoundError();
    res.redirect(303, paths.postInThread(found.thread, number));
  });

  // @route GET /threads/:id/reply?quote=postId — the reply composer, with a quote filled in
  router.get('/threads/:id/reply', requireSignedIn, async (req, res) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    if (!canReply(req.user, found.forum, found.thread)) throw new ForbiddenError();
    const quoteId = typeof req.query.quote === 'string' ? req.query.quote : '';
    const quoted = await quotablePost(quoteId, found.thread);
    res.render('forums/reply', { titleText: found.thread.title, ...found, quoted, ...formView(req, quoted ? { quote: quoteId } : {}) });
  });

  // @route POST /threads/:id/replies
  router.post('/threads/:id/replies', requireSignedIn, async (req, res) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    if (req.body.preview) {
      if (!canReply(req.user, found.forum, found.thread)) throw new ForbiddenError();
      const previewed = await previewBody(db, req.body);
      const quoted = await quotablePost(req.body.quote, found.thread);
      return res.status(previewed.ok ? 200 : 422).render('forums/reply', { titleText: found.thread.title, ...found, quoted, ...previewView(req, previewed) });
    }
    const result = await reply(db, req.user!, found.forum, found.thread, req.body);
    // Refused (locked, held or removed meanwhile): the page says why, and the typed text stays.
    if (!result.ok && result.kind === 'refused') {
      const refused = result.reason === 'locked' ? 'errors.thread.locked' : 'errors.thread.closed';
      return res.status(result.reason === 'locked' ? 409 : 403).render('forums/reply', { titleText: found.thread.title, ...found, refused, quoted: await quotablePost(req.body.quote, found.thread), ...formView(req, req.body) });
    }
    if (!result.ok) return res.status(422).render('forums/reply', { titleText: found.thread.title, ...found, quoted: await quotablePost(req.body.quote, found.thread), ...formView(req, req.body, result.errors), refusal: result.kind === 'words' ? result.message : null });
    await redirectAfterPosting(req, res, paths.postInThread(found.thread, result.post.number), result);
  });

  const postOr404 = async (req: Request) => visible(req, await findPost(db, idParam(req), req.user?.id));
  const editView = (req: Request, found: Found & { post: Post }, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
    title: 'forums.editPost',
    ...found,
    opening: found.post.number === 1,
    ...formView(req, values, errors),
  });

  // @route GET /posts/:id — a stable link to one post
  router.get('/posts/:id', async (req, res) => {
    const found = await postOr404(req);
    res.redirect(303, paths.postInThread(found.thread, found.post.number));
  });

  // @route GET /posts/:id/edit
  router.get('/posts/:id/edit', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    if (!canEditPost(req.user, found.forum, found.thread, found.post)) throw new ForbiddenError();
    const values = { title: found.thread.title, body: found.post.body, contentWarning: found.post.contentWarning ?? '' };
    res.render('forums/edit', editView(req, found, values));
  });

  // @route POST /posts/:id/edit
  router.post('/posts/:id/edit', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    if (req.body.preview) {
      if (!canEditPost(req.user, found.forum, found.thread, found.post)) throw new ForbiddenError();
      const previewed = await previewBody(db, req.body);
      return res.status(previewed.ok ? 200 : 422).render('forums/edit', { ...editView(req, found, req.body), ...previewView(req, previewed) });
    }
    const result = await editPost(db, req.user!, found, req.body);
    if (!result.ok && result.kind === 'refused') return res.status(403).render('forums/edit', { ...editView(req, found, req.body), refused: 'errors.thread.cannotEdit' });
    if (!result.ok) return res.status(422).render('forums/edit', { ...editView(req, found, req.body, result.errors), refusal: result.kind === 'words' ? result.message : null });
    await redirectAfterPosting(req, res, paths.postInThread(found.thread, found.post.number), result);
  });

  // @route GET /posts/:id/history — earlier versions, for the author and moderators
  router.get('/posts/:id/history', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    if (!canSeeHistory(req.user, found.forum, found.thread, found.post)) throw new NotFoundError();
    res.render('forums/history', { title: 'forums.history', ...found, revisions: await revisionsOf(db, found.post.id) });
  });

  // @route GET /posts/:id/delete — an honest confirmation
  router.get('/posts/:id/delete', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    if (!canDeletePost(req.user, found.forum, found.thread, found.post)) throw new ForbiddenError();
    res.render('forums/delete', { title: 'forums.deletePost', ...found, opening: found.post.number === 1, ...formView(req) });
  });

  // @route POST /posts/:id/delete
  router.post('/posts/:id/delete', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    const result = await deletePost(db, req.user!, found);
    if (!result.ok) return refuse(result);
    await saveAndRedirect(req, res, found.post.number === 1 ? paths.forum(found.forum) : paths.postInThread(found.thread, found.post.number), 'forums.deleted');
  });

  // @route POST /posts/:id/support — the support reaction, a toggle
  router.post('/posts/:id/support', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    const result = await toggleSupport(db, req.user!, found);
    if (!result.ok) return refuse(result);
    res.redirect(303, paths.postInThread(found.thread, found.post.number));
  });

  // @route GET /posts/:id/support — who sent strength (members only)
  router.get('/posts/:id/support', requireSignedIn, async (req, res) => {
    const found = await postOr404(req);
    if (!isListed(req.user, found.forum, found.thread, found.post)) throw new NotFoundError();
    res.render('forums/supporters', { title: 'forums.supporters', ...found, people: await supporters(db, found.post.id) });
  });

  // @route POST /threads/:id/watch — watch (a notice of every new post), normal, or mute
  router.post('/threads/:id/watch', requireSignedIn, async (req, res) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    const level = req.body.level;
    if (!isWatchLevel(level)) throw new BadRequestError();
    await setThreadWatch(db, req.user!.id, found.thread.id, level);
    await saveAndRedirect(req, res, paths.thread(found.thread), `watching.thread.${level}`);
  });

  // @route POST /threads/:id/pin (moderators)
  router.post('/threads/:id/pin', requireSignedIn, async (req: Request, res: Response) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    const result = await setThreadFlag(db, req.user!, found, 'pinned', req.body.value === 'true');
    if (!result.ok) return refuse(result);
    res.redirect(303, paths.thread(found.thread));
  });

  // @route POST /threads/:id/lock (moderators; the moderation log keeps it)
  router.post('/threads/:id/lock', requireSignedIn, async (req: Request, res: Response) => {
    const found = visible(req, await findThreadAt(db, textParam(req, 'id'), req.user?.id));
    const result = await lockThread(db, req.user!, found, req.body.value === 'true', req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    res.redirect(303, paths.thread(found.thread));
  });

  return router;
}
