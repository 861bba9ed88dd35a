import { groupsRouter } from './groups/groups.routes.ts';
import { buildFederation } from '../federation/federation.ts';
import { federationAdapter } from '../federation/adapter.ts';
import { activitiesRouter } from '../federation/activities.ts';
import { directoryRouter, startDirectorySync } from '../federation/directory.ts';
import { federationAdminRouter } from '../federation/admin.routes.ts';
import { followingRouter } from '../federation/following.routes.ts';
import { inboxLimit } from '../federation/inbox-limit.ts';
import { startOutbox } from '../federation/outbox.ts';
import { startFederationClearOut } from '../federation/clear-out.ts';
import { backupsRouter } from './backups/backups.routes.ts';
import { startBackupSchedule } from './backups/schedule.ts';
import { refreshSearchIndex } from './forums/search-index.ts';
import type { AppContext } from './context.ts';
import { wireSubscribers } from './subscribers.ts';
import { manageRouter } from './groups/manage.routes.ts';
import { groupsAdminRouter } from './groups/groups.admin.routes.ts';
import { moderationRouter } from './moderation/moderation.routes.ts';
import { moderationMembersRouter } from './moderation/members.routes.ts';
import { moderationAdminRouter } from './moderation/moderation.admin.routes.ts';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { fileURLToPath } from 'node:url';
import { DatabaseSessionStore } from './accounts/session-store.ts';
import { configurePassport } from './accounts/passport.ts';
import { accountsRouter } from './accounts/accounts.routes.ts';
import { adminRouter } from './admin/admin.routes.ts';
import { setupRouter, setupGate } from './admin/setup.routes.ts';
import { pagesRouter, healthRouter } from './web/pages.routes.ts';
import { forumsRouter } from './forums/forums.routes.ts';
import { threadsRouter } from './forums/threads.routes.ts';
import { searchRouter } from './forums/search.routes.ts';
import { notificationsRouter } from './notifications/notifications.routes.ts';
import { forumsAdminRouter } from './forums/forums.admin.routes.ts';
import { chooseLocale } from './web/locale.ts';
import { pageLocals } from './web/locals.ts';
import { handleErrors, handleNotFound } from './web/errors.ts';
import { csrf } from './web/csrf.ts';
import { draftsRouter, forgetDraftOnceSent } from './web/drafts.ts';
import { homeRouter } from './home/home.routes.ts';
import { lookRouter, lookUpload } from './look/look.routes.ts';
import { figuresRouter } from './figures/figures.routes.ts';
import { questionnairesRouter } from './questionnaires/questionnaires.routes.ts';
import { mentoringRouter } from './mentoring/mentoring.routes.ts';
import { siteImage } from './look/look.service.ts';
import { unsubscribeRouter } from './notifications/unsubscribe.routes.ts';
import { startMailQueue } from './notifications/email.queue.ts';
import { startPairCalendar } from './mentoring/calendar.ts';
import { refuseControlCharacters } from './web/input.ts';
import { visitorPageCache } from './web/page-cache.ts';
import { helpers } from './web/helpers/index.ts';
import { viewEngine } from './web/views.ts';
import { observeRequests } from './web/observe.ts';
import { createMetrics } from './web/metrics.ts';


