// Turning text into search documents and a reader's words into a query. The document of a post is
// made in the database (search_document, migration 0014) so it follows the node's languages; the
// query is made here. A word matches its stem in any of those languages, or (since Finnish changes
// the ends of words in ways the Snowball stemmers miss: kuukausi → kuukauden, vertaistuki →
// vertaistuen, ihminen → ihmisten) any unstemmed word beginning like it.
import { sql, type SQL } from 'drizzle-orm';
import type { SearchLanguage } from '../admin/settings.tables.ts';

/** PostgreSQL's text-search configuration for each language it can stem. */
export const searchConfigs: Record<SearchLanguage, string> = { fi: 'finnish', sv: 'swedish', en: 'english', da: 'danish' };

/** The node's own languages, as set by the admin (search_configs reads node_settings). */
export const nodeConfigs = sql`search_configs()`;
/** Every language: for the group directory, whose few documents carry them all. */
export const allConfigs = sql.raw(`'{${Object.values(searchConfigs).join(',')}}'::regconfig[]`);

/** A post's search document: its text (and an opening post's title) in the node's languages. */
export function searchDocument(text: string, title: string | null): SQL {
  return sql`search_document(${title}::text, ${text}::text)`;
}

const minimumPrefix = 4;
const vowels = 'aeiouyäöå';

/**
 * Beginnings of a word that its inflected forms share: the word itself and rules of thumb for
 * Finnish nominatives (harmless for Swedish); the database adds the Snowball stems.
 */
export function prefixesOf(word: string): string[] {
  const found = new Set<string>([word]);
  const cut = (n: number) => word.slice(0, word.length - n);
  const last = word.at(-1) ?? '';
  // ihminen → ihmis(en), ihmis(ten); nainen → nais(ia)
  if (word.endsWith('nen')) found.add(`${cut(3)}s`);
  // ryhmä → ryhm(ässä), kahvila → kahvil(assa), Tampere → Tamper(eella)
  if (vowels.includes(last)) {
    const stem = cut(1);
    found.add(stem);
    // vertaistuki → vertaistu(en), Pyynikki → Pyynik(in), Helsinki → Helsin(gissä): consonant gradation
    if ('kpt'.includes(stem.at(-1) ?? '') && stem.length > minimumPrefix) found.add(stem.slice(0, -1));
  }
  // masennus → masennu(ksen), kallis → kalli(in), vieras → viera(an)
  if (last === 's' && vowels.includes(word.at(-2) ?? '')) found.add(cut(1));
  // puhelin → puheli(men), avain → avai(men)
  if (last === 'n' && word.at(-2) === 'i' && !word.endsWith('nen')) found.add(cut(1));
  // A short word is its own beginning too: "työ" finds "työssä", "apu" finds "apua".
  return [...found].filter((prefix) => prefix.length >= minimumPrefix || (prefix === word && word.length >= 3));
}

export type SearchTerms = { words: string[]; phrases: string[]; excluded: string[] };

const letters = /[\p{L}\p{N}]+/gu;
const maxTerms = 10;

/** What a reader typed, as a web search reads it: words (all must match), "a phrase", -not this. */
export function parseSearch(text: string): SearchTerms {
  const terms: SearchTerms = { words: [], phrases: [], excluded: [] };
  const rest = text.toLocaleLowerCase('fi').replace(/"([^"]*)"?/g, (_, phrase: string) => {
    if (phrase.trim()) terms.phrases.push(phrase.trim());
    return ' ';
  });
  for (const token of rest.split(/\s+/)) {
    (token.startsWith('-') ? terms.excluded : terms.words).push(...(token.match(letters) ?? []));
  }
  const unique = (list: string[]) => [...new Set(list)].slice(0, maxTerms);
  return { words: unique(terms.words), phrases: unique(terms.phrases), excluded: unique(terms.excluded) };
}

/**
 * The tsquery for what a reader typed: every word and phrase must match, no excluded word may.
 * Null (matching nothing) when nothing is left to look for, such as only stop words.
 */
export function searchQuery(text: string, configs: SQL): SQL {
  const { words, phrases, excluded } = parseSearch(text);
  const stemmed = (fn: string, value: string) => sql`(select search_any(${sql.raw(fn)}(c, ${value})) from unnest(${configs}) c)`;
  const parts = [
    ...words.map((word) => sql`search_word(${word}, array[${sql.join(
      prefixesOf(word).map((prefix) => sql`${prefix}`),
      sql`, `,
    )}]::text[], ${configs})`),
    ...phrases.filter((phrase) => phrase.match(letters)).map((phrase) => stemmed('phraseto_tsquery', phrase)),
    ...excluded.map((word) => sql`!!${stemmed('plainto_tsquery', word)}`),
  ];
  if (!words.length && !phrases.length) return sql`null::tsquery`;
  return sql`(select search_every(q) from unnest(array[${sql.join(parts, sql`, `)}]::tsquery[]) q)`;
}
