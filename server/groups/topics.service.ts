// The node's list of group topics, kept by admins.
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { invalid, parseForm, type Invalid } from '../validation.ts';
import { groups, groupTopics } from './groups.tables.ts';
import { slug } from './listing.ts';

const topicForm = z.object({
  slug,
  fi: z.string().trim().min(1, 'errors.topic.nameMissing').max(60, 'errors.group.tooLong'),
  sv: z.string().trim().max(60, 'errors.group.tooLong').default(''),
  en: z.string().trim().max(60, 'errors.group.tooLong').default(''),
  da: z.string().trim().max(60, 'errors.group.tooLong').default(''),
});

/** A new topic, named in Finnish and in whichever other languages the admin gave. */
export async function addTopic(db: DatabaseLike, form: unknown): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(topicForm, form);
  if (!parsed.ok) return parsed;
  const { slug: topicSlug, ...names } = parsed.value;
  if (await db.query.groupTopics.findFirst({ where: eq(groupTopics.slug, topicSlug) })) return invalid('slug', 'errors.slug.taken');
  const named = Object.fromEntries(Object.entries(names).filter(([, name]) => name !== ''));
  await db.insert(groupTopics).values({ slug: topicSlug, names: named, position: 100 });
  return { ok: true };
}

/** Removes a topic; groups simply lose it. */
export async function removeTopic(db: DatabaseLike, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update ${groups} set topic_ids = array_remove(topic_ids, ${id}::uuid)`);
    await tx.delete(groupTopics).where(eq(groupTopics.id, id));
  });
}
