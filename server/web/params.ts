import type { Request } from 'express';
import { NotFoundError } from '../errors.ts';
import { isUuid } from '../validation.ts';

/** A row id from the path; anything that cannot be one is simply not found (never a database error). */
export function idParam(req: Request, name = 'id'): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !isUuid(value)) throw new NotFoundError();
  return value;
}

export function textParam(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
