// Word rules: what a post is checked against before it is saved. A single word matches its
// inflected forms through PostgreSQL's Snowball stemmer for the rule's language (the same one
// search uses, so "huume" catches "huumeita"); a phrase matches its words in order; a * stands
// for any letters, for what stemming does not reach ("kannabi*" catches "kannabiksen").
import { asc, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { locales } from '../config.ts';
import { searchConfigByLocale } from '../forums/posting.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { wordRuleActions, wordRules, type WordRuleAction } from './moderation.tables.ts';

export type WordRule = typeof wordRules.$inferSelect;

/** A rule is stemmed when it is one word with no *; otherwise it is a pattern matched as text. */
function isStemmed(pattern: string): boolean {
  return !/[*\s]/.test(pattern);
}

const letters = '[\\p{L}\\p{N}]';

export function patternRegex(pattern: string): RegExp {
  const body = pattern
    .trim()
    .split(/\s+/)
    .map((word) => word.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(`${letters}*`))
    .join('\\s+');
  return new RegExp(`(?<!${letters})${body}(?!${letters})`, 'iu');
}

export function listRules(db: DatabaseLike): Promise<WordRule[]> {
  return db.select().from(wordRules).orderBy(asc(wordRules.action), asc(wordRules.locale), asc(wordRules.pattern));
}

/** The rules the text matches: stemmed words in one query, patterns in JavaScript. */
export async function matchingRules(db: DatabaseLike, text: string): Promise<WordRule[]> {
  const rules = await listRules(db);
  const stemmed = rules.filter((rule) => isStemmed(rule.pattern));
  let stemHits = new Set<string>();
  if (stemmed.length) {
    const config = sql.raw(`(case locale ${locales.map((l) => `when '${l}' then '${searchConfigByLocale[l]}'`).join(' ')} end)::regconfig`);
    const rows = await db
      .select({ id: wordRules.id })
      .from(wordRules)
      .where(sql`${wordRules.pattern} !~ '[*[:space:]]' and to_tsvector(${config}, ${text}) @@ plainto_tsquery(${config}, ${wordRules.pattern})`);
    stemHits = new Set(rows.map((row) => row.id));
  }
  return rules.filter((rule) => (isStemmed(rule.pattern) ? stemHits.has(rule.id) : patternRegex(rule.pattern).test(text)));
}

/** What the rules say of a text: refused (with the first refusing rule), held, and whether it sounds like a crisis. */
export type Verdict = { refused?: WordRule; hold: boolean; crisis: boolean };

export async function judge(db: DatabaseLike, text: string): Promise<Verdict> {
  const hits = await matchingRules(db, text);
  const by = (action: WordRuleAction) => hits.filter((rule) => rule.action === action);
  return { refused: by('refuse')[0], hold: by('hold').length > 0, crisis: by('crisis').length > 0 };
}

const ruleForm = z.object({
  locale: z.enum(locales, 'errors.wordRule.locale'),
  pattern: z
    .string()
    .trim()
    .min(1, 'errors.wordRule.patternMissing')
    .max(100, 'errors.wordRule.patternTooLong')
    .refine((value) => /[\p{L}\p{N}]/u.test(value), 'errors.wordRule.patternMissing'),
  action: z.enum(wordRuleActions, 'errors.wordRule.action'),
  message: z.string().trim().max(300, 'errors.wordRule.messageTooLong'),
});

export async function addRule(db: DatabaseLike, form: unknown): Promise<{ ok: true; rule: WordRule } | Invalid> {
  const parsed = parseForm(ruleForm, form);
  if (!parsed.ok) return parsed;
  const [rule] = await db.insert(wordRules).values({ ...parsed.value, pattern: parsed.value.pattern.toLowerCase() }).returning();
  return { ok: true, rule: rule! };
}

export async function removeRule(db: DatabaseLike, id: string): Promise<void> {
  await db.delete(wordRules).where(sql`${wordRules.id} = ${id}`);
}
