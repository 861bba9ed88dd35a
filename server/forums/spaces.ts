// Closed groups' spaces in forum queries: whether a reader is in the group, as SQL, so that
// single-row loads and list filters ask the same question the same way.
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { groupSpacesVisibleTo, visibleForumKinds, type Viewer } from '../access.ts';
import { forums } from './forums.tables.ts';

/** True when the user is an accepted participant or facilitator of the forum's group. */
export function inGroupOf(userId: string | undefined): SQL<boolean> {
  if (!userId) return sql<boolean>`false`;
  // Names are written out: Drizzle leaves columns unqualified in a one-table select, and an
  // unqualified group_id inside the subquery would mean the member row's own column.
  return sql<boolean>`exists (select 1 from "group_members" gm where gm."group_id" = "forums"."group_id" and gm."user_id" = ${userId} and gm."status" = 'accepted')`;
}

/** The forums whose posts this viewer may read, for search, notifications and other lists. */
export function readableForums(viewer: Viewer): SQL {
  const listed = inArray(forums.visibility, visibleForumKinds(viewer));
  const spaces = groupSpacesVisibleTo(viewer);
  if (spaces === 'none' || !viewer) return listed;
  if (spaces === 'all') return or(listed, eq(forums.visibility, 'group'))!;
  return or(listed, and(eq(forums.visibility, 'group'), inGroupOf(viewer.id)))!;
}
