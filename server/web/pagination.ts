import type { Request } from 'express';

/** The ?page= number, at least 1; anything else reads as 1. */
export function pageNumber(req: Request): number {
  const value = Number.parseInt(String(req.query.page ?? '1'), 10);
  return Number.isInteger(value) && value > 0 && value < 100_000 ? value : 1;
}

/** Links for a pager: the base URL already holds the other query parameters. */
export function pager(base: string, page: number, pages: number) {
  const join = base.includes('?') ? '&' : '?';
  return {
    page,
    pages,
    previous: page > 1 ? `${base}${join}page=${page - 1}` : null,
    next: page < pages ? `${base}${join}page=${page + 1}` : null,
  };
}
