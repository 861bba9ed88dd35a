import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { HttpError, NotFoundError } from '../errors.ts';
import { describeForLog } from './error-log.ts';
import { keepDraft, writtenText } from './drafts.ts';

export function handleNotFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function messageKeyOf(error: unknown, status: number): string {
  if (error instanceof HttpError) return error.messageKey;
  if ((error as { code?: string }).code === 'EBADCSRFTOKEN') return 'errors.csrf';
  if (status === 413) return 'errors.tooLarge';
  return status < 500 ? 'errors.badRequest' : 'errors.server';
}

/** One place turns errors into a calm page; if even that page fails, a plain text answer. */
export function handleErrors({ log }: AppContext) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = statusOf(error);
    // The path without its query: a search or filter holds what someone typed.
    if (status >= 500) log(`error on ${req.method} ${req.path}: ${describeForLog(error)}`);
    if (res.headersSent) return;
    const messageKey = messageKeyOf(error, status);
    // A refusal that passes (a stale form, too many tries, our own fault) keeps the text to send again;
    // every refusal shows the text back, so nothing written is lost.
    const passing = messageKey === 'errors.csrf' || status === 429 || status >= 500;
    const draftKept = passing && keepDraft(req);
    const written = writtenText(req);
    res.status(status);
    const view = { title: `errors.title${status === 404 ? 'NotFound' : ''}`, messageKey, status, locale: req.locale ?? 'fi', draftKept, written, signedIn: Boolean(req.user) };
    res.render('error', view, (renderError, html) => {
      if (renderError) {
        res.type('text/plain').send(`${status}`);
        return;
      }
      res.send(html);
    });
  };
}
