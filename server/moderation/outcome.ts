// After a post is saved: the writer hears if it waits for a moderator, and sees crisis help if it sounded like a crisis.
import type { Request, Response } from 'express';
import { saveAndRedirect } from '../web/session.ts';
import type { Outcome } from '../forums/threads.service.ts';

// The crisis box says itself whether the post is out or waits, so the writer is told one thing, once.
export async function redirectAfterPosting(req: Request, res: Response, url: string, outcome: Outcome): Promise<void> {
  if (outcome.crisis) req.session.crisisHelp = outcome.held ? 'held' : 'published';
  await saveAndRedirect(req, res, url, outcome.held && !outcome.crisis ? 'moderation.heldNotice' : undefined);
}
