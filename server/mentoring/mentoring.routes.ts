import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { canReadPairSpace, requireAdmin, requireSignedIn } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { getSettings, writeSettings } from '../admin/settings.service.ts';
import { groupLanguages } from '../groups/groups.tables.ts';
import { ownGroups } from '../groups/groups.service.ts';
import { weekdayNames } from '../groups/group-view.ts';
import { findMunicipality, municipalityOptions, placeName, regionOptions } from '../groups/municipalities.ts';
import { formView } from '../web/forms.ts';
import { markPairRead } from '../notifications/notifications.service.ts';
import { idParam } from '../web/params.ts';
import { saveAndRedirect } from '../web/session.ts';
import type { FieldErrors } from '../validation.ts';
import { locales, type Locale } from '../config.ts';
import { translator } from '../i18n/i18n.ts';
import {
  addCoordinator,
  addInterest,
  apply,
  changeApplication,
  coordinatesScheme,
  interestName,
  isCoordinator,
  listCoordinators,
  listInterests,
  myApplications,
  recordTraining,
  removeCoordinator,
  removeInterest,
  renameInterest,
  fittingMentors,
  inTrainingGroup,
  setTrainingGroup,
  waitingLists,
  withdraw,
  type Application,
  type Interest,
} from './mentoring.service.ts';
import { answerCheckin, answerProposal, changePairMonths, checkinTotals, closePair, closesOn, closingFeedbackDue, currentPairs, dueCheckins, editableMessage, editOwnMessage, endedPairsOf, endedPairsSince, endPair, findPair, giveClosingFeedback, inviteCoordinators, logMeeting, meetingsOf, pairMessages, pairsOf, proposePair, removeOwnMessage, withdrawProposal, writeToPair, type FoundPair } from './pairs.service.ts';
import { renderMarkdown } from '../markup/markup.ts';
import { pairActivities, type MentorPair } from './mentoring.tables.ts';

/** How one of a pair is named: a deleted account reads as such, as its posts do. */
const nameIn = (locale: Locale) => (person: FoundPair['peer']) => (person.handle === null ? translator(locale)('forums.deletedMember') : person.displayName || person.handle);

