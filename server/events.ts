// What happens in the domain, told once by the service that made it happen, inside its own
// transaction. Side effects (notices to people, crisis alerts for moderators, and later delivery to
// other servers) subscribe here instead of being called from the services, so a new consumer never
// needs a second copy of the rules about when something became visible.
import type { DatabaseLike } from './db/client.ts';

/**
 * A post as the publication rule sees it. `public` says whether isPublic holds: for a post that
 * was published or changed, now; for one withdrawn, just before (peers then hold a copy to take back).
 */
export type PostFacts = { postId: string; threadId: string; forumId: string; authorId: string; actorId: string; number: number; public: boolean };

export type DomainEvent =
  /** The post became visible to its forum's readers: written, let through by a moderator, or restored. */
  | ({ type: 'post.published' } & PostFacts)
  /** A visible post was edited. */
  | ({ type: 'post.changed' } & PostFacts)
  /** A visible post stopped being visible: deleted, removed by a moderator, or waiting again after an edit. An opening post takes its conversation with it. */
  | ({ type: 'post.withdrawn'; why: 'deleted' | 'removed' | 'held' } & PostFacts)
  /** The words sounded like the writer may be in crisis (whether or not the post is visible yet). */
  | ({ type: 'post.crisisWording' } & PostFacts)
  | { type: 'reaction.given' | 'reaction.withdrawn'; postId: string; authorId: string; userId: string; public: boolean }
  | { type: 'thread.pinned' | 'thread.unpinned' | 'thread.locked' | 'thread.unlocked'; threadId: string; forumId: string; actorId: string; public: boolean }
  | { type: 'thread.moved'; threadId: string; fromForumId: string; toForumId: string; actorId: string; wasPublic: boolean; public: boolean }
  /** A public forum became members-only: its conversations are no longer for visitors (peers hold copies to take back). */
  | { type: 'forum.closed'; forumId: string; slug: string }
  | { type: 'group.created' | 'group.changed' | 'group.paused' | 'group.ended'; groupId: string }
  | { type: 'member.deleted'; userId: string }
  /** A moderator sends a report of a post by someone elsewhere to their server (federation does). */
  | { type: 'report.forwarded'; postId: string; authorId: string; note: string };

export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
type Handler = (db: DatabaseLike, event: DomainEvent) => Promise<void>;

/** Subscribers by name: subscribing again under the same name replaces, so wiring up twice is harmless. */
const subscribers = new Map<string, { types: ReadonlySet<EventType> | 'all'; handler: Handler }>();

export function subscribe<T extends EventType>(name: string, types: T[] | 'all', handler: (db: DatabaseLike, event: EventOf<T>) => Promise<void>): () => void {
  subscribers.set(name, { types: types === 'all' ? 'all' : new Set(types), handler: handler as Handler });
  return () => void subscribers.delete(name);
}

/**
 * Tells every subscriber, one after another, on the same database handle: inside the emitting
 * service's transaction a subscriber's failure undoes the whole action, and one connection takes
 * one query at a time.
 */
export async function emit(db: DatabaseLike, event: DomainEvent): Promise<void> {
  for (const { types, handler } of subscribers.values()) {
    if (types === 'all' || types.has(event.type)) await handler(db, event);
  }
}
