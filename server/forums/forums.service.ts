import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { prepared } from '../db/prepared.ts';
import { inGroupOf } from '../access.sql.ts';
import { isPublicForum, widensReaders } from '../access.ts';
import { emit } from '../events.ts';
import { invalid, parseForm, singleLine, type Invalid, checkbox } from '../validation.ts';
import { categories, forums, forumVisibilities, postingPolicies, threads } from './forums.tables.ts';

export type Category = typeof categories.$inferSelect;
/** inGroup: loaded for a reader when the forum is a closed group's space (server/access.ts decides with it). */
export type Forum = typeof forums.$inferSelect & { inGroup?: boolean };

const position = z.coerce.number('errors.position.invalid').int('errors.position.invalid').min(0, 'errors.position.invalid').max(10_000, 'errors.position.invalid');

const categoryForm = z.object({
  name: singleLine(z.string().trim().min(1, 'errors.forumName.missing').max(100, 'errors.forumName.tooLong'), 'errors.singleLine'),
  description: z.string().trim().max(500, 'errors.description.tooLong'),
  position,
  archived: checkbox,
});

const forumForm = z.object({
  categoryId: z.uuid('errors.category.unknown'),
  name: singleLine(z.string().trim().min(1, 'errors.forumName.missing').max(100, 'errors.forumName.tooLong'), 'errors.singleLine'),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(2, 'errors.slug.invalid')
    .max(60, 'errors.slug.invalid')
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'errors.slug.invalid'),
  description: z.string().trim().max(500, 'errors.description.tooLong'),
  rules: z.string().trim().max(10_000, 'errors.rules.tooLong'),
  visibility: z.enum(forumVisibilities, 'errors.visibility.invalid'),
  startPolicy: z.enum(postingPolicies, 'errors.policy.invalid'),
  replyPolicy: z.enum(postingPolicies, 'errors.policy.invalid'),
  position,
  archived: checkbox,
  requireApproval: checkbox,
});

export function listCategories(db: DatabaseLike): Promise<Category[]> {
  return db.select().from(categories).orderBy(asc(categories.position), asc(categories.name));
}

export function listForums(db: DatabaseLike): Promise<Forum[]> {
  // Groups elsewhere that members follow are not this node's forums to manage.
  return db.select().from(forums).where(and(ne(forums.visibility, 'group'), isNull(forums.iri))).orderBy(asc(forums.position), asc(forums.name));
}

export async function findForumBySlug(db: DatabaseLike, slug: string, readerId?: string): Promise<Forum | undefined> {
  const statement = prepared(db, `forum_by_slug${readerId ? '_reader' : ''}`, () =>
    db
      .select({ forum: forums, inGroup: inGroupOf(readerId ? sql.placeholder('readerId') : undefined) })
      .from(forums)
      .where(eq(forums.slug, sql.placeholder('slug'))),
  );
  const [row] = await statement.execute({ slug: slug.toLowerCase(), readerId });
  return row && { ...row.forum, inGroup: row.inGroup };
}

export async function saveCategory(db: DatabaseLike, id: string | null, form: unknown): Promise<{ ok: true; category: Category } | Invalid> {
  const parsed = parseForm(categoryForm, form);
  if (!parsed.ok) return parsed;
  const [category] = id
    ? await db.update(categories).set(parsed.value).where(eq(categories.id, id)).returning()
    : await db.insert(categories).values(parsed.value).returning();
  if (!category) return invalid('form', 'errors.category.unknown');
  return { ok: true, category };
}

/**
 * Creates or updates a forum. A members-only forum with conversations never becomes public:
 * what people wrote for members only would be shown to everyone (and later copied to other servers).
 */
export async function saveForum(db: DatabaseLike, id: string | null, form: unknown): Promise<{ ok: true; forum: Forum } | Invalid> {
  const parsed = parseForm(forumForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  if (!(await db.query.categories.findFirst({ where: eq(categories.id, input.categoryId) }))) return invalid('categoryId', 'errors.category.unknown');
  const taken = await db.query.forums.findFirst({ where: id ? and(eq(forums.slug, input.slug), ne(forums.id, id)) : eq(forums.slug, input.slug) });
  if (taken) return invalid('slug', 'errors.slug.taken');
  if (!id) {
    const [forum] = await db.insert(forums).values(input).returning();
    return { ok: true, forum: forum! };
  }
  const existing = await db.query.forums.findFirst({ where: eq(forums.id, id) });
  // A closed group's space is managed through its group, never turned into an ordinary forum.
  if (!existing || existing.visibility === 'group') return invalid('form', 'errors.forum.unknown');
  const [row] = await db.select({ n: count() }).from(threads).where(eq(threads.forumId, id));
  const hasConversations = (row?.n ?? 0) > 0;
  // What was written for fewer readers never becomes readable by more.
  if (widensReaders(existing.visibility, input.visibility) && hasConversations) return invalid('visibility', 'errors.visibility.cannotOpen');
  // A public forum's address is its name elsewhere (its followers on other servers, links): it stays.
  if (isPublicForum(existing) && input.slug !== existing.slug && hasConversations) return invalid('slug', 'errors.slug.fixed');
  return db.transaction(async (tx) => {
    const [forum] = await tx.update(forums).set(input).where(eq(forums.id, id)).returning();
    if (isPublicForum(existing) && !isPublicForum(forum!)) await emit(tx, { type: 'forum.closed', forumId: id, slug: existing.slug });
    return { ok: true as const, forum: forum! };
  });
}
