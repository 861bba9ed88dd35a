// The crisis lines the help page, the footer and the after-posting box show. An admin can edit
// them; until then these national lines apply.
import type { Invalid } from '../validation.ts';
import { z } from 'zod';
import type { Locale } from '../config.ts';
import type { CrisisLine } from '../admin/settings.tables.ts';
import type { NodeSettings } from '../admin/settings.service.ts';

export const defaultCrisisLines: readonly CrisisLine[] = [
  { name: 'MIELI Kriisipuhelin', phone: '09 2525 0111', hours: '24/7', language: 'fi', country: 'FI' },
  { name: 'MIELI Kristelefonen', phone: '09 2525 0112', hours: '', language: 'sv', country: 'FI' },
  { name: 'MIELI Crisis Helpline', phone: '09 2525 0116', hours: '', language: 'en', country: 'FI' },
  { name: 'Mind Självmordslinjen', phone: '90101', hours: '24/7', language: 'sv', country: 'SE' },
  { name: 'Livslinien', phone: '70 201 201', hours: '', language: 'da', country: 'DK' },
];

/** Where a reader of each language most likely is, for ordering lines: a Danish reader first sees Denmark's. */
const homeCountry: Record<Locale, string> = { fi: 'FI', sv: 'FI', en: 'FI', da: 'DK' };

export function crisisLines(settings: Pick<NodeSettings, 'crisisLines'> | undefined): readonly CrisisLine[] {
  return settings?.crisisLines ?? defaultCrisisLines;
}

/** A tel: address for a number as people write it; a Finnish, Swedish or Danish local number gets its country code. */
export function telOf(line: Pick<CrisisLine, 'phone' | 'country'>): string {
  const digits = line.phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits;
  if (line.country === 'FI' && digits.startsWith('0') && digits.length > 6) return `+358${digits.slice(1)}`;
  return digits;
}

/** The lines in the reader's language (and country) first; the rest after, in the admin's order. */
export function linesFor(settings: Pick<NodeSettings, 'crisisLines'> | undefined, locale: Locale) {
  const rank = (line: CrisisLine) => (line.language === locale ? 0 : 2) + (line.country === homeCountry[locale] ? 0 : 1);
  return crisisLines(settings)
    .map((line, index) => ({ ...line, tel: telOf(line), index }))
    .sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

/** The admin's form has a fixed number of rows; blank rows are dropped. */
export const crisisLineRows = 8;

const line = z.object({
  name: z.string().trim().max(100, 'errors.crisisLine.tooLong'),
  phone: z.string().trim().max(30, 'errors.crisisLine.phone').regex(/^[+\d][\d\s-]*$|^$/, 'errors.crisisLine.phone'),
  hours: z.string().trim().max(100, 'errors.crisisLine.tooLong'),
  language: z.enum(['fi', 'sv', 'en', 'da'], 'errors.crisisLine.language'),
  country: z.enum(['FI', 'SE', 'DK', 'NO', 'EE'], 'errors.crisisLine.country'),
});
export const crisisCountries = ['FI', 'SE', 'DK', 'NO', 'EE'] as const;

/** Reads rows name-0, phone-0, … from the form; a row needs both a name and a number. */
export function parseCrisisLines(form: Record<string, unknown>): { ok: true; lines: CrisisLine[] } | Invalid {
  const lines: CrisisLine[] = [];
  const errors: Record<string, string> = {};
  for (let i = 0; i < crisisLineRows; i++) {
    const raw = { name: form[`name-${i}`] ?? '', phone: form[`phone-${i}`] ?? '', hours: form[`hours-${i}`] ?? '', language: form[`language-${i}`], country: form[`country-${i}`] };
    if (!String(raw.name).trim() && !String(raw.phone).trim()) continue;
    const parsed = line.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errors[`${String(issue.path[0])}-${i}`] = issue.message;
      continue;
    }
    if (!parsed.data.name) errors[`name-${i}`] = 'errors.crisisLine.nameMissing';
    else if (!parsed.data.phone) errors[`phone-${i}`] = 'errors.crisisLine.phone';
    else lines.push(parsed.data);
  }
  return Object.keys(errors).length ? { ok: false, kind: 'invalid', errors } : { ok: true, lines };
}
