import type { z } from 'zod';

/** Field name → i18n key of the message that field shows. */
export type FieldErrors = Record<string, string>;

export type Invalid = { ok: false; errors: FieldErrors };

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
  return { ok: false, errors };
}

export function invalid(field: string, key: string): Invalid {
  return { ok: false, errors: { [field]: key } };
}

/** Form values arrive as strings or not at all; a missing field reads as an empty string. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
