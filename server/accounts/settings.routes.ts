import type { Request, Router } from 'express';
import type { AppContext } from '../context.ts';
import { requireSignedIn } from '../access.ts';
import { formView } from '../web/forms.ts';
import { signOut, saveAndRedirect } from '../web/session.ts';
import { text } from '../validation.ts';
import { changePassword, updateProfile, type User } from './accounts.service.ts';
import { deleteAccount, exportAccountData } from '../account-data/account-data.service.ts';

function profileValues(user: User) {
  return { displayName: user.displayName, bio: user.bio, email: user.email ?? '', locale: user.locale ?? '' };
}

/** A member's own settings: profile, password, data download and account deletion. */
export function settingsRoutes(router: Router, { database }: AppContext): void {
  const db = database.db;
  const settingsView = (req: Request, values: Record<string, unknown>, errors = {}, passwordErrors = {}) => ({
    title: 'settings.title',
    ...formView(req, values, errors),
    passwordErrors,
    passwordErrorList: Object.entries(passwordErrors).map(([field, key]) => ({ field, key })),
  });

  // @route GET /settings
  router.get('/settings', requireSignedIn, (req, res) => {
    res.render('accounts/settings', settingsView(req, profileValues(req.user!)));
  });

  // @route POST /settings
  router.post('/settings', requireSignedIn, async (req, res) => {
    const result = await updateProfile(db, req.user!, req.body);
    if (!result.ok) return res.status(422).render('accounts/settings', settingsView(req, req.body, result.errors));
    // The saved language is the one the pages show from now on, over a choice made from the header.
    delete req.session.locale;
    await saveAndRedirect(req, res, '/settings', 'settings.saved');
  });

  // @route POST /settings/password
  router.post('/settings/password', requireSignedIn, async (req, res) => {
    const result = await changePassword(db, req.user!, text(req.body.currentPassword), text(req.body.newPassword));
    if (!result.ok) return res.status(422).render('accounts/settings', settingsView(req, profileValues(req.user!), {}, result.errors));
    await saveAndRedirect(req, res, '/settings', 'settings.passwordChanged');
  });

  // @route GET /settings/export — everything about me, as a JSON file
  router.get('/settings/export', requireSignedIn, async (req, res) => {
    const data = await exportAccountData(db, req.user!.id);
    res.attachment(`kohtaamo-${req.user!.username}.json`).type('application/json').send(JSON.stringify(data, null, 2));
  });

  // @route GET /settings/delete — an honest confirmation page
  router.get('/settings/delete', requireSignedIn, (req, res) => {
    res.render('accounts/delete', { title: 'delete.title', ...formView(req) });
  });

  // @route POST /settings/delete
  router.post('/settings/delete', requireSignedIn, async (req, res) => {
    const result = await deleteAccount(db, req.user!, text(req.body.password));
    if (!result.ok) return res.status(422).render('accounts/delete', { title: 'delete.title', ...formView(req, {}, result.errors) });
    await signOut(req);
    res.render('accounts/deleted', { title: 'delete.doneTitle' });
  });
}
