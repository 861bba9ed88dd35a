// Who may see and do what: the one place that decides. Routes, feeds and (later) federation ask here.
import type { NextFunction, Request, Response } from 'express';
import type { User } from './accounts/accounts.service.ts';
import { ForbiddenError } from './errors.ts';
import { keepDraft } from './web/drafts.ts';
import { saveAndRedirect } from './web/session.ts';

export type Viewer = User | undefined;

export function isSignedIn(viewer: Viewer): viewer is User {
  return viewer?.status === 'active';
}

/**
 * Someone on another server whose posts reach this node over ActivityPub. They never sign in here:
 * they read and write only in public forums, and only where a forum takes posts from elsewhere.
 */
export function isRemote(viewer: Viewer): viewer is User & { status: 'remote' } {
  return viewer?.status === 'remote';
}

export function isAdmin(viewer: Viewer): boolean {
  return isSignedIn(viewer) && viewer.role === 'admin';
}

/** Moderators and admins: the approval queue now, reports and the moderation queue later. */
export function isStaff(viewer: Viewer): boolean {
  return isSignedIn(viewer) && (viewer.role === 'admin' || viewer.role === 'moderator');
}

/**
 * Profiles are for the association's own members: a nickname and a short bio are still personal,
 * and health-related context makes even that sensitive.
 */
export function canSeeProfile(viewer: Viewer, profile: User): boolean {
  return isSignedIn(viewer) && (profile.status === 'active' || isStaff(viewer));
}

function signInFirst(req: Request, res: Response, next: NextFunction): void {
  // A form sent after the session ended: its text waits at /draft for after signing in.
  if (keepDraft(req)) return void saveAndRedirect(req, res, `/login?next=${encodeURIComponent('/draft')}`).catch(next);
  res.redirect(303, `/login?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`);
}

export function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (isSignedIn(req.user)) return next();
  signInFirst(req, res, next);
}

export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  if (!isSignedIn(req.user)) return signInFirst(req, res, next);
  if (!isStaff(req.user)) throw new ForbiddenError();
  next();
}

export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (!isSignedIn(req.user)) return signInFirst(req, res, next);
  if (!isAdmin(req.user)) throw new ForbiddenError();
  next();
}

// Forums. Rows are passed as plain shapes so this file does not depend on the forums feature.
export type ForumAccess = {
  visibility: 'public' | 'members' | 'group';
  archived: boolean;
  startPolicy: PostingPolicyName;
  replyPolicy: PostingPolicyName;
  /** For a closed group's space: whether the viewer is one of its accepted participants or facilitators. */
  inGroup?: boolean;
  /** Set for a group on another server that members here follow. */
  iri?: string | null;
};
export type PostingPolicyName = 'members' | 'members_and_remote' | 'moderators';
export type ThreadAccess = { authorId: string; locked: boolean; deletedAt: Date | null; heldAt: Date | null; removedAt: Date | null };
export type PostAccess = { authorId: string; deletedAt: Date | null; heldAt: Date | null; removedAt: Date | null };

/**
 * Public forums are for anyone; members-only forums for signed-in members of this node; a closed
 * group's space for its accepted participants, its facilitators and admins (not moderators: what is
 * said in the group stays in the group).
 */
export function canSeeForum(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>): boolean {
  if (forum.visibility === 'group') return isSignedIn(viewer) && (isAdmin(viewer) || forum.inGroup === true);
  return forum.visibility === 'public' || isSignedIn(viewer);
}

/** Which forum visibilities this viewer may read in lists (group spaces are found through their group). */
export function visibleForumKinds(viewer: Viewer): ('public' | 'members')[] {
  return isSignedIn(viewer) ? ['public', 'members'] : ['public'];
}

/** The forum index: the forums a viewer reads, less closed groups' spaces (found through their group). */
export function isForumListed(viewer: Viewer, forum: Pick<ForumAccess, 'visibility'>): boolean {
  return forum.visibility !== 'group' && visibleForumKinds(viewer).includes(forum.visibility);
}

