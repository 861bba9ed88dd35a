import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { requireAdmin, requireStaff } from '../access.ts';
import { userStatuses, type UserStatus } from '../accounts/accounts.tables.ts';
import { createInvite, listInvites, revokeInvite } from '../accounts/invites.service.ts';
import { formView } from '../web/forms.ts';
import { idParam } from '../web/params.ts';
import { invalid, text, type FieldErrors, type Invalid } from '../validation.ts';
import { approveMember, declineMember, listMembers, listPending, pageSize, setRole } from './members.service.ts';
import { liftSuspension, logMemberDecision, suspendMember } from '../moderation/moderation.service.ts';
import type { User } from '../accounts/accounts.service.ts';
import { saveAndRedirect } from '../web/session.ts';
import { getSettings, updateSearchLanguages, updateSettings } from './settings.service.ts';
import { registrationPolicies, searchLanguages } from './settings.tables.ts';
import { refreshSearchIndex } from '../forums/search-index.ts';

function statusFilter(value: unknown): UserStatus | undefined {
  return (userStatuses as readonly unknown[]).includes(value) ? (value as UserStatus) : undefined;
}

/** Staff pages. The approval queue is for moderators too; everything else is for admins. */
export function adminRouter({ database, config, log }: AppContext): Router {
  const db = database.db;
  const router = Router();

  /** Suspending from the members page is a ban until lifted; it goes through moderation so the log keeps it. */
  const moderateMember = async (actor: User, id: string, suspend: boolean, form: unknown): Promise<{ ok: true } | Invalid> => {
    const member = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, id) });
    if (!member) return invalid('user', 'errors.member.unknown');
    const result = suspend ? await suspendMember(db, actor, member, form, true) : await liftSuspension(db, actor, member, form);
    return !result.ok && result.kind === 'refused' ? invalid('user', 'errors.moderation.forbidden') : result;
  };

  const membersView = async (req: Request, errors: FieldErrors = {}) => {
    const q = text(req.query.q).trim();
    const status = statusFilter(req.query.status);
    const page = Math.max(1, Number.parseInt(text(req.query.page), 10) || 1);
    const { members, total } = await listMembers(db, { q, status, page });
    const pages = Math.max(1, Math.ceil(total / pageSize));
    return {
      title: 'admin.members.title',
      members: members.map((m) => ({ ...m, isSelf: m.id === req.user!.id })),
      total,
      filter: { q, status: status ?? '' },
      statuses: userStatuses.filter((s) => s !== 'deleted' && s !== 'remote'),
      previous: page > 1 ? page - 1 : null,
      next: page < pages ? page + 1 : null,
      ...formView(req, {}, errors),
    };
  };

  // @route GET /admin/approvals — new members waiting for staff
  router.get('/approvals', requireStaff, async (req, res) => {
    res.render('admin/approvals', { title: 'admin.approvals.title', pending: await listPending(db), ...formView(req) });
  });

  // @route POST /admin/approvals/:id
  router.post('/approvals/:id', requireStaff, async (req, res) => {
    const id = idParam(req);
    const approve = req.body.decision === 'approve';
    const done = approve ? await approveMember(db, id) : await declineMember(db, id);
    if (done) await logMemberDecision(db, req.user!, id, approve);
    const back = req.body.back === 'queue' ? '/moderation' : '/admin/approvals';
    await saveAndRedirect(req, res, back, done ? `admin.approvals.${approve ? 'approved' : 'declined'}` : 'admin.approvals.gone');
  });

  router.use(requireAdmin);

  const settingsView = (req: Request, values: Record<string, unknown> | undefined, errors: FieldErrors = {}) => ({
    title: 'admin.settings.title',
    policies: registrationPolicies,
    languages: searchLanguages,
    ...formView(req, values, errors),
  });

  // @route GET /admin — node settings
  router.get('/', async (req, res) => {
    const settings = await getSettings(db);
    res.render('admin/settings', settingsView(req, settings));
  });

  // @route POST /admin/settings
  router.post('/settings', async (req, res) => {
    const result = await updateSettings(db, req.body);
    if (!result.ok) {
      return res.status(422).render('admin/settings', settingsView(req, { ...(await getSettings(db)), ...req.body }, result.errors));
    }
    await saveAndRedirect(req, res, '/admin', 'admin.settings.saved');
  });

  // @route POST /admin/search — the languages search understands
  router.post('/search', async (req, res) => {
    const result = await updateSearchLanguages(db, req.body);
    if (!result.ok) return res.status(422).render('admin/settings', settingsView(req, { ...(await getSettings(db)), searchLanguages: [] }, result.errors));
    // Every post's search document is made again in the background; search keeps working meanwhile.
    refreshSearchIndex(database.background).catch((error: Error) => log(`search: making the search index again failed: ${error.message}`));
    await saveAndRedirect(req, res, '/admin', 'admin.settings.searchSaved');
  });

  // @route GET /admin/members
  router.get('/members', async (req, res) => res.render('admin/members', await membersView(req)));

  // @route POST /admin/members/:id — change role, suspend or lift a suspension
  router.post('/members/:id', async (req, res) => {
    const { action } = req.body as Record<string, string | undefined>;
    const id = idParam(req);
    const result =
      action === 'role'
        ? await setRole(db, id, text(req.body.role))
        : await moderateMember(req.user!, id, action === 'suspend', req.body);
    if (!result.ok) return res.status(422).render('admin/members', await membersView(req, result.errors));
    await saveAndRedirect(req, res, '/admin/members', `admin.members.done.${action === 'role' || action === 'suspend' ? action : 'unsuspend'}`);
  });

  const invitesView = async (req: Request, values: Record<string, unknown> = { days: 14, maxUses: 1 }, errors: FieldErrors = {}) => ({
    title: 'admin.invites.title',
    invites: (await listInvites(db)).map((invite) => ({
      ...invite,
      link: new URL(`/register?invite=${invite.code}`, config.baseUrl).href,
      usable: !invite.revoked && invite.expiresAt > new Date() && invite.uses < invite.maxUses,
    })),
    ...formView(req, values, errors),
  });

  // @route GET /admin/invites
  router.get('/invites', async (req, res) => res.render('admin/invites', await invitesView(req)));

  // @route POST /admin/invites
  router.post('/invites', async (req, res) => {
    const result = await createInvite(db, req.user!.id, req.body);
    if (!result.ok) return res.status(422).render('admin/invites', await invitesView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/invites', 'admin.invites.created');
  });

  // @route POST /admin/invites/:id/revoke
  router.post('/invites/:id/revoke', async (req, res) => {
    await revokeInvite(db, idParam(req));
    res.redirect(303, '/admin/invites');
  });

  return router;
}
