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

// What of a viewer a statement may use: who they are and when they joined become placeholders,
// their standing and role choose the statement.
const placeheld = { id: sql.placeholder('viewerId'), createdAt: sql.placeholder('viewerCreatedAt') };
const shaping = new Set(['role', 'status']);

export type ViewerShape = { shape: string; viewer: Viewer; values: { viewerId: string | null; viewerCreatedAt: Date | null } };

/**
 * A viewer as the access rules' SQL sees them: only whether they are signed in and their role
 * shape the SQL, so a statement is kept by that, with their id and joining time as placeholders.
 * Reading anything else of the viewer while building fails at once, rather than keep one member's
 * value in a statement every member then runs.
 */
export function viewerShape(viewer: Viewer): ViewerShape {
  if (!isSignedIn(viewer)) return { shape: 'visitor', viewer: undefined, values: { viewerId: null, viewerCreatedAt: null } };
  const shaped = new Proxy(viewer, {
    get(target, key) {
      if (key in placeheld) return placeheld[key as keyof typeof placeheld];
      if (typeof key === 'string' && !shaping.has(key)) throw new Error(`A prepared statement cannot depend on the viewer's ${key}`);
      return target[key as keyof typeof target];
    },
  });
  return { shape: viewer.role, viewer: shaped, values: { viewerId: viewer.id, viewerCreatedAt: viewer.createdAt } };
}
