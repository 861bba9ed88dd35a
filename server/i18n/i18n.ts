import i18next, { type TFunction } from 'i18next';
import { readFileSync } from 'node:fs';
import { locales, type Locale } from '../config.ts';

export type Messages = { [key: string]: string | Messages };

export function loadMessages(locale: Locale): Messages {
  return JSON.parse(readFileSync(new URL(`./locales/${locale}.json`, import.meta.url), 'utf8')) as Messages;
}

const instance = i18next.createInstance();
await instance.init({
  resources: Object.fromEntries(locales.map((locale) => [locale, { translation: loadMessages(locale) }])),
  lng: 'fi',
  // Danish is translated where we can; what is missing reads in English rather than as a key.
  fallbackLng: { da: ['en'], default: ['en'] },
  // Handlebars escapes what a helper returns; escaping here too would show &amp; to people.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export type Translate = TFunction;

const translators = new Map<Locale, Translate>();

/** The lookup for one language, made once (templates call it for every string on a page). */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    t = instance.getFixedT(locale);
    translators.set(locale, t);
  }
  return t;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** The language each locale is called in itself, for the switcher (no flags). */
export const localeNames: Record<Locale, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English', da: 'Dansk' };

/** Every dotted key in a message tree, for the completeness test. */
export function keysOf(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}
