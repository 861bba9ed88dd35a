import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { canManageGroup, requireSignedIn } from '../access.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { getSettings } from '../admin/settings.service.ts';
import { findGroupBySlug, relationOf } from '../groups/groups.service.ts';
import { coordinatesScheme } from '../mentoring/mentoring.service.ts';
import { translator } from '../i18n/i18n.ts';
import { formView } from '../web/forms.ts';
import { toCsv } from '../web/csv.ts';
import { idParam, textParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import { paths } from '../paths.ts';
import type { FieldErrors, Invalid } from '../validation.ts';
import { roundAudiences, roundKinds } from './questionnaires.tables.ts';
import { templateNames } from './templates.ts';
import {
  addItem,
  answerRound,
  closeRound,
  createQuestionnaire,
  deleteQuestionnaire,
  editItem,
  findQuestionnaire,
  listQuestionnaires,
  moveItem,
  openRound,
  ownAnswers,
  removeItem,
  results,
  roundFor,
  roundsWaitingFor,
  saveAbout,
  type Found,
  type Owner,
} from './questionnaires.service.ts';

/** A round's name as the reader reads it: start, middle and end in their language, any other as written. */
export function roundName(name: string, t: ReturnType<typeof translator>): string {
  return (roundKinds as readonly string[]).includes(name) ? t(`questionnaires.rounds.${name}`) : name;
}

/** Whose questionnaires a page is about, and where they live. */
type Owning = { owner: Owner; name: string; href: string; base: string; scheme: boolean };

export function questionnairesRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();
  router.use(['/groups/:slug/questionnaires', '/mentoring/questionnaires', '/questionnaires'], requireSignedIn);
  const threshold = async () => (await getSettings(db))?.smallNumberThreshold ?? 5;

  /** A group's, for those who run it; anyone else finds nothing here, as if it did not exist. */
  const groupOwning = async (req: Request): Promise<Owning> => {
    const group = await findGroupBySlug(db, textParam(req, 'slug'));
    if (!group || !canManageGroup(req.user, await relationOf(db, group.id, req.user!.id))) throw new NotFoundError();
    return { owner: group.id, name: group.name, href: paths.group(group), base: `${paths.group(group)}/questionnaires`, scheme: false };
  };
  /** The mentor scheme's, for its coordinators alone (and only while the scheme is on). */
  const schemeOwning = async (req: Request): Promise<Owning> => {
    if (!(await coordinatesScheme(db, req.user!.id))) throw new NotFoundError();
    return { owner: null, name: translator(req.locale)('mentoring.title'), href: '/mentoring/applications', base: '/mentoring/questionnaires', scheme: true };
  };
  manage('/groups/:slug/questionnaires', groupOwning);
  manage('/mentoring/questionnaires', schemeOwning);

  /** Building, rounds and results, the same for a group's questionnaires and the scheme's. */
  function manage(prefix: string, owning: (req: Request) => Promise<Owning>): void {
    const questionnaireOf = async (req: Request): Promise<{ owned: Owning; found: Found }> => {
      const owned = await owning(req);
      const found = await findQuestionnaire(db, owned.owner, idParam(req));
      if (!found) throw new NotFoundError();
      return { owned, found };
    };

    const listView = async (req: Request, owned: Owning, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
      title: 'questionnaires.title',
      owned,
      questionnaires: await listQuestionnaires(db, owned.owner),
      templates: templateNames,
      ...formView(req, values, errors),
    });

    // @route GET /groups/:slug/questionnaires — the group's questionnaires, for its peer leaders
    // @route GET /mentoring/questionnaires — the scheme's questionnaires, for its coordinators
    router.get(prefix, async (req, res) => res.render('questionnaires/list', await listView(req, await owning(req))));

    // @route POST /groups/:slug/questionnaires — a new questionnaire, empty or from a template
    // @route POST /mentoring/questionnaires
    router.post(prefix, async (req, res) => {
      const owned = await owning(req);
      const result = await createQuestionnaire(db, owned.owner, req.body, req.locale);
      if (!result.ok) return res.status(422).render('questionnaires/list', await listView(req, owned, req.body, result.errors));
      await saveAndRedirect(req, res, `${owned.base}/${result.questionnaire.id}`, 'questionnaires.created');
    });

    const editView = (req: Request, owned: Owning, found: Found, values: Record<string, unknown> = {}, errors: FieldErrors = {}, refused?: string) => {
      const t = translator(req.locale);
      return {
        titleText: found.questionnaire.title,
        owned,
        ...found,
        rounds: found.rounds.map((round) => ({ ...round, label: roundName(round.name, t) })),
        roundOpen: found.rounds.some((round) => !round.closedAt),
        audiences: roundAudiences,
        base: `${owned.base}/${found.questionnaire.id}`,
        refused,
        ...formView(req, { kind: 'scale', scaleMax: '5', name: 'start', audience: 'everyone', title: found.questionnaire.title, intro: found.questionnaire.intro, ...values }, errors),
      };
    };
    const refusal = (req: Request, res: Response, owned: Owning, found: Found, result: Invalid | { ok: false; kind: 'refused'; reason: string }) =>
      res
        .status(result.kind === 'invalid' ? 422 : 409)
        .render('questionnaires/edit', editView(req, owned, found, req.body, result.kind === 'invalid' ? result.errors : {}, result.kind === 'refused' ? `questionnaires.refused.${result.reason}` : undefined));

    // @route GET /groups/:slug/questionnaires/:id — its items, and its rounds
    // @route GET /mentoring/questionnaires/:id
    router.get(`${prefix}/:id`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      res.render('questionnaires/edit', editView(req, owned, found));
    });

    // @route POST /groups/:slug/questionnaires/:id/items — an item: a scale, a single choice or free text
    // @route POST /mentoring/questionnaires/:id/items
    router.post(`${prefix}/:id/items`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const result = await addItem(db, found, req.body);
      if (!result.ok) return refusal(req, res, owned, found, result);
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}#items`, 'questionnaires.itemAdded');
    });

    // @route POST /groups/:slug/questionnaires/:id/about — its name and the words before the questions
    // @route POST /mentoring/questionnaires/:id/about
    router.post(`${prefix}/:id/about`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const result = await saveAbout(db, found, req.body);
      if (!result.ok) return refusal(req, res, owned, found, result);
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}`, 'questionnaires.aboutSaved');
    });

    // @route POST /groups/:slug/questionnaires/:id/delete — a questionnaire no round has opened yet
    // @route POST /mentoring/questionnaires/:id/delete
    router.post(`${prefix}/:id/delete`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const result = await deleteQuestionnaire(db, found);
      if (!result.ok) return refusal(req, res, owned, found, result);
      await saveAndRedirect(req, res, owned.base, 'questionnaires.deleted');
    });

    const itemView = (req: Request, owned: Owning, found: Found, itemId: string, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
      title: 'questionnaires.editItemTitle',
      owned,
      questionnaire: found.questionnaire,
      base: `${owned.base}/${found.questionnaire.id}`,
      itemId,
      ...formView(req, values, errors),
    });

    // @route GET /groups/:slug/questionnaires/:id/items/:item/edit — an item's words (or kind), before any round
    // @route GET /mentoring/questionnaires/:id/items/:item/edit
    router.get(`${prefix}/:id/items/:item/edit`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      // Once a round has opened, there is nothing to change.
      const item = found.locked ? undefined : found.items.find((i) => i.id === idParam(req, 'item'));
      if (!item) throw new NotFoundError();
      const values = { kind: item.kind, prompt: item.prompt, scaleMax: String(item.scaleMax ?? 5), lowLabel: item.lowLabel, highLabel: item.highLabel, choices: item.choices.join('\n') };
      res.render('questionnaires/item-edit', itemView(req, owned, found, item.id, values));
    });

    // @route POST /groups/:slug/questionnaires/:id/items/:item/edit
    // @route POST /mentoring/questionnaires/:id/items/:item/edit
    router.post(`${prefix}/:id/items/:item/edit`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const itemId = idParam(req, 'item');
      // Refused: no such item here, or a round has opened (then there is nothing to change, as on the GET).
      const result = await editItem(db, found, itemId, req.body);
      if (!result.ok && result.kind === 'refused') throw new NotFoundError();
      if (!result.ok) return res.status(422).render('questionnaires/item-edit', itemView(req, owned, found, itemId, req.body, result.errors));
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}#items`, 'questionnaires.itemSaved');
    });

    // @route POST /groups/:slug/questionnaires/:id/items/:item/move — one place up or down (direction=up|down)
    // @route POST /mentoring/questionnaires/:id/items/:item/move
    router.post(`${prefix}/:id/items/:item/move`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const result = await moveItem(db, found, idParam(req, 'item'), req.body.direction === 'up');
      if (!result.ok && result.reason === 'missing') throw new NotFoundError();
      if (!result.ok) return refusal(req, res, owned, found, result);
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}#items`);
    });

    // @route POST /groups/:slug/questionnaires/:id/items/:item/remove
    // @route POST /mentoring/questionnaires/:id/items/:item/remove
    router.post(`${prefix}/:id/items/:item/remove`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const result = await removeItem(db, found, idParam(req, 'item'));
      if (!result.ok) return refusal(req, res, owned, found, result);
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}#items`);
    });

    // @route POST /groups/:slug/questionnaires/:id/rounds — opens a round (start, middle, end or a name of one's own)
    // @route POST /mentoring/questionnaires/:id/rounds — the same, for everyone in a pair, the mentees or the mentors
    router.post(`${prefix}/:id/rounds`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const result = await openRound(db, found, req.body);
      if (!result.ok) return refusal(req, res, owned, found, result);
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}#rounds`, owned.scheme ? 'questionnaires.roundOpenedForPairs' : 'questionnaires.roundOpened');
    });

    // @route POST /groups/:slug/questionnaires/:id/rounds/:round/close
    // @route POST /mentoring/questionnaires/:id/rounds/:round/close
    router.post(`${prefix}/:id/rounds/:round/close`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      await closeRound(db, found, idParam(req, 'round'));
      await saveAndRedirect(req, res, `${owned.base}/${found.questionnaire.id}#rounds`, 'questionnaires.roundClosed');
    });

    // @route GET /groups/:slug/questionnaires/:id/results — aggregates only, nothing below the threshold
    // @route GET /mentoring/questionnaires/:id/results
    router.get(`${prefix}/:id/results`, async (req, res) => {
      const { owned, found } = await questionnaireOf(req);
      const t = translator(req.locale);
      const limit = await threshold();
      const shown = await results(db, found, limit);
      res.render('questionnaires/results', {
        titleText: found.questionnaire.title,
        owned,
        questionnaire: found.questionnaire,
        threshold: limit,
        rounds: shown.rounds.map((r) => ({ ...r, label: roundName(r.round.name, t) })),
        change: shown.change,
        base: `${owned.base}/${found.questionnaire.id}`,
      });
    });

    // @route GET /groups/:slug/questionnaires/:id/results.csv — the same aggregates as a spreadsheet
    // @route GET /mentoring/questionnaires/:id/results.csv
    router.get(`${prefix}/:id/results.csv`, async (req, res) => {
      const { found } = await questionnaireOf(req);
      const t = translator(req.locale);
      const shown = await results(db, found, await threshold());
      const rows: (string | number)[][] = [['round', 'item', 'answered', 'mean', 'value', 'count'].map((key) => t(`questionnaires.csv.${key}`))];
      for (const round of shown.rounds.filter((r) => r.shown)) {
        for (const item of round.items.filter((i) => i.kind !== 'text' && i.shown)) {
          for (const { label, count } of item.distribution) rows.push([roundName(round.round.name, t), item.prompt, item.n, item.mean ?? '', label, count]);
        }
      }
      // Start against end, below the rounds as on the page (and as in the association's figures).
      if (shown.change?.items.length) {
        rows.push([], ['item', 'bothAnswered', 'start', 'end', 'change'].map((key) => t(`admin.figures.questionnaireColumns.${key}`)));
        for (const item of shown.change.items) rows.push([item.prompt, item.n, item.start, item.end, item.change]);
      }
      res
        .type('text/csv; charset=utf-8')
        .attachment('questionnaire.csv')
        .set('Cache-Control', 'no-store')
        .send(toCsv(rows));
    });
  }

  // The member's side.

  // @route GET /questionnaires — rounds open for me, and my own answers over time
  router.get('/questionnaires', async (req, res) => {
    const t = translator(req.locale);
    const waiting = await roundsWaitingFor(db, req.user!);
    const mine = await ownAnswers(db, req.user!.id);
    res.render('questionnaires/mine', {
      title: 'questionnaires.mineTitle',
      waiting: waiting.map((w) => ({ ...w, label: roundName(w.round.name, t), whose: w.groupName ?? t('mentoring.title') })),
      mine: mine.map((row) => ({ ...row, label: roundName(row.round, t) })),
    });
  });

  const answerView = (req: Request, res: Response, round: NonNullable<Awaited<ReturnType<typeof roundFor>>>, values: Record<string, unknown> = {}, errors: FieldErrors = {}, status = 200) =>
    res.status(status).render('questionnaires/answer', {
      titleText: round.questionnaire.title,
      ...round,
      label: roundName(round.round.name, translator(req.locale)),
      whose: round.groupName ?? translator(req.locale)('mentoring.title'),
      items: round.items.map((item) => ({ ...item, field: `item-${item.id}`, values: item.scaleMax ? Array.from({ length: item.scaleMax }, (_, i) => String(i + 1)) : [] })),
      ...formView(req, values, errors),
    });

  // @route GET /questionnaires/rounds/:id — a round to answer or skip
  router.get('/questionnaires/rounds/:id', async (req, res) => {
    const round = await roundFor(db, req.user!, idParam(req));
    if (!round) throw new NotFoundError();
    answerView(req, res, round);
  });

  // @route POST /questionnaires/rounds/:id — the answer (once), or skip=1
  router.post('/questionnaires/rounds/:id', async (req, res) => {
    const round = await roundFor(db, req.user!, idParam(req));
    if (!round) throw new NotFoundError();
    const skip = req.body.skip === '1';
    if (!skip && req.body.answer !== '1') throw new BadRequestError();
    const result = await answerRound(db, req.user!, round, req.body, skip);
    if (!result.ok && result.kind === 'invalid') return answerView(req, res, round, req.body, result.errors, 422);
    if (!result.ok) return answerView(req, res, { ...round, answered: true }, {}, {}, 409);
    await saveAndRedirect(req, res, '/questionnaires', skip ? 'questionnaires.skipped' : 'questionnaires.answered');
  });

  return router;
}
