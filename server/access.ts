// Who may see and do what: the one place that decides. Routes, feeds and (later) federation ask here.
import type { NextFunction, Request, Response } from 'express';
import type { User } from './accounts/accounts.service.ts';
import { ForbiddenError } from './errors.ts';

export type Viewer = User | undefined;

export function isSignedIn(viewer: Viewer): viewer is User {
  return viewer?.status === 'active';
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

function signInFirst(req: Request, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
}

export function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (isSignedIn(req.user)) return next();
  signInFirst(req, res);
}

export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  if (!isSignedIn(req.user)) return signInFirst(req, res);
  if (!isStaff(req.user)) throw new ForbiddenError();
  next();
}

export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (!isSignedIn(req.user)) return signInFirst(req, res);
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
};
export type PostingPolicyName = 'members' | 'members_and_remote' | 'moderators';
export type ThreadAccess = { locked: boolean; deletedAt: Date | null; heldAt?: Date | null; removedAt?: Date | null };
export type PostAccess = { authorId: string; deletedAt: Date | null; heldAt?: Date | null; removedAt?: Date | null };

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

/** Which closed groups' spaces search and notifications may draw from: every group's, the viewer's own, or none. */
export function groupSpacesVisibleTo(viewer: Viewer): 'all' | 'own' | 'none' {
  if (!isSignedIn(viewer)) return 'none';
  return isAdmin(viewer) ? 'all' : 'own';
}

function allowedBy(viewer: Viewer, policy: PostingPolicyName): boolean {
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
  if (!isSignedIn(viewer) || post.deletedAt || !canSeeForum(viewer, forum)) return false;
  if (post.authorId === viewer.id && !post.removedAt && (!thread.locked || isStaff(viewer)) && !forum.archived) return true;
  return isStaffEdit(viewer, forum, post);
}

/** Whether an edit or deletion by this viewer is a moderator acting on someone else's post. */
export function isStaffEdit(viewer: Viewer, forum: Pick<ForumAccess, 'visibility' | 'inGroup'>, post: Pick<PostAccess, 'authorId'> & { authorRole?: string }): boolean {
  if (!isSignedIn(viewer) || post.authorId === viewer.id || !canModeratePost(viewer, forum)) return false;
  return canModerateMember(viewer, { id: post.authorId, role: post.authorRole ?? 'admin' });
}

export const canDeletePost = canEditPost;

/** Earlier versions are for the author and moderators; readers only see that a post was edited. */
export function canSeeHistory(viewer: Viewer, post: PostAccess): boolean {
  if (!isSignedIn(viewer)) return false;
  return isStaff(viewer) || (post.authorId === viewer.id && !post.deletedAt);
}

/** Pin, lock and (later) move: moderators and admins. */
export function canModerate(viewer: Viewer): boolean {
  return isStaff(viewer);
}

/** The support reaction is sent to others: never to one's own post. */
export function canReact(viewer: Viewer, forum: ForumAccess, post: PostAccess): boolean {
  return isSignedIn(viewer) && post.authorId !== viewer.id && canSeeForum(viewer, forum) && !post.deletedAt && !post.heldAt && !post.removedAt;
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

export function canMoveThread(viewer: Viewer, from: Pick<ForumAccess, 'visibility' | 'inGroup'>, to: Pick<ForumAccess, 'visibility' | 'archived'>): boolean {
  if (!canModeratePost(viewer, from) || from.visibility === 'group' || to.visibility === 'group' || to.archived) return false;
  return readersRank[to.visibility] <= readersRank[from.visibility];
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

/** Any member may report what they can read, except their own words. */
export function canReport(viewer: Viewer, subject: { authorId: string }): boolean {
  return isSignedIn(viewer) && subject.authorId !== viewer.id;
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

/** Admins create groups, remove them and name facilitators. */
export const canCreateGroup = isAdmin;
