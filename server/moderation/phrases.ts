// How a word rule finds its words in a real sentence. People in despair write with fillers
// ("en jaksa enää elää"), inflections ("haluaisin kuolla") and negations, so a phrase matches its
// words in order within one sentence, with a few other words allowed between them. Pure: the
// stems come from the caller (PostgreSQL's Snowball stemmers, the ones search uses).

/** At most this many other words may stand between two words of a phrase. */
export const phraseGap = 3;

/** How far back (in words, within the clause) a negation turns a crisis phrase around: "en halua kuolla". */
const negationReach = 2;

export type Token = {
  word: string;
  /** Sentences and clauses are numbered; a phrase never spans two sentences, a negation never reaches across a comma. */
  sentence: number;
  clause: number;
};

/** One word of a rule: any of its alternatives ("halua|haluan"); each a plain word (matched by stem) or a * pattern. */
type Alternative = { glob: RegExp } | { word: string };
export type CompiledRule = Alternative[][];

const letter = /[\p{L}\p{N}]/u;
const tokenPattern = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[.!?…;:]+|\n\s*\n|,/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentence = 0;
  let clause = 0;
  for (const [piece] of text.toLowerCase().replaceAll('’', "'").matchAll(tokenPattern)) {
    if (letter.test(piece)) tokens.push({ word: piece, sentence, clause });
    else if (piece === ',') clause++;
    else {
      sentence++;
      clause++;
    }
  }
  return tokens;
}

function globRegex(word: string): RegExp {
  const body = word
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\p{L}\\p{N}\']*');
  return new RegExp(`^${body}$`, 'u');
}

/** A pattern as words and alternatives: "en|ei jaksa elää" is three words, the first with two forms. */
export function compileRule(pattern: string): CompiledRule {
  return pattern
    .toLowerCase()
    .replaceAll('’', "'")
    .trim()
    .split(/\s+/)
    .map((word) =>
      word
        .split('|')
        .filter((form) => letter.test(form))
        .map((form): Alternative => (form.includes('*') ? { glob: globRegex(form) } : { word: form })),
    )
    .filter((alternatives) => alternatives.length > 0);
}

/** The plain words of a rule, which the caller stems along with the text's. */
export function plainWords(rule: CompiledRule): string[] {
  return rule.flatMap((alternatives) => alternatives.flatMap((form) => ('word' in form ? [form.word] : [])));
}

/** A word's stem in the rule's language; a stop word ("en", "inte") stems to nothing and stands for itself. */
export type StemOf = (word: string) => string;

function fits(form: Alternative, token: Token, stemOf: StemOf): boolean {
  if ('glob' in form) return form.glob.test(token.word);
  return form.word === token.word || stemOf(form.word) === stemOf(token.word);
}

function fitsAny(alternatives: Alternative[], token: Token, stemOf: StemOf): boolean {
  return alternatives.some((form) => fits(form, token, stemOf));
}

/**
 * Whether the tokens hold the rule's words in order, in one sentence, at most phraseGap words
 * apart. With negations (for crisis wording), a match does not count when a negation the rule
 * does not itself contain stands just before it or among its words: "I don't want to die".
 */
export function matchesRule(rule: CompiledRule, tokens: Token[], stemOf: StemOf, negations?: ReadonlySet<string>): boolean {
  if (rule.length === 0) return false;
  const ruleNegates = negations !== undefined && rule.some((alternatives) => alternatives.some((form) => 'word' in form && negations.has(form.word)));
  const guard = negations !== undefined && !ruleNegates;
  const search = (from: number, index: number, previous: number): number[] | undefined => {
    if (index === rule.length) return [];
    const last = index === 0 ? tokens.length - 1 : Math.min(tokens.length - 1, previous + phraseGap + 1);
    for (let i = from; i <= last; i++) {
      if (index > 0 && tokens[i]!.sentence !== tokens[previous]!.sentence) return undefined;
      if (!fitsAny(rule[index]!, tokens[i]!, stemOf)) continue;
      const rest = search(i + 1, index + 1, i);
      if (rest) return [i, ...rest];
    }
    return undefined;
  };
  // The first match that no negation turns around counts; a negated one lets the search go on after it.
  for (let from = 0; from < tokens.length; ) {
    const found = search(from, 0, from);
    if (!found) return false;
    if (!guard || !negated(tokens, found, negations!)) return true;
    from = found[0]! + 1;
  }
  return false;
}

function negated(tokens: Token[], positions: number[], negations: ReadonlySet<string>): boolean {
  const first = positions[0]!;
  const lastPosition = positions.at(-1)!;
  const matched = new Set(positions);
  for (let i = Math.max(0, first - negationReach); i <= lastPosition; i++) {
    if (matched.has(i)) continue;
    const token = tokens[i]!;
    if (i < first && token.clause !== tokens[first]!.clause) continue;
    if (negations.has(token.word)) return true;
  }
  return false;
}

/** Words that turn a statement around, per language, as people write them (with or without the apostrophe). */
export const negationWords: Record<'fi' | 'sv' | 'en' | 'da', ReadonlySet<string>> = {
  fi: new Set(['en', 'et', 'ei', 'emme', 'ette', 'eivät', 'älä', 'enkä', 'eikä', 'ettekä', 'emmekä', 'etten', 'ettet', 'ettei', 'ettemme', 'ettette', 'etteivät', 'jollen', 'jollei']),
  sv: new Set(['inte', 'ej', 'icke', 'aldrig', 'inget', 'ingen']),
  en: new Set([
    'not', 'no', 'never', "don't", 'dont', "doesn't", 'doesnt', "didn't", 'didnt', "won't", 'wont', "wouldn't", 'wouldnt',
    "can't", 'cant', 'cannot', "isn't", 'isnt', "aren't", "wasn't", "shouldn't", "couldn't", "ain't", "i'm not",
  ]),
  da: new Set(['ikke', 'aldrig', 'ingen', 'intet']),
};