export function mentoringRouter({ database, config }: AppContext): Router {
  const db = database.db;
  const router = Router();

  /** The scheme's pages exist only while the node runs the scheme. */
  const schemeOn = async () => {
    if (!(await getSettings(db))?.mentorScheme) throw new NotFoundError();
  };
  /** The applications are the coordinators' alone: anyone else finds nothing. */
  const coordinating = async (req: Request) => {
    if (!(await coordinatesScheme(db, req.user?.id))) throw new NotFoundError();
  };
  router.use('/mentoring', requireSignedIn);

  /** The group where the training course is held, if the admins named one. */
  const trainingGroup = async () => {
    const id = (await getSettings(db))?.mentorTrainingGroupId;
    return id ? ((await db.query.groups.findFirst({ where: (g, { eq }) => eq(g.id, id) })) ?? null) : null;
  };

  /** What an application says, in the reader's words (for the applicant and the coordinators). */
  const described = (application: Application, interests: Interest[], locale: Locale) => {
    const municipality = findMunicipality(application.municipalityCode);
    const days = weekdayNames(locale);
    return {
      ...application,
      where: municipality ? placeName(municipality, locale) : '',
      interests: interests.filter((i) => application.interestIds.includes(i.id)).map((i) => interestName(i, locale, config.defaultLocale)),
      days: application.weekdays.map((d) => days[d - 1]).join(', '),
    };
  };

  /** The choices of the application form. */
  const applicationOptions = (interests: Interest[], locale: Locale) => ({
    languages: groupLanguages,
    interests: interests.map((i) => ({ id: i.id, name: interestName(i, locale, config.defaultLocale) })),
    weekdays: weekdayNames(locale).map((name, i) => ({ id: String(i + 1), name })),
    municipalityGroups: regionOptions(locale).map((region) => ({ ...region, municipalities: municipalityOptions(locale).filter((m) => m.region === region.code) })),
  });

  const memberView = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}, refused?: string) => {
    const nameOf = nameIn(req.locale);
    // Which side of the pair the reader is on, and who the other is.
    const sides = (row: Pick<FoundPair, 'peer' | 'mentor'>) => {
      const iAmPeer = row.peer.id === req.user!.id;
      return { iAmPeer, other: nameOf(iAmPeer ? row.mentor : row.peer) };
    };
    const interests = await listInterests(db);
    const mine = await myApplications(db, req.user!);
    const pairs: (MentorPair & { iAmPeer: boolean; other: string; mine: string | null; meetings: Awaited<ReturnType<typeof meetingsOf>> })[] = [];
    for (const row of await pairsOf(db, req.user!)) {
      const { pair } = row;
      const side = sides(row);
      // One after another: a small list, and PGlite's one connection.
      const meetings: Awaited<ReturnType<typeof meetingsOf>> = pair.status === 'active' ? await meetingsOf(db, pair.id) : [];
      pairs.push({ ...pair, ...side, mine: side.iAmPeer ? pair.peerAnswer : pair.mentorAnswer, meetings });
    }
    const earlier = (await endedPairsOf(db, req.user!)).map((row) => ({ id: row.pair.id, startsOn: row.pair.startsOn, endedOn: row.pair.endedOn, ...sides(row) }));
    return {
      title: 'mentoring.title',
      pairs,
      earlier,
      mine: mine.map((application) => described(application, interests, req.locale)),
      // One application of a kind at a time, and none while in a pair or a proposal of that kind.
      canApplyAs: (['peer', 'mentor'] as const).filter((kind) => !mine.some((a) => a.kind === kind) && !pairs.some((p) => p.iAmPeer === (kind === 'peer'))),
      options: applicationOptions(interests, req.locale),
      refused,
      trainingGroup: mine.some((a) => a.kind === 'mentor' && !a.trainedOn) ? await trainingGroup() : null,
      coordinator: await isCoordinator(db, req.user!.id),
      activities: pairActivities,
      ...formView(req, { kind: mine.some((a) => a.kind === 'peer') ? 'mentor' : 'peer', languages: [req.locale], on: new Date().toISOString().slice(0, 10), activity: 'leisure', ...values }, errors),
    };
  };

  // @route GET /mentoring — the peer-mentor scheme: my applications, their place and the usual wait; applying
  router.get('/mentoring', async (req, res) => {
    await schemeOn();
    res.render('mentoring/index', await memberView(req));
  });

  // @route POST /mentoring/apply — as a peer (wants a mentor) or as a mentor
  router.post('/mentoring/apply', async (req, res) => {
    await schemeOn();
    const result = await apply(db, req.user!, req.body);
    if (!result.ok && result.kind === 'invalid') return res.status(422).render('mentoring/index', await memberView(req, req.body, result.errors));
    if (!result.ok) return res.status(409).render('mentoring/index', await memberView(req, req.body, {}, 'mentoring.alreadyWaiting'));
    await saveAndRedirect(req, res, '/mentoring', 'mentoring.applied');
  });

  /** The member's own waiting application of the kind in the address; anyone else's is not there. */
  const ownWaiting = async (req: Request) => {
    await schemeOn();
    const kind = req.params.kind;
    const application = kind === 'peer' || kind === 'mentor' ? (await myApplications(db, req.user!)).find((a) => a.kind === kind) : undefined;
    if (!application) throw new NotFoundError();
    return application;
  };
  const changeView = async (req: Request, application: Application, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
    title: 'mentoring.changeTitle',
    kind: application.kind,
    options: applicationOptions(await listInterests(db), req.locale),
    ...formView(req, values, errors),
  });

  // @route GET /mentoring/change/:kind — the applicant changes what their waiting application says
  router.get('/mentoring/change/:kind', async (req, res) => {
    const application = await ownWaiting(req);
    const { languages, municipalityCode, remote, interestIds, weekdays, note } = application;
    res.render('mentoring/change', await changeView(req, application, { languages, municipalityCode, remote: remote ? 'on' : '', interestIds, weekdays: weekdays.map(String), note }));
  });

  // @route POST /mentoring/change/:kind — the changed application, keeping its place
  router.post('/mentoring/change/:kind', async (req, res) => {
    const application = await ownWaiting(req);
    const result = await changeApplication(db, req.user!, application.kind, req.body);
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/change', await changeView(req, application, req.body, result.errors));
    await saveAndRedirect(req, res, '/mentoring#mine', 'mentoring.changed');
  });

  // @route POST /mentoring/withdraw — takes a waiting application back
  router.post('/mentoring/withdraw', async (req, res) => {
    await schemeOn();
    const kind = req.body.kind === 'mentor' ? 'mentor' : 'peer';
    await withdraw(db, req.user!, kind);
    await saveAndRedirect(req, res, '/mentoring', 'mentoring.withdrawn');
  });

  // @route POST /mentoring/pairs/:id/answer — yes or no to a proposed pair
  router.post('/mentoring/pairs/:id/answer', async (req, res) => {
    await schemeOn();
    const result = await answerProposal(db, req.user!, idParam(req), req.body.answer === 'yes');
    if (!result.ok) throw new NotFoundError();
    await saveAndRedirect(req, res, '/mentoring', `mentoring.answers.${result.status}`);
  });

  /** A form on the coordinators' page that came back with errors: a proposal for a mentee, a change to a running pair, or a mentor's training. */
  type Returned = { peer?: string; pair?: string; training?: string; values: Record<string, unknown>; errors: FieldErrors };
  const applicationsView = async (req: Request, returned: Returned | null = null) => {
    const proposal = returned?.peer ? returned : null;
    const interests = await listInterests(db);
    const lists = await waitingLists(db);
    const show = (rows: typeof lists.peers) => rows.map((row) => ({ ...described(row.application, interests, req.locale), username: row.username, displayName: row.displayName }));
    const days = weekdayNames(req.locale);
    const t = translator(req.locale);
    const shownPeers = show(lists.peers);
    // For each mentee, the trained mentors who fit, with what they share.
    const peers = lists.peers.map((row, i) => ({
      ...shownPeers[i]!,
      proposal: proposal?.peer === row.application.id ? proposal : { values: { months: '6' }, errors: {} },
      fitting: fittingMentors(row.application, lists.mentors).map(({ username, fit }) => ({
        username,
        shares: [
          ...fit.languages.map((code) => t(`groups.languages.${code}`)),
          ...(fit.samePlace ? [shownPeers[i]!.where] : []),
          ...(fit.bothOnline ? [t('mentoring.remoteShort')] : []),
          ...interests.filter((interest) => fit.interestIds.includes(interest.id)).map((interest) => interestName(interest, req.locale, config.defaultLocale)),
          ...fit.weekdays.map((day) => days[day - 1]),
        ].join(', '),
      })),
    }));
    const trained = lists.mentors.filter((row) => row.application.trainedOn).map((row) => ({ value: row.application.id, name: `@${row.username}` }));
    const pairs = (await currentPairs(db)).map(({ pair, peer, mentor }) => ({
      ...pair,
      peer: peer.username,
      mentor: mentor.username,
      change: returned?.pair === pair.id ? returned : { values: { months: String(pair.months) }, errors: {} },
    }));
    // The last twelve months' endings, each with why when it ended early (the one who ended it wrote it for them).
    const handle = (person: FoundPair['peer']) => (person.handle === null ? t('forums.deletedMember') : `@${person.handle}`);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const ended = (await endedPairsSince(db, yearAgo))
      .map(({ pair, peer, mentor }) => ({ ...pair, peer: handle(peer), mentor: handle(mentor), early: Boolean(pair.endedOn && pair.endsOn && pair.endedOn < pair.endsOn) }))
      .sort((a, b) => (b.endedOn ?? '').localeCompare(a.endedOn ?? ''));
    const settings = await getSettings(db);
    const threshold = settings?.smallNumberThreshold ?? 5;
    const going = await checkinTotals(db, threshold);
    // Mentors in training who are already in the course's group.
    const inCourse = await inTrainingGroup(db, settings?.mentorTrainingGroupId, lists.mentors.filter((row) => !row.application.trainedOn).map((row) => row.application.userId));
    const today = new Date().toISOString().slice(0, 10);
    const mentors = show(lists.mentors).map((mentor) => ({
      ...mentor,
      inCourse: inCourse.has(mentor.userId),
      training: returned?.training === mentor.id ? returned : { values: { trainedOn: today }, errors: {} },
    }));
    const summary = returned?.pair ? 'mentoring.pairChangeInvalid' : returned?.training ? 'mentoring.trainingInvalid' : 'mentoring.proposalInvalid';
    return { title: 'mentoring.applicationsTitle', summary, peers, mentors, trained, pairs, ended, going, threshold, today, ...formView(req, {}, returned?.errors ?? {}) };
  };

  // @route POST /mentoring/pairs/:id/meetings — one of the pair logs a meeting (a day and what they did)
  router.post('/mentoring/pairs/:id/meetings', async (req, res) => {
    await schemeOn();
    const result = await logMeeting(db, req.user!, idParam(req), req.body);
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/index', await memberView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/mentoring#pairs', 'mentoring.meetingLogged');
  });

  /** The pair, for its two people and (once invited) the coordinators; anyone else finds nothing. */
  const readablePair = async (req: Request) => {
    await schemeOn();
    const found = await findPair(db, idParam(req));
    const coordinatorInvited = Boolean(found?.pair.coordinatorInvitedAt);
    if (!found || !canReadPairSpace(req.user, { peerId: found.peer.id, mentorId: found.mentor.id, coordinatorInvited }, coordinatorInvited && (await isCoordinator(db, req.user?.id)))) throw new NotFoundError();
    return found;
  };

  const spaceView = async (req: Request, found: FoundPair, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => {
    const name = nameIn(req.locale);
    const invitedBy = found.pair.coordinatorInvitedBy === found.peer.id ? found.peer : found.pair.coordinatorInvitedBy === found.mentor.id ? found.mentor : null;
    return {
      titleText: `${name(found.peer)} · ${name(found.mentor)}`,
      pair: found.pair,
      peer: name(found.peer),
      mentor: name(found.mentor),
      inPair: req.user!.id === found.peer.id || req.user!.id === found.mentor.id,
      due: req.user!.id === found.peer.id || req.user!.id === found.mentor.id ? await dueCheckins(db, req.user!, found) : [],
      early: Boolean(found.pair.endsOn && new Date().toISOString().slice(0, 10) < found.pair.endsOn),
      closesOn: found.pair.endsOn ? closesOn(found.pair.endsOn) : null,
      closing: await closingFeedbackDue(db, req.user!, found),
      invitedBy: invitedBy ? name(invitedBy) : null,
      messages: (await pairMessages(db, found.pair.id)).map((m) => ({ ...m, bodyHtml: renderMarkdown(m.body), mine: m.authorId === req.user!.id })),
      ...formView(req, values, errors),
    };
  };

  // @route GET /mentoring/pairs/:id — the pair's own conversation
  router.get('/mentoring/pairs/:id', async (req, res) => {
    const found = await readablePair(req);
    await markPairRead(db, req.user!.id, found.pair.id);
    res.render('mentoring/pair', await spaceView(req, found));
  });

  // @route POST /mentoring/pairs/:id/messages — a message to the pair's conversation
  router.post('/mentoring/pairs/:id/messages', async (req, res) => {
    const found = await readablePair(req);
    const result = await writeToPair(db, req.user!, found, req.body);
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/pair', await spaceView(req, found, req.body, result.errors));
    if (result.crisis) req.session.crisisHelp = 'message';
    await saveAndRedirect(req, res, `/mentoring/pairs/${found.pair.id}#write`);
  });

  const editView = (found: FoundPair, req: Request, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
    title: 'mentoring.editMessageTitle',
    pair: found.pair,
    messageId: idParam(req, 'message'),
    ...formView(req, values, errors),
  });

  // @route GET /mentoring/pairs/:id/messages/:message/edit — the writer corrects a message of their own
  router.get('/mentoring/pairs/:id/messages/:message/edit', async (req, res) => {
    const found = await readablePair(req);
    const message = await editableMessage(db, req.user!, found, idParam(req, 'message'));
    if (!message) throw new NotFoundError();
    res.render('mentoring/message-edit', editView(found, req, { body: message.body }));
  });

  // @route POST /mentoring/pairs/:id/messages/:message/edit — the corrected message
  router.post('/mentoring/pairs/:id/messages/:message/edit', async (req, res) => {
    const found = await readablePair(req);
    const messageId = idParam(req, 'message');
    const result = await editOwnMessage(db, req.user!, found, messageId, req.body);
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/message-edit', editView(found, req, req.body, result.errors));
    if (result.crisis) req.session.crisisHelp = 'message';
    await saveAndRedirect(req, res, `/mentoring/pairs/${found.pair.id}#message-${messageId}`, 'mentoring.messageEdited');
  });

  // @route POST /mentoring/pairs/:id/messages/:message/remove — the writer takes a message of their own back
  router.post('/mentoring/pairs/:id/messages/:message/remove', async (req, res) => {
    const found = await readablePair(req);
    if (!(await removeOwnMessage(db, req.user!, found, idParam(req, 'message')))) throw new NotFoundError();
    await saveAndRedirect(req, res, `/mentoring/pairs/${found.pair.id}`, 'mentoring.messageRemoved');
  });

  // @route POST /mentoring/pairs/:id/checkins/:months — a check-in answered (rating, note) or skipped
  router.post('/mentoring/pairs/:id/checkins/:months', async (req, res) => {
    const found = await readablePair(req);
    const result = await answerCheckin(db, req.user!, found, Number(req.params.months), req.body, req.body.skip === '1');
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/pair', await spaceView(req, found, req.body, result.errors));
    await saveAndRedirect(req, res, `/mentoring/pairs/${found.pair.id}`, 'mentoring.checkinSaved');
  });

  // @route POST /mentoring/pairs/:id/end — either of the two ends the pair (early: with a reason), with feedback
  router.post('/mentoring/pairs/:id/end', async (req, res) => {
    const found = await readablePair(req);
    const result = await endPair(db, req.user!, found, req.body);
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/pair', await spaceView(req, found, req.body, result.errors));
    await saveAndRedirect(req, res, '/mentoring', 'mentoring.ended');
  });

  // @route POST /mentoring/pairs/:id/closing — after the end, one of the two says how it went (or skips)
  router.post('/mentoring/pairs/:id/closing', async (req, res) => {
    const found = await readablePair(req);
    const result = await giveClosingFeedback(db, req.user!, found, req.body, req.body.skip === '1');
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('mentoring/pair', await spaceView(req, found, req.body, result.errors));
    await saveAndRedirect(req, res, `/mentoring/pairs/${found.pair.id}`, 'mentoring.checkinSaved');
  });

  // @route POST /mentoring/pairs/:id/invite — either of the two asks the coordinators in (shown and recorded)
  router.post('/mentoring/pairs/:id/invite', async (req, res) => {
    const found = await readablePair(req);
    if (!(await inviteCoordinators(db, req.user!, found))) throw new NotFoundError();
    await saveAndRedirect(req, res, `/mentoring/pairs/${found.pair.id}`, 'mentoring.invited');
  });

  // @route GET /mentoring/applications — the waiting mentees and mentors side by side, with who fits whom (coordinators)
  router.get('/mentoring/applications', async (req, res) => {
    await coordinating(req);
    res.render('mentoring/applications', await applicationsView(req));
  });

  // @route POST /mentoring/applications/:id/propose — a coordinator proposes a pair for a waiting mentee
  router.post('/mentoring/applications/:id/propose', async (req, res) => {
    await coordinating(req);
    const peer = idParam(req);
    const result = await proposePair(db, req.user!, peer, req.body);
    if (!result.ok && result.kind === 'invalid') return res.status(422).render('mentoring/applications', await applicationsView(req, { peer, values: req.body, errors: result.errors }));
    await saveAndRedirect(req, res, '/mentoring/applications', result.ok ? 'mentoring.proposed' : `mentoring.refused.${result.reason}`);
  });

  // @route POST /mentoring/pairs/:id/withdraw — a coordinator withdraws a proposal not yet answered by both
  router.post('/mentoring/pairs/:id/withdraw', async (req, res) => {
    await coordinating(req);
    if (!(await withdrawProposal(db, req.user!, idParam(req)))) throw new NotFoundError();
    await saveAndRedirect(req, res, '/mentoring/applications#pairs', 'mentoring.proposalWithdrawn');
  });

  // @route POST /mentoring/pairs/:id/months — a coordinator changes how long a running pair runs
  // @route POST /mentoring/pairs/:id/close — a coordinator ends a running pair, with a reason
  const coordinatorChanges = [
    ['months', changePairMonths, 'mentoring.monthsChanged'],
    ['close', closePair, 'mentoring.closedByCoordinator'],
  ] as const;
  for (const [action, change, done] of coordinatorChanges) {
    router.post(`/mentoring/pairs/:id/${action}`, async (req, res) => {
      await coordinating(req);
      const result = await change(db, req.user!, idParam(req), req.body);
      if (!result.ok && result.kind === 'refused') throw new NotFoundError();
      if (!result.ok) return res.status(422).render('mentoring/applications', await applicationsView(req, { pair: idParam(req), values: req.body, errors: result.errors }));
      await saveAndRedirect(req, res, '/mentoring/applications#pairs', done);
    });
  }

  // @route POST /mentoring/applications/:id/training — a mentor completed the training
  router.post('/mentoring/applications/:id/training', async (req, res) => {
    await coordinating(req);
    const result = await recordTraining(db, idParam(req), req.body);
    if (!result.ok) return res.status(422).render('mentoring/applications', await applicationsView(req, { training: idParam(req), values: req.body, errors: result.errors }));
    await saveAndRedirect(req, res, '/mentoring/applications', 'mentoring.trainingSaved');
  });

  // The admin's side: the switch, the coordinators and the interests.
  router.use('/admin/mentoring', requireAdmin);

  const adminView = async (req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => ({
    title: 'admin.mentoring.title',
    on: (await getSettings(db))?.mentorScheme ?? false,
    groups: (await ownGroups(db)).map((group) => ({ value: group.id, name: group.name })),
    coordinators: await listCoordinators(db),
    interests: (await listInterests(db)).map((i) => ({ id: i.id, name: interestName(i, req.locale, config.defaultLocale), names: locales.flatMap((l) => i.names[l] ?? []).join(' · ') })),
    ...formView(req, { groupId: (await getSettings(db))?.mentorTrainingGroupId ?? '', ...values }, errors),
  });

  // @route GET /admin/mentoring
  router.get('/admin/mentoring', async (req, res) => res.render('admin/mentoring', await adminView(req)));

  // @route POST /admin/mentoring/scheme — the scheme on or off
  router.post('/admin/mentoring/scheme', async (req, res) => {
    await writeSettings(db, { mentorScheme: req.body.on === 'true' });
    await saveAndRedirect(req, res, '/admin/mentoring', 'admin.mentoring.saved');
  });

  // @route POST /admin/mentoring/training — the group where the training course is held, or none
  router.post('/admin/mentoring/training', async (req, res) => {
    const result = await setTrainingGroup(db, req.body);
    if (!result.ok) return res.status(422).render('admin/mentoring', await adminView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/mentoring', 'admin.mentoring.saved');
  });

  // @route POST /admin/mentoring/coordinators — names a member coordinator
  router.post('/admin/mentoring/coordinators', async (req, res) => {
    const result = await addCoordinator(db, typeof req.body.username === 'string' ? req.body.username : '');
    if (!result.ok) return res.status(422).render('admin/mentoring', await adminView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/mentoring', 'admin.mentoring.saved');
  });

  // @route POST /admin/mentoring/coordinators/:id/remove
  router.post('/admin/mentoring/coordinators/:id/remove', async (req, res) => {
    await removeCoordinator(db, idParam(req));
    await saveAndRedirect(req, res, '/admin/mentoring', 'admin.mentoring.saved');
  });

  // @route POST /admin/mentoring/interests — an interest people can share
  router.post('/admin/mentoring/interests', async (req, res) => {
    const result = await addInterest(db, req.body, req.locale);
    if (!result.ok) return res.status(422).render('admin/mentoring', await adminView(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/mentoring', 'admin.mentoring.saved');
  });

  const interestView = (req: Request, interest: Interest, values: Record<string, unknown>, errors: FieldErrors = {}) => ({
    title: 'admin.mentoring.interestNamesTitle',
    interest: { id: interest.id, name: interestName(interest, req.locale, config.defaultLocale) },
    locales,
    ...formView(req, values, errors),
  });
  const interestOf = async (req: Request) => {
    const interest = (await listInterests(db)).find((i) => i.id === idParam(req));
    if (!interest) throw new NotFoundError();
    return interest;
  };

  // @route GET /admin/mentoring/interests/:id — an interest's names, one for each language
  router.get('/admin/mentoring/interests/:id', async (req, res) => {
    const interest = await interestOf(req);
    res.render('admin/mentoring-interest', interestView(req, interest, Object.fromEntries(Object.entries(interest.names).map(([l, name]) => [`name_${l}`, name]))));
  });

  // @route POST /admin/mentoring/interests/:id — its names saved
  router.post('/admin/mentoring/interests/:id', async (req, res) => {
    const interest = await interestOf(req);
    const result = await renameInterest(db, interest.id, req.body, req.locale);
    if (!result.ok && result.kind === 'refused') throw new NotFoundError();
    if (!result.ok) return res.status(422).render('admin/mentoring-interest', interestView(req, interest, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/mentoring#interests', 'admin.mentoring.saved');
  });

  // @route POST /admin/mentoring/interests/:id/remove
  router.post('/admin/mentoring/interests/:id/remove', async (req, res) => {
    await removeInterest(db, idParam(req));
    await saveAndRedirect(req, res, '/admin/mentoring', 'admin.mentoring.saved');
  });

  return router;
}
