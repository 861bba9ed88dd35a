import type { Request } from 'express';
import { csrf } from './csrf.ts';
import type { FieldErrors, Invalid } from '../validation.ts';

/**
 * What a form page needs: the values to fill back in, each field's error and the error summary
 * (WCAG 3.3.1: focus goes to the summary, which links to each field).
 */
export function formView(req: Request, values: Record<string, unknown> = {}, errors: FieldErrors = {}) {
  const { password: _password, newPassword: _newPassword, currentPassword: _currentPassword, _csrf, ...kept } = values;
  return {
    values: kept,
    errors,
    errorList: Object.entries(errors).map(([field, key]) => ({ field, key })),
    csrfToken: csrf.generateToken(req),
  };
}

/** A composer posted back with Preview: the form as sent, with the text as it will look, or what is wrong with it. */
export function previewView(req: Request, previewed: { ok: true; html: string } | Invalid) {
  return { preview: previewed.ok ? previewed.html : null, ...formView(req, req.body, previewed.ok ? {} : previewed.errors) };
}
