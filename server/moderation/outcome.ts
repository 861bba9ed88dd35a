// After a post is saved: the writer hears if it waits for a moderator, and sees crisis help if it sounded like a crisis.
import type { Request, Response } from 'express';
import { saveAndRedirect } from '../web/session.ts';
import type { Outcome } from '../forums/threads.service.ts';

export async function redirectAfterPosting(req: Request, res: Response, url: string, outcome: Outcome): Promise<void> {
  if (outcome.crisis) req.session.crisisHelp = true;
  await saveAndRedirect(req, res, url, outcome.held ? 'moderation.heldNotice' : undefined);
}
