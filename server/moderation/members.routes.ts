// What every member does about moderation: report, mute, read the moderators' messages and the published log.
import { paths } from '../paths.ts';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canReport, requireSignedIn } from '../access.ts';
import type { User } from '../accounts/accounts.service.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { formView } from '../web/forms.ts';
import { pageNumber, pager } from '../web/pagination.ts';
import { saveAndRedirect } from '../web/session.ts';
import type { FieldErrors } from '../validation.ts';
import { getSettings } from '../admin/settings.service.ts';
import { reportReasons } from './moderation.tables.ts';
import { answerModerators, readModeratorMessages, setMuted } from './members.service.ts';
import { report, type Found } from './moderation.service.ts';
import { publishedLogPage } from './queue.queries.ts';
import { postUrl, refuse, visibleMember, visiblePost } from './lookup.ts';

export function moderationMembersRouter(context: AppContext): Router {
  const db = context.database.db;
  const router = Router();

  // Reports, by any member.

  const reportView = (req: Request, subject: { found?: Found; member: User }, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'moderation.report.title',
    ...subject,
    reasons: reportReasons,
    action: `${subject.found ? paths.post(subject.found.post) : paths.member(subject.member)}/report`,
    ...formView(req, values, errors),
  });

  // @route GET /posts/:id/report
  router.get('/posts/:id/report', requireSignedIn, async (req, res) => {
    const found = await visiblePost(db, req);
    if (!canReport(req.user, found.post)) throw new ForbiddenError();
    const member = (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, found.post.authorId) }))!;
    res.render('moderation/report', reportView(req, { found, member }));
  });

  // @route POST /posts/:id/report
  router.post('/posts/:id/report', requireSignedIn, async (req, res) => {
    const found = await visiblePost(db, req);
    const member = (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, found.post.authorId) }))!;
    const result = await report(db, req.user!, { post: found.post, member }, req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    if (!result.ok) return res.status(422).render('moderation/report', reportView(req, { found, member }, req.body, result.errors));
    await saveAndRedirect(req, res, postUrl(found), 'moderation.report.sent');
  });

  // @route GET /members/:username/report
  router.get('/members/:username/report', requireSignedIn, async (req, res) => {
    const member = await visibleMember(db, req);
    if (!canReport(req.user, { authorId: member.id })) throw new ForbiddenError();
    res.render('moderation/report', reportView(req, { member }));
  });

  // @route POST /members/:username/report
  router.post('/members/:username/report', requireSignedIn, async (req, res) => {
    const member = await visibleMember(db, req);
    const result = await report(db, req.user!, { member }, req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    if (!result.ok) return res.status(422).render('moderation/report', reportView(req, { member }, req.body, result.errors));
    await saveAndRedirect(req, res, paths.member(member), 'moderation.report.sent');
  });

  // Muting, by any member.

  const muteRoute = (mute: boolean) => async (req: Request, res: Response) => {
    const member = await visibleMember(db, req);
    const result = await setMuted(db, req.user!, member, mute);
    if (!result.ok) return refuse(result);
    await saveAndRedirect(req, res, paths.member(member), mute ? 'moderation.mute.muted' : 'moderation.mute.unmuted');
  };
  // @route POST /members/:username/mute and /members/:username/unmute
  router.post('/members/:username/mute', requireSignedIn, muteRoute(true));
  router.post('/members/:username/unmute', requireSignedIn, muteRoute(false));

  const messagesView = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => {
    const messages = await readModeratorMessages(db, req.user!.id);
    return { title: 'moderation.messages.title', messages, canAnswer: messages.some((m) => !m.fromMember), ...formView(req, values, errors) };
  };

  // @route GET /moderator-messages — the reader's conversation with the moderators
  router.get('/moderator-messages', requireSignedIn, async (req, res) => {
    res.render('moderation/messages', await messagesView(req));
  });

  // @route POST /moderator-messages — the reader answers the moderators
  router.post('/moderator-messages', requireSignedIn, async (req, res) => {
    const result = await answerModerators(db, req.user!, req.body);
    if (!result.ok && result.kind === 'refused') return refuse(result);
    if (!result.ok) return res.status(422).render('moderation/messages', await messagesView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/moderator-messages#answer', 'moderation.messages.sent');
  });

  // @route GET /moderation-log — the published log, without names, if the node publishes it
  router.get('/moderation-log', async (req, res) => {
    if (!(await getSettings(db))?.publishModerationLog) throw new NotFoundError();
    const page = pageNumber(req);
    const { rows, pages } = await publishedLogPage(db, page);
    res.render('moderation/public-log', { title: 'moderation.log.publicTitle', rows, pager: pager('/moderation-log', page, pages) });
  });

  return router;
}
