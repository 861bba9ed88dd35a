// Control characters have no place in anything a person types: NUL cannot even be stored, and
// BEL or ESC only come from forged requests. They are refused once, where input enters, before
// any route reads it; line breaks and tabs are text.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.ts';

const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function holdsControl(value: unknown): boolean {
  if (typeof value === 'string') return control.test(value);
  if (Array.isArray(value)) return value.some(holdsControl);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, inner]) => control.test(key) || holdsControl(inner));
  return false;
}

function decodedPath(req: Request): string {
  try {
    return decodeURIComponent(req.path);
  } catch {
    return req.path;
  }
}

export function refuseControlCharacters(req: Request, _res: Response, next: NextFunction): void {
  if (control.test(decodedPath(req)) || holdsControl(req.query) || holdsControl(req.body)) throw new HttpError(400, 'errors.controlCharacters');
  next();
}