/** Not deleted, not waiting for a moderator, not removed by one: out in the open. */
export function isLive(item: Pick<PostAccess, 'deletedAt' | 'heldAt' | 'removedAt'>): boolean {
  return !item.deletedAt && !item.heldAt && !item.removedAt;
}

/**
 * A conversation's page: for the forum's readers; one waiting for a moderator, or removed by one,
 * only for its author and those who moderate it; a deleted one only for those who moderate it.
 */
export function canReadThread(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, thread: ThreadAccess): boolean {
  if (!canSeeForum(viewer, forum)) return false;
  if (thread.deletedAt && !canModeratePost(viewer, forum)) return false;
  return (!thread.heldAt && !thread.removedAt) || canSeeHiddenPost(viewer, forum, thread);
}

/** A forum's list of conversations: the readable ones, never deleted ones (not even for moderators). */
export function isThreadListed(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, thread: ThreadAccess): boolean {
  return !thread.deletedAt && canReadThread(viewer, forum, thread);
}

/**
 * How a post shows to this reader: with its words; only as its place ("removed by the
 * moderators", "deleted"), which keeps the numbering true; or not at all (waiting for a moderator,
 * for anyone but its author and those who moderate it).
 */
export type PostShown = 'words' | 'place' | 'none';

export function postShownTo(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, thread: ThreadAccess, post: PostAccess): PostShown {
  if (!canReadThread(viewer, forum, thread)) return 'none';
  const mayHidden = canSeeHiddenPost(viewer, forum, post);
  if (post.heldAt && !mayHidden) return 'none';
  if (post.deletedAt || (post.removedAt && !mayHidden)) return 'place';
  return 'words';
}

/**
 * Out in the open where this viewer reads: what lists, search, notifications and counts draw from.
 * (A member's own waiting post is on its page for them, never in a list.)
 */
export function isListed(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, thread: ThreadAccess, post: PostAccess): boolean {
  return canSeeForum(viewer, forum) && isLive(thread) && isLive(post);
}

/**
 * The publication rule: what may leave the node (Atom feeds now, federation later). A public
 * forum's live post by an author whose account still exists. A deleted member's words stay on the
 * node under "deleted member", but nothing of theirs is handed out any more.
 */
export function isPublic(forum: Pick<ForumAccess, 'visibility'>, thread: ThreadAccess, post: PostAccess & { authorStatus: string }): boolean {
  return isPublicThread(forum, thread) && isLive(post) && post.authorStatus !== 'deleted';
}

/** A conversation whose opening and live replies leave the node. */
export function isPublicThread(forum: Pick<ForumAccess, 'visibility'>, thread: Pick<ThreadAccess, 'deletedAt' | 'heldAt' | 'removedAt'>): boolean {
  return isPublicForum(forum) && isLive(thread);
}

/** A forum whose live posts leave the node (its Atom feed, later its ActivityPub Group). */
export function isPublicForum(forum: Pick<ForumAccess, 'visibility'>): boolean {
  return forum.visibility === 'public';
}

/** A quote shows its source's words to the same readers, so only a post out in the open may be quoted. */
export function canQuote(post: Pick<PostAccess, 'deletedAt' | 'heldAt' | 'removedAt'>): boolean {
  return isLive(post);
}

function allowedBy(viewer: Viewer, policy: PostingPolicyName): boolean {
  if (isRemote(viewer)) return policy === 'members_and_remote';
  return policy === 'moderators' ? isStaff(viewer) : isSignedIn(viewer);
}

export function canStartThread(viewer: Viewer, forum: ForumAccess): boolean {
  return canSeeForum(viewer, forum) && !forum.archived && allowedBy(viewer, forum.startPolicy);
}

/**
 * A locked thread takes replies only from moderators; a conversation waiting for a moderator, or
 * removed by one, takes none until it is out in the open.
 */
