// What moderation does when something happens elsewhere: a crisis-worded post raises an alert.
import { and, eq, isNull } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { subscribe } from '../events.ts';
import { reports } from './moderation.tables.ts';

/** A post that sounds like its writer is in crisis: the moderators hear of it at the top of the queue; the post itself goes out as written. */
async function raiseCrisisAlert(db: DatabaseLike, post: { postId: string; authorId: string }): Promise<void> {
  const [open] = await db.select({ id: reports.id }).from(reports).where(and(eq(reports.postId, post.postId), eq(reports.reason, 'crisis_wording'), isNull(reports.resolvedAt)));
  if (!open) await db.insert(reports).values({ postId: post.postId, subjectUserId: post.authorId, reporterId: null, reason: 'crisis_wording' });
}

export function subscribeModeration(): void {
  subscribe('moderation: crisis alerts', ['post.crisisWording'], raiseCrisisAlert);
}
