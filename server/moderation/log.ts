// The moderation log: every moderator's action leaves one line, written in the action's transaction.
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { moderationLog, type ModerationAction } from './moderation.tables.ts';

type Entry = { action: ModerationAction; targetUserId?: string | null; postId?: string | null; threadId?: string | null; reason?: string; detail?: string };

export async function log(db: DatabaseLike, actor: Pick<User, 'id'>, entry: Entry): Promise<void> {
  await db.insert(moderationLog).values({ actorId: actor.id, ...entry });
}