export function canReply(viewer: Viewer, forum: ForumAccess, thread: ThreadAccess): boolean {
  if (!canSeeForum(viewer, forum) || forum.archived || thread.deletedAt || thread.heldAt || thread.removedAt) return false;
  if (thread.locked && !isStaff(viewer)) return false;
  return allowedBy(viewer, forum.replyPolicy);
}

/**
 * The author edits and deletes their own words while the conversation is open. Staff acting on
 * someone else's post is moderation: only where they moderate, only on whom they may act (a
 * moderator never on an admin's or another moderator's post), and always logged.
 */
export function canEditPost(viewer: Viewer, forum: ForumAccess, thread: ThreadAccess, post: PostAccess & { authorRole?: string }): boolean {
  if (isRemote(viewer)) return post.authorId === viewer.id && !post.deletedAt && !post.removedAt && !thread.locked && !forum.archived && isPublicForum(forum);
  if (!isSignedIn(viewer) || post.deletedAt || !canSeeForum(viewer, forum)) return false;
  if (post.authorId === viewer.id && !post.removedAt && (!thread.locked || isStaff(viewer)) && !forum.archived) return true;
  return canActOnPost(viewer, forum, post);
}

/**
 * A moderator's action on someone's post (remove, approve, warn, edit, delete): only where they
 * moderate, and only on a writer they may act on (never themselves; a moderator never on staff).
 */
export function canActOnPost(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, post: Pick<PostAccess, 'authorId'> & { authorRole?: string }): boolean {
  return canModeratePost(viewer, forum) && canModerateMember(viewer, { id: post.authorId, role: post.authorRole ?? 'admin' });
}

/** Whether an edit or deletion by this viewer is a moderator acting on someone else's post (and so logged). */
export const isStaffEdit = canActOnPost;

/** As editing; but someone from another server may always take back their own words (their server already has). */
export function canDeletePost(viewer: Viewer, forum: ForumAccess, thread: ThreadAccess, post: PostAccess & { authorRole?: string }): boolean {
  if (viewer?.iri) return post.authorId === viewer.id && !post.deletedAt;
  return canEditPost(viewer, forum, thread, post);
}

/** Earlier versions are for the author (while the post exists) and moderators; readers only see that a post was edited. */
export function canSeeHistory(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, thread: ThreadAccess, post: PostAccess): boolean {
  if (!isSignedIn(viewer) || postShownTo(viewer, forum, thread, post) === 'none') return false;
  return canModeratePost(viewer, forum) || (post.authorId === viewer.id && !post.deletedAt);
}

/** The support reaction is for what is out in the open, and sent to others: never to one's own post. */
export function canReact(viewer: Viewer, forum: ForumAccess, thread: ThreadAccess, post: PostAccess): boolean {
  if (isRemote(viewer)) return post.authorId !== viewer.id && isPublicThread(forum, thread) && isLive(post);
  return isSignedIn(viewer) && post.authorId !== viewer.id && isListed(viewer, forum, thread, post);
}

// Moderation.

/** A post waiting for a moderator, or removed by one, is for its author and those who may moderate it. */
export function canSeeHiddenPost(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, post: Pick<PostAccess, 'authorId'>): boolean {
  return isSignedIn(viewer) && (post.authorId === viewer.id || canModeratePost(viewer, forum));
}

/**
 * Who may read a forum, from most to fewest: a thread may move only to a forum whose readers are
 * the same or fewer, so what was written for members never becomes public. A closed group's space
 * is neither a source nor a target: what is said there stays there.
 */
const readersRank: Record<ForumAccess['visibility'], number> = { public: 2, members: 1, group: 0 };

/** Whether the viewer may move this conversation anywhere at all. */
export function canMoveThreadOut(viewer: Viewer, from: Pick<ForumAccess, 'visibility' | 'inGroup' | 'iri'>): boolean {
  // A conversation of a group elsewhere belongs to that group.
  return canModeratePost(viewer, from) && from.visibility !== 'group' && !from.iri;
}

