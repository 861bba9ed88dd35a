import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { mentionedNames, renderMarkdown } from '../markup/markup.ts';
import { parseForm, singleLine, type Invalid } from '../validation.ts';

export const titleMaxLength = 200;
export const bodyMaxLength = 20_000;

// Control characters (other than line breaks and tabs) have no place in text; NUL would not even store.
const clean = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '') : value);

export const title = z.preprocess(clean, singleLine(z.string().trim().min(1, 'errors.threadTitle.missing').max(titleMaxLength, 'errors.threadTitle.tooLong'), 'errors.singleLine'));
export const body = z.preprocess(clean, z.string().trim().min(1, 'errors.body.missing').max(bodyMaxLength, 'errors.body.tooLong'));
export const contentWarning = z
  .preprocess(clean, z.string().trim().max(100, 'errors.contentWarning.tooLong'))
  .transform((value) => value || null);

export type Rendered = { html: string; mentioned: { id: string; username: string }[] };

/** Renders a body, linking @names of active members (one query for all of them). */
export async function renderPost(db: DatabaseLike, source: string): Promise<Rendered> {
  const names = mentionedNames(source).slice(0, 20);
  const mentioned = names.length
    ? await db
        .select({ id: users.id, username: users.username })
        .from(users)
        .where(and(inArray(sql`lower(${users.username})`, names), eq(users.status, 'active')))
    : [];
  return { html: renderMarkdown(source, new Set(mentioned.map((u) => u.username.toLowerCase()))), mentioned };
}

/** What a body will look like once posted (the same rendering as posting), nothing saved. */
export async function previewBody(db: DatabaseLike, form: unknown): Promise<{ ok: true; html: string } | Invalid> {
  const parsed = parseForm(z.object({ body }), form);
  if (!parsed.ok) return parsed;
  return { ok: true, html: (await renderPost(db, parsed.value.body)).html };
}
