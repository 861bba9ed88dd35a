// Whether a new post waits for a moderator before others see it.
import { and, count, eq, isNull, ne } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { isStaff } from '../access.ts';
import { getSettings } from '../admin/settings.service.ts';
import { forums, posts, threads, type HeldReason } from '../forums/forums.tables.ts';
import type { Verdict } from './word-rules.ts';

/** How many of the member's posts others can see: once it reaches the node's number, their posts go straight out. */
export async function approvedPostCount(db: DatabaseLike, authorId: string): Promise<number> {
  // Posts in closed groups' spaces are not checked, so they do not count.
  const [row] = await db
    .select({ n: count() })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .where(and(eq(posts.authorId, authorId), isNull(posts.heldAt), isNull(posts.removedAt), ne(forums.visibility, 'group')));
  return row?.n ?? 0;
}

/**
 * A forum that wants every post approved, then a word rule, then a new member's first posts.
 * Moderators' own posts never wait. In a closed group's space the facilitator already knows
 * everyone, so only word rules hold posts there.
 */
export async function holdReasonFor(db: DatabaseLike, author: User, forum: { requireApproval: boolean; visibility: string; iri?: string | null }, verdict: Verdict): Promise<HeldReason | null> {
  if (isStaff(author)) return null;
  if (forum.requireApproval) return 'forum';
  if (verdict.hold) return 'word_rule';
  // A group elsewhere has its own moderators for its own people: only word rules hold its posts here.
  if (forum.visibility === 'group' || (forum.iri && author.iri)) return null;
  const first = (await getSettings(db))?.premoderatedPosts ?? 0;
  if (first > 0 && (await approvedPostCount(db, author.id)) < first) return 'new_member';
  return null;
}