export function canMoveThread(viewer: Viewer, from: Pick<ForumAccess, 'visibility' | 'inGroup' | 'iri'>, to: Pick<ForumAccess, 'visibility' | 'archived' | 'iri'>): boolean {
  if (!canMoveThreadOut(viewer, from) || to.visibility === 'group' || to.archived || to.iri) return false;
  return !widensReaders(from.visibility, to.visibility);
}

/** Whether going from one forum kind to another would let more people read: never allowed for what was written. */
export function widensReaders(from: ForumAccess['visibility'], to: ForumAccess['visibility']): boolean {
  return readersRank[to] > readersRank[from];
}

/** Moderators act on what they can read: so a closed group's space is moderated by admins only. */
export function canModeratePost(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>): boolean {
  return isStaff(viewer) && canSeeForum(viewer, forum);
}

/** Moderators act on members; only admins act on moderators and other admins; nobody on themselves. */
export function canModerateMember(viewer: Viewer, member: { id: string; role: string }): boolean {
  if (!isSignedIn(viewer) || !isStaff(viewer) || viewer.id === member.id) return false;
  return isAdmin(viewer) || member.role === 'member';
}

/** Members report what they can read, except their own words; so may a server elsewhere (an ActivityPub Flag). */
export function canReport(viewer: Viewer, subject: { authorId: string }): boolean {
  return (isSignedIn(viewer) || isRemote(viewer)) && subject.authorId !== viewer.id;
}

/** The published log (if the node publishes it) is for anyone; the full log and the queue for moderators. */
export const canReadModerationLog = isStaff;

// Groups. A viewer's relation to a group is their row in its member list, if any.
export type GroupRelation = { role: 'facilitator' | 'participant'; status: 'pending' | 'accepted' | 'declined' } | undefined;
export type GroupAccess = { joinPolicy: 'open' | 'closed' };

export function isInGroup(relation: GroupRelation): boolean {
  return relation?.status === 'accepted';
}

/** Admins and the group's own facilitators edit its listing and meetings and answer requests. */
export function canManageGroup(viewer: Viewer, relation: GroupRelation): boolean {
  return isAdmin(viewer) || (isSignedIn(viewer) && relation?.role === 'facilitator' && relation.status === 'accepted');
}

/** Who is in a group, and who asked to be, is for those who run it; other members never see it. */
export const canSeeGroupMembers = canManageGroup;

/** A closed group's address and video link are for its accepted participants; an open group's for anyone. */
export function canSeeMeetingPlace(viewer: Viewer, group: GroupAccess, relation: GroupRelation): boolean {
  if (group.joinPolicy === 'open') return true;
  return canManageGroup(viewer, relation) || (isSignedIn(viewer) && isInGroup(relation));
}

/**
 * "I'm coming" to a meeting: any member for an open group, its participants for a closed one;
 * only this node's own groups that meet (not paused or ended).
 */
export function canMarkComing(viewer: Viewer, group: GroupAccess & { origin: string | null; status: string }, relation: GroupRelation): boolean {
  if (!isSignedIn(viewer) || group.origin !== null || (group.status !== 'active' && group.status !== 'starting')) return false;
  return group.joinPolicy === 'open' || isInGroup(relation) || canManageGroup(viewer, relation);
}

/** How many are coming: anyone for an open group; a closed group's own people only. */
export const canSeeComingCount = canSeeMeetingPlace;

/** Who is coming, by name, is for those who run the group. */
export const canSeeWhoIsComing = canManageGroup;

/**
 * A mentor pair's own conversation: its two people, and the scheme's coordinators once either of
 * the two invited them. Not moderators or admins as such: like a closed group's space, what is
 * said between the two stays between them.
 */
export function canReadPairSpace(viewer: Viewer, pair: { peerId: string; mentorId: string; coordinatorInvited: boolean }, coordinator: boolean): boolean {
  if (!isSignedIn(viewer)) return false;
  return viewer.id === pair.peerId || viewer.id === pair.mentorId || (pair.coordinatorInvited && coordinator);
}

/** Admins create groups, remove them and name facilitators. */
export const canCreateGroup = isAdmin;
