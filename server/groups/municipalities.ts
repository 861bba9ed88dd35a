// Finland's municipalities and their regions, kept as data in the repository (municipalities.json).
import { readFileSync } from 'node:fs';

type Names = { fi: string; sv: string };
export type Region = Names & { code: string; en: string };
export type Municipality = Names & { code: string; region: string };

const data = JSON.parse(readFileSync(new URL('./municipalities.json', import.meta.url), 'utf8')) as { regions: Region[]; municipalities: Municipality[] };

export const regions: readonly Region[] = data.regions;
export const municipalities: readonly Municipality[] = data.municipalities;
const byCode = new Map(municipalities.map((m) => [m.code, m]));
const regionByCode = new Map(regions.map((r) => [r.code, r]));

export function findMunicipality(code: string | null | undefined): Municipality | undefined {
  return code ? byCode.get(code) : undefined;
}

export function findRegion(code: string | null | undefined): Region | undefined {
  return code ? regionByCode.get(code) : undefined;
}

/** Swedish readers get Swedish names; everyone else the Finnish ones (English uses the Finnish names too). */
export function placeName(place: Names, locale: string): string {
  return locale === 'sv' ? place.sv : place.fi;
}

export function regionName(region: Region, locale: string): string {
  return locale === 'sv' ? region.sv : locale === 'en' || locale === 'da' ? region.en : region.fi;
}

export function municipalitiesIn(regionCode: string): Municipality[] {
  return municipalities.filter((m) => m.region === regionCode);
}

/** Options for a select, sorted by name in the reader's language. */
export function municipalityOptions(locale: string) {
  const collator = new Intl.Collator(locale);
  return municipalities
    .map((m) => ({ code: m.code, name: placeName(m, locale), region: m.region }))
    .sort((a, b) => collator.compare(a.name, b.name));
}

export function regionOptions(locale: string) {
  const collator = new Intl.Collator(locale);
  return regions.map((r) => ({ code: r.code, name: regionName(r, locale) })).sort((a, b) => collator.compare(a.name, b.name));
}
