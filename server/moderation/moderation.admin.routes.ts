import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../access.ts';
import { getSettings } from '../admin/settings.service.ts';
import { locales } from '../config.ts';
import { formView } from '../web/forms.ts';
import { idParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import type { FieldErrors } from '../validation.ts';
import { crisisCountries, crisisLineRows, crisisLines } from './crisis.ts';
import { wordRuleActions } from './moderation.tables.ts';
import { saveCrisisLines, saveModerationSettings } from './settings.ts';
import { addRule, listRules, removeRule } from './word-rules.ts';

/** The crisis lines as form values: name-0, phone-0, … with empty rows to add more. */
function lineValues(lines: readonly { name: string; phone: string; hours: string; language: string; country: string }[]) {
  return Object.fromEntries(lines.flatMap((line, i) => Object.entries(line).map(([key, value]) => [`${key}-${i}`, value])));
}

function isFilled(values: Record<string, unknown>, index: number): boolean {
  return Boolean(String(values[`name-${index}`] ?? '').trim() || String(values[`phone-${index}`] ?? '').trim());
}

export function moderationAdminRouter(context: AppContext): Router {
  const db = context.database.db;
  const router = Router();
  router.use(requireAdmin);

  /** One page, three forms; the form that failed keeps its values and errors, the others show what is saved. */
  const view = async (req: Request, failed?: { form: 'settings' | 'rule' | 'lines'; values: Record<string, unknown>; errors: FieldErrors }) => {
    const settings = await getSettings(db);
    const saved = {
      premoderatedPosts: settings?.premoderatedPosts ?? 3,
      publishModerationLog: settings?.publishModerationLog ?? false,
      emergencyNumber: settings?.emergencyNumber ?? '112',
      ...lineValues(crisisLines(settings)),
      locale: req.locale,
      action: 'hold',
    };
    const values = failed ? { ...saved, ...failed.values, publishModerationLog: failed.form === 'settings' ? failed.values.publishModerationLog === 'on' : saved.publishModerationLog } : saved;
    const rules = await listRules(db);
    return {
      title: 'admin.moderation.title',
      // Each language's rules fold behind one line: the crisis defaults alone are some fifty a language.
      ruleGroups: locales.map((locale) => ({ locale, rules: rules.filter((rule) => rule.locale === locale) })).filter((group) => group.rules.length > 0),
      locales,
      ruleActions: wordRuleActions,
      countries: crisisCountries,
      // Fields are named from 0; people count lines from 1. Empty rows fold away behind "add a line".
      lineRows: Array.from({ length: crisisLineRows }, (_, i) => ({ index: i, number: i + 1 })).filter(({ index }) => isFilled(values, index)),
      spareRows: Array.from({ length: crisisLineRows }, (_, i) => ({ index: i, number: i + 1 })).filter(({ index }) => !isFilled(values, index)),
      failedForm: failed?.form,
      ...formView(req, values, failed?.errors),
    };
  };

  // @route GET /admin/moderation — pre-moderation, word rules, crisis lines
  router.get('/', async (req, res) => res.render('admin/moderation', await view(req)));

  // @route POST /admin/moderation/settings
  router.post('/settings', async (req, res) => {
    const result = await saveModerationSettings(db, req.body);
    if (!result.ok) return res.status(422).render('admin/moderation', await view(req, { form: 'settings', values: req.body, errors: result.errors }));
    await saveAndRedirect(req, res, '/admin/moderation', 'admin.moderation.saved');
  });

  // @route POST /admin/moderation/rules
  router.post('/rules', async (req, res) => {
    const result = await addRule(db, req.body);
    if (!result.ok) return res.status(422).render('admin/moderation', await view(req, { form: 'rule', values: req.body, errors: result.errors }));
    await saveAndRedirect(req, res, '/admin/moderation#rules', 'admin.moderation.ruleAdded');
  });

  // @route POST /admin/moderation/rules/:id/delete
  router.post('/rules/:id/delete', async (req, res) => {
    await removeRule(db, idParam(req));
    await saveAndRedirect(req, res, '/admin/moderation#rules', 'admin.moderation.ruleRemoved');
  });

  // @route POST /admin/moderation/crisis-lines
  router.post('/crisis-lines', async (req, res) => {
    const result = await saveCrisisLines(db, req.body);
    if (!result.ok) return res.status(422).render('admin/moderation', await view(req, { form: 'lines', values: req.body, errors: result.errors }));
    await saveAndRedirect(req, res, '/admin/moderation#lines', 'admin.moderation.linesSaved');
  });

  return router;
}
