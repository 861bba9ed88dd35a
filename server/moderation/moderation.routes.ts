// The moderators' own pages: the queue, the actions, a member's standing and the log.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canModerateMember, canModeratePost, canMoveThread, canMoveThreadOut, requireStaff } from '../access.ts';
import type { User } from '../accounts/accounts.service.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { findThread } from '../forums/threads.service.ts';
import { listForums } from '../forums/forums.service.ts';
import { formView } from '../web/forms.ts';
import { pageNumber, pager } from '../web/pagination.ts';
import { idParam, textParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import { paths } from '../paths.ts';
import type { FieldErrors } from '../validation.ts';
import { moderationActions } from './moderation.tables.ts';
import {
  approvePost,
  dismissReports,
  forwardReport,
  liftSuspension,
  lockThread,
  moveThread,
  removePost,
  restorePost,
  setContentWarning,
  suspendMember,
  suspensionDays,
  warnMember,
  type Done,
  type Found,
} from './moderation.service.ts';
import { moderationLogPage, moderationQueue } from './queue.queries.ts';
import { postUrl, refuse, visibleMember, visiblePost } from './lookup.ts';
import { memberConversations, readConversationAsStaff } from './members.service.ts';

/** Back to where the moderator acted from: the queue, or the post itself. */
function backTo(req: Request, fallback: string): string {
  return req.body?.back === 'queue' ? '/moderation' : fallback;
}

export function moderationRouter(context: AppContext): Router {
  const db = context.database.db;
  const router = Router();

  // @route GET /moderation — the queue
  router.get('/moderation', requireStaff, async (req, res) => {
    const queue = await moderationQueue(db, req.user!);
    res.render('moderation/queue', { title: 'moderation.queue.title', ...queue, ...formView(req) });
  });

  const postAction = (act: (req: Request, found: Found) => Promise<Done>, notice: string) => async (req: Request, res: Response) => {
    const found = await visiblePost(db, req);
    const result = await act(req, found);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    if (!result.ok) return saveAndRedirect(req, res, backTo(req, postUrl(found)), Object.values(result.errors)[0]);
    await saveAndRedirect(req, res, backTo(req, postUrl(found)), notice);
  };

  // @route POST /moderation/posts/:id/approve — let a waiting post through
  router.post('/moderation/posts/:id/approve', requireStaff, postAction((req, found) => approvePost(db, req.user!, found), 'moderation.done.approve'));
  // @route POST /moderation/posts/:id/remove — with a reason the author sees
  router.post('/moderation/posts/:id/remove', requireStaff, postAction((req, found) => removePost(db, req.user!, found, req.body), 'moderation.done.remove'));
  // @route POST /moderation/posts/:id/restore
  router.post('/moderation/posts/:id/restore', requireStaff, postAction((req, found) => restorePost(db, req.user!, found, req.body), 'moderation.done.restore'));
  // @route POST /moderation/posts/:id/dismiss — the reports were not a problem
  router.post('/moderation/posts/:id/dismiss', requireStaff, postAction((req, found) => dismissReports(db, req.user!, { found }, req.body), 'moderation.done.dismiss'));
  // @route POST /moderation/posts/:id/forward — send the report to the writer's own server (someone elsewhere)
  router.post('/moderation/posts/:id/forward', requireStaff, postAction((req, found) => forwardReport(db, req.user!, found, req.body), 'moderation.done.forward'));
  // @route POST /moderation/posts/:id/content-warning
  router.post('/moderation/posts/:id/content-warning', requireStaff, postAction((req, found) => setContentWarning(db, req.user!, found, req.body), 'moderation.done.content_warning'));

  const visibleThread = async (req: Request) => {
    const found = await findThread(db, idParam(req), req.user?.id);
    if (!found || !canModeratePost(req.user, found.forum)) throw new NotFoundError();
    return found;
  };
  const moveView = async (req: Request, found: Awaited<ReturnType<typeof visibleThread>>, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'moderation.move.title',
    ...found,
    forums: (await listForums(db)).filter((f) => f.id !== found.forum.id && canMoveThread(req.user, found.forum, f)),
    ...formView(req, values, errors),
  });

  // @route GET /moderation/threads/:id/move
  router.get('/moderation/threads/:id/move', requireStaff, async (req, res) => {
    const found = await visibleThread(req);
    if (!canMoveThreadOut(req.user, found.forum)) throw new ForbiddenError();
    res.render('moderation/move', await moveView(req, found));
  });

  // @route POST /moderation/threads/:id/move
  router.post('/moderation/threads/:id/move', requireStaff, async (req, res) => {
    const found = await visibleThread(req);
    const result = await moveThread(db, req.user!, found, req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    if (!result.ok) return res.status(422).render('moderation/move', await moveView(req, found, req.body, result.errors));
    await saveAndRedirect(req, res, paths.thread(found.thread), 'moderation.done.move');
  });

  // @route POST /moderation/threads/:id/lock — lock or unlock with a reason, from the queue
  router.post('/moderation/threads/:id/lock', requireStaff, async (req, res) => {
    const found = await visibleThread(req);
    const result = await lockThread(db, req.user!, found, req.body.value === 'true', req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    await saveAndRedirect(req, res, backTo(req, paths.thread(found.thread)), req.body.value === 'true' ? 'moderation.done.lock' : 'moderation.done.unlock');
  });

  const memberView = async (req: Request, member: User, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    titleText: member.displayName,
    member,
    // "3 days" in the reader's language, from Intl rather than the locale files.
    days: suspensionDays.map((value) => ({ value, label: new Intl.NumberFormat(req.locale, { style: 'unit', unit: 'day', unitDisplay: 'long' }).format(value) })),
    canAct: canModerateMember(req.user, member),
    messages: await readConversationAsStaff(db, member.id),
    history: (await moderationLogPage(db, req.user!, { member: member.username, page: 1 })).rows,
    ...formView(req, values, errors),
  });

  // @route GET /moderation/messages — conversations with members, those waiting for an answer first
  router.get('/moderation/messages', requireStaff, async (req, res) => {
    res.render('moderation/conversations', { title: 'moderation.conversations.title', conversations: await memberConversations(db) });
  });

  // @route GET /moderation/members/:username — a member's standing, history and the actions on them
  router.get('/moderation/members/:username', requireStaff, async (req, res) => {
    res.render('moderation/member', await memberView(req, await visibleMember(db, req)));
  });

  const memberActions: Record<string, (actor: User, member: User, form: unknown) => Promise<Done>> = {
    warn: (actor, member, form) => warnMember(db, actor, member, form),
    suspend: (actor, member, form) => suspendMember(db, actor, member, form),
    ban: (actor, member, form) => suspendMember(db, actor, member, form, true),
    lift: (actor, member, form) => liftSuspension(db, actor, member, form),
    dismiss: (actor, member, form) => dismissReports(db, actor, { member }, form),
  };

  // @route POST /moderation/members/:username/:action — warn, suspend, ban, lift, dismiss reports
  router.post('/moderation/members/:username/:action', requireStaff, async (req, res) => {
    const member = await visibleMember(db, req);
    const action = textParam(req, 'action');
    const act = memberActions[action];
    if (!act) throw new NotFoundError();
    const result = await act(req.user!, member, req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    if (!result.ok) return res.status(422).render('moderation/member', await memberView(req, member, { ...req.body, form: action }, result.errors));
    await saveAndRedirect(req, res, backTo(req, `/moderation/members/${member.username}`), `moderation.done.${action}`);
  });

  // @route GET /moderation/log?action=&member=&moderator=&page=
  router.get('/moderation/log', requireStaff, async (req, res) => {
    const action = moderationActions.find((a) => a === req.query.action);
    const member = typeof req.query.member === 'string' ? req.query.member.trim().replace(/^@/, '') : '';
    const moderator = typeof req.query.moderator === 'string' ? req.query.moderator.trim().replace(/^@/, '') : '';
    const page = pageNumber(req);
    const { rows, pages } = await moderationLogPage(db, req.user!, { action, member: member || undefined, moderator: moderator || undefined, page });
    const query = new URLSearchParams({ ...(action ? { action } : {}), ...(member ? { member } : {}), ...(moderator ? { moderator } : {}) }).toString();
    res.render('moderation/log', {
      title: 'moderation.log.title',
      rows,
      actions: moderationActions,
      filter: { action: action ?? '', member, moderator },
      pager: pager(`/moderation/log${query ? `?${query}` : ''}`, page, pages),
    });
  });

  return router;
}