const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Builds the Express app without listening, so tests can start it on any port. */
export function buildApp(context: AppContext): { app: express.Express; close(): void } {
  const { config, database } = context;
  wireSubscribers();
  const app = express();
  const store = new DatabaseSessionStore(database.db);
  const secureCookies = config.baseUrl.protocol === 'https:';

  // One reverse proxy in front: the client's address is the one it saw (the last X-Forwarded-For
  // entry), not the first, which anyone can write and so slip past the per-address rate limits.
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('context', context);
  app.engine('.hbs', viewEngine(root('views'), helpers));
  app.set('view engine', '.hbs');
  app.set('views', root('views'));
  // Compile each template once, not on every request (Express only does so by itself when NODE_ENV=production).
  app.set('view cache', true);
  app.disable('x-powered-by');
  const metrics = createMetrics(context);
  app.use(observeRequests(context.logRequest ? [metrics.record, context.logRequest] : [metrics.record]));

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(secureCookies ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: secureCookies,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use('/static', express.static(root('public'), { maxAge: '1h', index: false }));
  // Browsers ask for /favicon.ico whatever the page says; the answer is the same small icon.
  app.get('/favicon.ico', async (_req, res) => {
    // The association's own icon when it has a logo, else the built-in one.
    const own = await siteImage(database.db, 'favicon');
    if (own) return res.set('Cache-Control', 'public, max-age=86400').type('image/png').send(Buffer.from(own.content));
    res.sendFile(root('public/favicon.svg'), { maxAge: '1d', headers: { 'content-type': 'image/svg+xml' } });
  });
  app.use(healthRouter(database));
  app.use(metrics.router);
  // ActivityPub, WebFinger and NodeInfo: before the page cache and before any body parser.
  const federation = buildFederation(context);
  app.post(['/ap/inbox', '/ap/actors/:identifier/inbox'], inboxLimit(database.background, config.sessionSecret, config.federationInboxLimit));
  app.use(federationAdapter(federation, context));
  app.use(activitiesRouter(context));
  app.use(directoryRouter(context));
  const stopQueue = new AbortController();
  // Work done in the background (deliveries, queued activities) is not counted as a page's queries.
  const background: AppContext = { ...context, database: { ...context.database, db: context.database.background } };
  startOutbox(federation, background, stopQueue.signal);
  if (!context.worker || context.worker.number === 1) {
    startDirectorySync(federation, background, stopQueue.signal);
    startBackupSchedule(background, stopQueue.signal);
    startMailQueue(background, stopQueue.signal);
    startPairCalendar(background, stopQueue.signal);
    startFederationClearOut(background, stopQueue.signal);
    // After an upgrade that changed the search documents, or a change of languages cut short.
    refreshSearchIndex(background.database.db)
      .then((n) => n && context.log(`search: made the search index again (${n} posts)`))
      .catch((error: Error) => context.log(`search: making the search index again failed: ${error.message}`));
  }
  federation.startQueue(background, { signal: stopQueue.signal }).catch((error: unknown) => context.log(`federation: the queue stopped: ${String(error)}`));
  if (config.pageCacheMs > 0) app.use(visitorPageCache(config, { ttlMs: config.pageCacheMs }));
  app.use(
    session({
      name: 'kohtaamo.sid',
      secret: config.sessionSecret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: 30 * 86_400_000 },
    }),
  );
  const authenticator = configurePassport(database.db);
  app.use(authenticator.initialize());
  app.use(authenticator.session());
  app.use(chooseLocale(config));
  app.use(pageLocals(context));
  // Forms are read after the language is chosen, so a refusal (too large, control characters) speaks the reader's language.
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(refuseControlCharacters);
  // An unsubscribe link carries its own signed token, and mail programs post to it without a session.
  app.use(unsubscribeRouter(context));
  // The logo form is multipart: its fields (the token among them) are read with the file, for admins only.
  app.post('/admin/look', lookUpload);
  app.use(csrf.csrfSynchronisedProtection);
  app.use((req, _res, next) => {
    forgetDraftOnceSent(req);
    next();
  });
  app.use(setupGate(database.db));
  app.use(setupRouter(context));
  app.use(homeRouter(context));
  app.use(lookRouter(context));
  app.use(figuresRouter(context));
  app.use(questionnairesRouter(context));
  app.use(mentoringRouter(context));
  app.use(pagesRouter(context));
  app.use(draftsRouter());
  app.use(accountsRouter(context, authenticator));
  app.use(groupsRouter(context));
  app.use(manageRouter(context));
  app.use(forumsRouter(context));
  app.use(threadsRouter(context));
  app.use(followingRouter(context, federation));
  app.use(searchRouter(context));
  app.use(notificationsRouter(context));
  app.use(moderationMembersRouter(context));
  app.use(moderationRouter(context));
  app.use('/admin/forums', forumsAdminRouter(context));
  app.use('/admin/groups', groupsAdminRouter(context));
  app.use('/admin/moderation', moderationAdminRouter(context));
  app.use('/admin/federation', federationAdminRouter(context, federation));
  app.use('/admin/backups', backupsRouter(context));
  app.use('/admin', adminRouter(context));
  app.use(handleNotFound);
  app.use(handleErrors(context));
  return {
    app,
    close: () => {
      stopQueue.abort();
      store.close();
    },
  };
}
