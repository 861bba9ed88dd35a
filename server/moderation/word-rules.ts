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

const compiled = new Map<string, RegExp>();

/** The rule's pattern as a regular expression, compiled once per pattern. */
export function patternRegex(pattern: string): RegExp {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  const regex = buildRegex(pattern);
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}

function buildRegex(pattern: string): RegExp {
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
// Every post is checked, and rules change rarely: keep them a few seconds, as the settings are.
// A change in this process is seen at once; other processes see it within the TTL.
const cacheMs = 5000;
const cached = new WeakMap<object, { rules: WordRule[]; until: number }>();

async function currentRules(db: DatabaseLike): Promise<WordRule[]> {
  const hit = cached.get(db);
  if (hit && hit.until > Date.now()) return hit.rules;
  const rules = await listRules(db);
  cached.set(db, { rules, until: Date.now() + cacheMs });
  return rules;
}

export function forgetRules(db: DatabaseLike): void {
  cached.delete(db);
}

export async function matchingRules(db: DatabaseLike, text: string): Promise<WordRule[]> {
  const rules = await currentRules(db);
  const stemmed = rules.filter((rule) => isStemmed(rule.pattern));
  let stemHits = new Set<string>();
  if (stemmed.length) {
    // The text is stemmed once per language (a VALUES list is computed once), not once per rule.
    const docs = sql.join(
      locales.map((locale) => {
        const config = sql.raw(`'${searchConfigByLocale[locale]}'::regconfig`);
        return sql`(${locale}, ${config}, to_tsvector(${config}, ${text}))`;
      }),
      sql`, `,
    );
    const rows = await db
      .select({ id: wordRules.id })
      .from(wordRules)
      .innerJoin(sql`(values ${docs}) as docs(locale, config, doc)`, sql`docs.locale = ${wordRules.locale}`)
      .where(sql`${wordRules.pattern} !~ '[*[:space:]]' and docs.doc @@ plainto_tsquery(docs.config, ${wordRules.pattern})`);
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
  forgetRules(db);
  return { ok: true, rule: rule! };
}

export async function removeRule(db: DatabaseLike, id: string): Promise<void> {
  await db.delete(wordRules).where(sql`${wordRules.id} = ${id}`);
  forgetRules(db);
}
