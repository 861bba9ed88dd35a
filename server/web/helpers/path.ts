import { paths, type PathKind } from '../../paths.ts';

type Thing = { id: string; slug: string; username: string; postCount: number };

/**
 * {{path "thread" thread}}, {{path "member" authorUsername}}, {{path "postByNumber" thread 3}}:
 * the templates' addresses come from server/paths.ts like everyone else's. A plain string stands
 * for the thing's id, slug or username.
 */
export function path(kind: PathKind, thing: unknown, ...rest: unknown[]): string {
  const builder = paths[kind] as (thing: Thing, number?: number) => string;
  if (!builder) throw new Error(`no path for "${kind}"`);
  const value = String(thing);
  const target = (typeof thing === 'object' && thing !== null ? thing : { id: value, slug: value, username: value, postCount: 0 }) as Thing;
  // Handlebars passes its options object last.
  const number = rest.length > 1 ? Number(rest[0]) : undefined;
  return builder(target, number);
}
