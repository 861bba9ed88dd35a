// Statements for the queries every page runs, built once. Building Drizzle's SQL for a page's
// queries cost more of the node's time than running them; a statement is built once per database
// handle and shape, and PostgreSQL also parses and plans it once per connection.
import { sql } from 'drizzle-orm';
import type { DatabaseLike } from './client.ts';
import { isSignedIn, type Viewer } from '../access.ts';

export type Statement<R> = { execute(values?: Record<string, unknown>): Promise<R> };

const statements = new WeakMap<object, Map<string, Statement<unknown>>>();

/**
 * The statement called `name` on this database handle, built by `build` the first time. The name
 * must say everything the built SQL depends on (such as the viewer's shape); what changes from run
 * to run goes in as sql.placeholder values.
 */
export function prepared<R>(db: DatabaseLike, name: string, build: () => { prepare(name: string): Statement<R> }): Statement<R> {
  let byName = statements.get(db);
  if (!byName) statements.set(db, (byName = new Map()));
  let statement = byName.get(name) as Statement<R> | undefined;
  if (!statement) {
    statement = build().prepare(name);
    byName.set(name, statement);
  }
  return statement;
}

/**
 * A viewer as the access rules' SQL sees them: only whether they are signed in and their role
 * shape the SQL, so the statement is kept by that, with their id as the placeholder "viewerId".
 */
export function viewerShape(viewer: Viewer): { shape: string; viewer: Viewer; viewerId: string | null } {
  if (!isSignedIn(viewer)) return { shape: 'visitor', viewer: undefined, viewerId: null };
  // The id becomes a placeholder inside the SQL the rules build; nothing else reads it.
  return { shape: viewer.role, viewer: { ...viewer, id: sql.placeholder('viewerId') as unknown as string }, viewerId: viewer.id };
}
