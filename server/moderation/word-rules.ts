// Word rules: what a post is checked against before it is saved. A word matches its inflected
// forms through PostgreSQL's Snowball stemmer for the rule's language (the same one search uses,
// so "huume" catches "huumeita"); a * stands for any letters, for what stemming does not reach
// ("kannabi*" catches "kannabiksen"); "a|b" takes either word; a phrase matches its words in order
// within a sentence, a few words apart (phrases.ts), and crisis wording is not turned around by
// a negation ("en halua kuolla").
import { asc, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { changed, keptCopy } from '../db/changes.ts';
import { locales, type Locale } from '../config.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { wordRuleActions, wordRules, type WordRuleAction } from './moderation.tables.ts';
import { compileRule, matchesRule, negationWords, plainWords, tokenize, type CompiledRule } from './phrases.ts';

export type WordRule = typeof wordRules.$inferSelect;
type Compiled = { rule: WordRule; words: CompiledRule };

/** Snowball's dictionary for each language: ts_lexize stems one word with it. */
const stemmerByLocale: Record<Locale, string> = { fi: 'finnish_stem', sv: 'swedish_stem', en: 'english_stem', da: 'danish_stem' };

export function listRules(db: DatabaseLike): Promise<WordRule[]> {
  return db.select().from(wordRules).orderBy(asc(wordRules.action), asc(wordRules.locale), asc(wordRules.pattern));
}

// Every post is checked, and rules change rarely: keep them (compiled), as the settings are. A
// change is seen at once in this process and as soon as the others hear of it (db/changes.ts).
const currentRules = keptCopy('word-rules', 60_000, async (db): Promise<Compiled[]> => (await listRules(db)).map((rule) => ({ rule, words: compileRule(rule.pattern) })));

/** The rules changed: every process reads them again. */
export function forgetRules(): void {
  changed('word-rules');
}

/** Each word's stem per language, in one query: the text's words and the rules' words together. */
async function stems(db: DatabaseLike, words: string[], languages: Locale[]): Promise<Map<Locale, Map<string, string>>> {
  const result = new Map<Locale, Map<string, string>>(languages.map((locale) => [locale, new Map()]));
  if (!words.length || !languages.length) return result;
  const columns = Object.fromEntries(
    languages.map((locale) => [locale, sql<string | null>`(ts_lexize(${sql.raw(`'${stemmerByLocale[locale]}'`)}::regdictionary, w))[1]`]),
  );
  // The words travel as one JSON parameter: both drivers pass it alike, however many there are.
  const rows = await db
    .select({ w: sql<string>`w`, ...columns })
    .from(sql`json_array_elements_text(${JSON.stringify(words)}::json) as w`);
  for (const row of rows as Record<string, string | null>[]) {
    const word = String(row.w);
    // A stop word ("en", "inte") has no stem: it stands for itself.
    for (const locale of languages) result.get(locale)!.set(word, row[locale] ?? word);
  }
  return result;
}

/** The rules the text matches. */
export async function matchingRules(db: DatabaseLike, text: string): Promise<WordRule[]> {
  const rules = await currentRules(db);
  if (!rules.length) return [];
  const tokens = tokenize(text);
  if (!tokens.length) return [];
  const languages = [...new Set(rules.map(({ rule }) => rule.locale))];
  const words = new Set(tokens.map((token) => token.word));
  for (const { words: compiled } of rules) for (const word of plainWords(compiled)) words.add(word);
  const stemmed = await stems(db, [...words], languages);
  return rules
    .filter(({ rule, words: compiled }) => {
      const table = stemmed.get(rule.locale)!;
      const stemOf = (word: string) => table.get(word) ?? word;
      return matchesRule(compiled, tokens, stemOf, rule.action === 'crisis' ? negationWords[rule.locale] : undefined);
    })
    .map(({ rule }) => rule);
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
    .max(200, 'errors.wordRule.patternTooLong')
    .refine((value) => /[\p{L}\p{N}]/u.test(value), 'errors.wordRule.patternMissing'),
  action: z.enum(wordRuleActions, 'errors.wordRule.action'),
  message: z.string().trim().max(300, 'errors.wordRule.messageTooLong'),
});

export async function addRule(db: DatabaseLike, form: unknown): Promise<{ ok: true; rule: WordRule } | Invalid> {
  const parsed = parseForm(ruleForm, form);
  if (!parsed.ok) return parsed;
  const [rule] = await db.insert(wordRules).values({ ...parsed.value, pattern: parsed.value.pattern.toLowerCase() }).returning();
  forgetRules();
  return { ok: true, rule: rule! };
}

export async function removeRule(db: DatabaseLike, id: string): Promise<void> {
  await db.delete(wordRules).where(sql`${wordRules.id} = ${id}`);
  forgetRules();
}
