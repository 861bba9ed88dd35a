import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../access.ts';
import { getSettings, saveSettingsForm } from '../admin/settings.service.ts';
import { translator } from '../i18n/i18n.ts';
import { parseForm, realDate, type FieldErrors } from '../validation.ts';
import { formView } from '../web/forms.ts';
import { toCsv } from '../web/csv.ts';
import { saveAndRedirect } from '../web/session.ts';
import { roundName } from '../questionnaires/questionnaires.routes.ts';
import { figuresFor, type Figures, type PeopleCount, type Period } from './figures.queries.ts';

const day = z.string('errors.figures.date').refine(realDate, 'errors.figures.date');
const periodForm = z
  .object({ from: day, to: day })
  .refine((p) => p.to >= p.from, { path: ['to'], message: 'errors.figures.endBeforeStart' })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= 5 * 366 * 86_400_000, { path: ['to'], message: 'errors.figures.tooLong' });
const thresholdForm = z.object({
  smallNumberThreshold: z.coerce.number('errors.figures.threshold').int('errors.figures.threshold').min(3, 'errors.figures.threshold').max(50, 'errors.figures.threshold'),
});

/** This year so far, when no period is asked for. */
function defaultPeriod(now = new Date()): Period {
  const today = now.toISOString().slice(0, 10);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

function periodOf(req: Request): { ok: true; period: Period } | { ok: false; errors: FieldErrors } {
  if (req.query.from === undefined && req.query.to === undefined) return { ok: true, period: defaultPeriod() };
  const parsed = parseForm(periodForm, req.query);
  return parsed.ok ? { ok: true, period: parsed.value } : { ok: false, errors: parsed.errors };
}

export function figuresRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();
  router.use('/admin/figures', requireAdmin);

  const threshold = async () => (await getSettings(db))?.smallNumberThreshold ?? 5;

  // @route GET /admin/figures?from=&to= — the association's figures for a period, per group and in total (printable)
  router.get('/admin/figures', async (req, res) => {
    const asked = periodOf(req);
    const figures = asked.ok ? await figuresFor(db, asked.period, await threshold()) : null;
    res.status(asked.ok ? 200 : 422).render('admin/figures', {
      title: 'admin.figures.title',
      figures,
      questionnaires: figures ? questionnairesView(figures, translator(req.locale)) : [],
      period: asked.ok ? asked.period : null,
      threshold: await threshold(),
      ...formView(req, asked.ok ? { ...asked.period, smallNumberThreshold: await threshold() } : { ...req.query, smallNumberThreshold: await threshold() }, asked.ok ? {} : asked.errors),
    });
  });

  // @route GET /admin/figures.csv?from=&to= — the same as a spreadsheet
  router.get('/admin/figures.csv', requireAdmin, async (req, res) => {
    const asked = periodOf(req);
    if (!asked.ok) return res.redirect(303, '/admin/figures');
    const figures = await figuresFor(db, asked.period, await threshold());
    const t = translator(req.locale);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`figures-${asked.period.from}-${asked.period.to}.csv`)
      .set('Cache-Control', 'no-store')
      .send(csvOf(figures, t));
  });

  // @route POST /admin/figures/threshold — below how many people a figure is not shown
  router.post('/admin/figures/threshold', async (req, res) => {
    const result = await saveSettingsForm(db, thresholdForm, req.body);
    if (!result.ok) {
      const period = defaultPeriod();
      const figures = await figuresFor(db, period, await threshold());
      return res.status(422).render('admin/figures', {
        title: 'admin.figures.title',
        figures,
        questionnaires: questionnairesView(figures, translator(req.locale)),
        period,
        threshold: await threshold(),
        ...formView(req, { ...period, ...req.body }, result.errors),
      });
    }
    await saveAndRedirect(req, res, '/admin/figures', 'admin.figures.thresholdSaved');
  });

  return router;
}

/** Rounds and whose questionnaire in the reader's words. */
function questionnairesView(figures: Figures, t: ReturnType<typeof translator>) {
  return figures.questionnaires.map((q) => ({ ...q, whose: q.group ?? t('mentoring.title'), rounds: q.rounds.map((round) => ({ ...round, label: roundName(round.name, t) })) }));
}

function peopleText(count: PeopleCount, t: ReturnType<typeof translator>): string {
  return 'n' in count ? String(count.n) : 'fewerThan' in count ? t('admin.figures.fewerThan', { n: count.fewerThan }) : t('admin.figures.withheld');
}

/** One row a group, then the total. */
function csvOf(figures: Figures, t: ReturnType<typeof translator>): string {
  const header = ['group', 'meetingsHeld', 'peerLeaders', 'participants', 'newParticipants', 'peopleComing', 'comingMarks'].map((key) => t(`admin.figures.columns.${key}`));
  const line = (name: string, row: Figures['total']) => [name, row.meetingsHeld, row.peerLeaders, peopleText(row.participants, t), peopleText(row.newParticipants, t), peopleText(row.peopleComing, t), row.comingMarks];
  const rows: (string | number)[][] = [...figures.groups.map((group) => line(group.name, group)), line(t('admin.figures.total'), figures.total)];
  if (figures.pairs) {
    const p = figures.pairs;
    rows.push([], [t('admin.figures.pairsTitle')]);
    rows.push([t('admin.figures.pairs.started'), peopleText(p.started, t)], [t('admin.figures.pairs.running'), peopleText(p.running, t)], [t('admin.figures.pairs.ended'), peopleText(p.ended, t)], [t('admin.figures.pairs.meetingsLogged'), p.meetingsLogged]);
  }
  if (figures.questionnaires.length) {
    rows.push([], [t('admin.figures.questionnairesTitle')], ['questionnaire', 'group', 'round', 'answered'].map((key) => t(`admin.figures.questionnaireColumns.${key}`)));
    const shown = questionnairesView(figures, t);
    for (const q of shown) {
      for (const round of q.rounds) rows.push([q.title, q.whose, round.label, peopleText(round.answered, t)]);
    }
    const changes = shown.filter((q) => q.change?.items.length);
    if (changes.length) {
      rows.push([], ['questionnaire', 'group', 'item', 'bothAnswered', 'start', 'end', 'change'].map((key) => t(`admin.figures.questionnaireColumns.${key}`)));
      for (const q of changes) for (const item of q.change!.items) rows.push([q.title, q.whose, item.prompt, item.n, item.start, item.end, item.change]);
    }
  }
  return toCsv([header, ...rows]);
}
