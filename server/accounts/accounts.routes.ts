import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canSeeProfile, requireSignedIn } from '../access.ts';
import { NotFoundError, TooManyRequestsError } from '../errors.ts';
import { getSettings } from '../admin/settings.service.ts';
import { isLocale, translator } from '../i18n/i18n.ts';
import { renderMarkdown } from '../markup/markup.ts';
import { formView } from '../web/forms.ts';
import { textParam } from '../web/params.ts';
import { safeNext } from '../web/pages.routes.ts';
import { signIn, signOut, saveAndRedirect } from '../web/session.ts';
import { text } from '../validation.ts';
import { findUserByName, register, type User } from './accounts.service.ts';
import { inviteProblem } from './invites.service.ts';
import { findUsableReset, requestPasswordReset, resetPassword, resetValidHours } from './password-reset.service.ts';
import type { Authenticator, SignInFailure } from './passport.ts';
import { settingsRoutes } from './settings.routes.ts';
import { databaseRateLimit } from '../web/rate-limit.ts';

export function accountsRouter(context: AppContext, passport: Authenticator): Router {
  const { database, mailer, config } = context;
  const db = database.db;
  const router = Router();
  // Per address, per app. Sign-in counts only refused attempts; the per-account lock-out is in the database.
  // A person over a limit gets the calm error page in their language, not the library's English line.
  const handler = (_req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsError());
  const signInLimit = databaseRateLimit(db, config.sessionSecret, 'sign-in', { windowMs: 15 * 60_000, limit: 50, skipSuccessfulRequests: true, handler });
  const formLimit = databaseRateLimit(db, config.sessionSecret, 'account-forms', { windowMs: 60 * 60_000, limit: 30, handler });

  const registerView = async (req: Request, values: Record<string, unknown> = {}, errors = {}) => {
    const settings = await getSettings(db);
    const invite = text(req.query.invite ?? (values as { invite?: unknown }).invite);
    return { title: 'register.title', policy: settings?.registrationPolicy, invite, ...formView(req, { ...values, invite }, errors) };
  };

  // @route GET /register
  router.get('/register', async (req, res) => {
    const view = await registerView(req);
    if (view.policy === 'invite') {
      const problem = await inviteProblem(db, view.invite);
      if (problem) return res.render('accounts/register-closed', { ...view, problem });
    }
    res.render('accounts/register', view);
  });

  // @route POST /register
  router.post('/register', formLimit, async (req, res) => {
    const settings = await getSettings(db);
    const policy = settings?.registrationPolicy ?? 'approval';
    const result = await register(db, req.body, policy, text(req.body.invite));
    if (!result.ok) return res.status(422).render('accounts/register', await registerView(req, req.body, result.errors));
    if (result.user.status === 'pending') return res.render('accounts/register-pending', { title: 'register.pendingTitle' });
    await signIn(req, result.user);
    await saveAndRedirect(req, res, '/', 'register.welcome');
  });

  // @route GET /login
  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    res.render('accounts/login', { title: 'login.title', next: safeNext(req.query.next), ...formView(req) });
  });

  // @route POST /login
  router.post('/login', signInLimit, (req: Request, res: Response, next: NextFunction) => {
    passport.authenticate('local', async (error: unknown, user: User | false, failure?: SignInFailure) => {
      if (error) return next(error);
      const goTo = safeNext(req.body.next);
      // An account waiting for staff did nothing wrong: it is told so calmly, once, not as a form error.
      if (!user && failure?.reason === 'pending') return res.status(403).render('accounts/login', { title: 'login.title', next: goTo, pending: true, ...formView(req, { login: req.body.login }) });
      if (!user) {
        const errors = { login: failure ? `login.failed.${failure.reason}` : 'login.failed.wrong' };
        const until = failure?.reason === 'locked' ? failure.until : undefined;
        const suspension = failure?.reason === 'suspended' || failure?.reason === 'banned' ? failure : undefined;
        return res.status(401).render('accounts/login', { title: 'login.title', next: goTo, until, suspension, ...formView(req, req.body, errors) });
      }
      await signIn(req, user).catch(next);
      res.redirect(303, goTo);
    })(req, res, next);
  });

  // @route POST /logout
  router.post('/logout', async (req, res) => {
    await signOut(req);
    res.redirect(303, '/');
  });

  // @route GET /password/forgot
  router.get('/password/forgot', (req, res) => res.render('accounts/forgot', { title: 'forgot.title', ...formView(req) }));

  // @route POST /password/forgot
  router.post('/password/forgot', formLimit, async (req, res) => {
    const found = await requestPasswordReset(db, text(req.body.login));
    if (found?.user.email) {
      const t = translator(isLocale(found.user.locale) ? found.user.locale : req.locale);
      const link = new URL(`/password/reset/${found.token}`, config.baseUrl).href;
      await mailer.send({
        to: found.user.email,
        subject: t('forgot.mailSubject', { node: res.locals.node.name }),
        text: t('forgot.mailText', { link, hours: resetValidHours, username: found.user.username }),
      });
    }
    res.render('accounts/forgot-sent', { title: 'forgot.title' });
  });

  // @route GET /password/reset/:token
  router.get('/password/reset/:token', async (req, res) => {
    const usable = await findUsableReset(db, req.params.token);
    if (!usable) return res.status(410).render('accounts/reset-invalid', { title: 'reset.title' });
    res.render('accounts/reset', { title: 'reset.title', token: req.params.token, ...formView(req) });
  });

  // @route POST /password/reset/:token
  router.post('/password/reset/:token', async (req, res) => {
    const result = await resetPassword(db, req.params.token, text(req.body.password));
    if (!result.ok && result.errors.token) return res.status(410).render('accounts/reset-invalid', { title: 'reset.title' });
    if (!result.ok) return res.status(422).render('accounts/reset', { title: 'reset.title', token: req.params.token, ...formView(req, {}, result.errors) });
    await saveAndRedirect(req, res, '/login', 'reset.done');
  });

  // @route GET /members/:username
  router.get('/members/:username', requireSignedIn, async (req, res) => {
    const member = await findUserByName(db, textParam(req, 'username'));
    if (!member || !canSeeProfile(req.user, member)) throw new NotFoundError();
    const own = member.id === req.user!.id;
    const muted = !own && (await db.query.mutes.findFirst({ where: (m, { and, eq }) => and(eq(m.userId, req.user!.id), eq(m.mutedId, member.id)) })) !== undefined;
    res.render('accounts/profile', { titleText: member.displayName, member, bio: renderMarkdown(member.bio), own, muted });
  });

  settingsRoutes(router, context);
  return router;
}
