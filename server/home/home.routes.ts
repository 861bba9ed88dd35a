import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { isSignedIn, isStaff } from '../access.ts';
import { renderMarkdown } from '../markup/markup.ts';
import { formView } from '../web/forms.ts';
import { placeText } from '../groups/group-view.ts';
import { conversationsWithNews, myGroups, nextPublicMeetings, requestsToAnswer } from './home.queries.ts';
import { roundsWaitingFor } from '../questionnaires/questionnaires.service.ts';
import { dueCheckins, pairsOf } from '../mentoring/pairs.service.ts';

export function homeRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();

  // @route GET / — a member's day (groups, meetings, conversations, what waits for them); the association's front page for visitors
  router.get('/', async (req, res) => {
    const settings = res.locals.node as { description?: string; notice?: string };
    const user = req.user;
    if (!isSignedIn(user)) {
      const meetings = await nextPublicMeetings(db);
      return res.render('pages/home', {
        title: 'home.title',
        description: renderMarkdown(settings.description ?? ''),
        nextMeetings: meetings.map((group) => ({ slug: group.slug, name: group.name, start: group.nextMeetingAt, end: group.nextMeetingEndsAt, place: placeText(group, req.locale), remote: group.remote })),
      });
    }
    // One after another: the page's few queries are small, and a PGlite node has one connection.
    const groups = await myGroups(db, user);
    const conversations = await conversationsWithNews(db, user);
    const requests = await requestsToAnswer(db, user);
    const questionnaires = await roundsWaitingFor(db, user);
    const pairs = await pairsOf(db, user);
    const proposals = pairs.filter(({ pair, peer }) => pair.status === 'proposed' && !(peer.id === user.id ? pair.peerAnswer : pair.mentorAnswer));
    // A check-in due in a running pair waits here until answered or skipped.
    const checkins: { pairId: string; months: number }[] = [];
    for (const row of pairs.filter(({ pair }) => pair.status === 'active')) for (const months of await dueCheckins(db, user, row)) checkins.push({ pairId: row.pair.id, months });
    res.render('pages/home', {
      title: 'home.title',
      noticeHtml: settings.notice ? renderMarkdown(settings.notice) : '',
      groups: groups.map(({ group, facilitates, meetings }) => ({
        slug: group.slug,
        name: group.name,
        facilitates,
        paused: group.status === 'paused',
        meetings: meetings.map((m) => ({ ...m, iso: m.start.toISOString(), upcoming: m.start > new Date() })),
      })),
      conversations,
      requests,
      questionnaires,
      proposals,
      checkins,
      queue: isStaff(user) ? res.locals.viewer.queue : null,
      ...formView(req),
    });
  });

  return router;
}
