import { z } from 'zod';

/** Field name → i18n key of the message that field shows. */
export type FieldErrors = Record<string, string>;

export type Invalid = { ok: false; kind: 'invalid'; errors: FieldErrors };

/**
 * Parses a form with a schema whose messages are i18n keys. The first problem of each field wins,
 * so a person sees one clear sentence per field.
 */
export function parseForm<T>(schema: z.ZodType<T>, input: unknown): { ok: true; value: T } | Invalid {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    // Our schemas speak in i18n keys; zod's own English (e.g. a field missing from a forged post) becomes a general sentence.
    errors[field] ??= /^[a-z]+(\.[a-zA-Z]+)+$/.test(issue.message) ? issue.message : 'form.invalidField';
  }
  return { ok: false, kind: 'invalid', errors };
}

export function invalid(field: string, key: string): Invalid {
  return { ok: false, kind: 'invalid', errors: { [field]: key } };
}

/** Form values arrive as strings or not at all; a missing field reads as an empty string. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

// Bidirectional embeddings, overrides and isolates can make a name or title read as something else.
const bidiControl = /[\u202a-\u202e\u2066-\u2069]/;
// A title or name needs something to see: zero-width spaces, joiners and marks alone are not text.
const visible = /[^\s\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]/;

/** A one-line text (a name, a title): no line breaks or direction overrides, and (when required) something visible. */
export function singleLine(schema: z.ZodString, messageKey: string, required = true) {
  return schema.refine((value) => !/[\r\n]/.test(value) && !bidiControl.test(value) && (!required || visible.test(value)), messageKey);
}

/** Whether a value from an address (a path, an ActivityPub id) can be a row's id at all. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** Checkboxes sharing a name: none sent, one (a string) or several (an array) read as a list. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(item).max(30));

/** A ticked checkbox sends "on"; an unticked one sends nothing. */
export const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

/** A calendar date that exists, as YYYY-MM-DD (not 30 February). */
export function realDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
