// The other servers as delivery sees them: the last thing that went wrong with each (for the
// admin's delivery page), and followers whose inbox is gone for good.
import { eq, or } from 'drizzle-orm';
import { SendActivityError } from '@fedify/fedify';
import type { AppContext } from '../server/context.ts';
import { federationPeers, followers } from './federation.tables.ts';

/** Fedify tells of every failed try; an HTTP answer names its inbox, a refused connection only its message. */
export async function recordFailure(context: AppContext, error: Error): Promise<void> {
  const inbox = error instanceof SendActivityError ? error.inbox : /https?:\/\/[^\s)]+/.exec(error.message)?.[0];
  if (!inbox) return;
  const host = new URL(inbox).host;
  const lastError = (error instanceof SendActivityError ? `${error.statusCode} ${error.responseBody}` : String(error.cause ?? error.message)).slice(0, 300);
  await context.database.background
    .insert(federationPeers)
    .values({ host, lastError })
    .onConflictDoUpdate({ target: federationPeers.host, set: { lastError, failedAt: new Date() } })
    .catch((failure: unknown) => context.log(`federation: could not record a failure: ${String(failure)}`));
}

export async function dropGone(context: AppContext, inbox: URL): Promise<void> {
  await context.database.background.delete(followers).where(or(eq(followers.inbox, inbox.href), eq(followers.sharedInbox, inbox.href)));
}
