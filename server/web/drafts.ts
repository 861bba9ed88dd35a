// What someone typed is never lost: when a form cannot be taken (the session ended, the form's
// token went stale, too many tries, a fault on our side), the text is kept in the browser's
// session and offered back at /draft, to check and send again, after signing in if need be.
import { Router, type Request } from 'express';
import { formView } from './forms.ts';

/** Fields a person writes; shown back to be edited. Everything else of the form is carried as it was. */
const writtenFields = ['title', 'body', 'contentWarning', 'message', 'reply', 'note', 'reason', 'summary', 'description', 'howToJoin', 'rules'] as const;
type WrittenField = (typeof writtenFields)[number];
/** Never kept: secrets, the form's token, and what makes no sense to send twice. */
const neverKept = /password|^_csrf$|^preview$/i;
/** A draft older than this is gone: the page it belonged to has likely moved on. */
const keptMs = 24 * 3_600_000;

export type Draft = { action: string; fields: Record<string, string | string[]>; at: number };

export type DraftView = {
  action: string;
  written: { name: WrittenField; value: string; long: boolean }[];
  carried: { name: string; value: string }[];
};

function writtenIn(body: unknown): Record<string, string | string[]> | null {
  if (!body || typeof body !== 'object') return null;
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (neverKept.test(name)) continue;
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) fields[name] = value as string | string[];
  }
  const wroteSomething = writtenFields.some((name) => typeof fields[name] === 'string' && (fields[name] as string).trim() !== '');
  return wroteSomething ? fields : null;
}

/**
 * Only a form sent from this node's own pages is kept: a form posted from another site could
 * otherwise plant text to be "sent again", and replace the reader's session cookie.
 */
function fromOurPages(req: Request): boolean {
  const origin = req.get('origin');
  if (origin) {
    try {
      return new URL(origin).host === req.get('host');
    } catch {
      return false;
    }
  }
  return req.get('sec-fetch-site') !== 'cross-site';
}

/** The written text of a refused form, to show back on the error page (nothing kept). */
export function writtenText(req: Request): DraftView['written'] {
  if (req.method !== 'POST') return [];
  const fields = writtenIn(req.body);
  return fields ? toView({ action: req.originalUrl, fields, at: 0 }).written : [];
}

/** Keeps the refused form in the session, to be offered back at /draft. Says whether there was anything to keep. */
export function keepDraft(req: Request): boolean {
  if (req.method !== 'POST' || !req.session || !fromOurPages(req)) return false;
  const fields = writtenIn(req.body);
  if (!fields) return false;
  req.session.draft = { action: req.originalUrl, fields, at: Date.now() };
  return true;
}

function toView(draft: Draft): DraftView {
  const written: DraftView['written'] = [];
  const carried: DraftView['carried'] = [];
  for (const [name, value] of Object.entries(draft.fields)) {
    if ((writtenFields as readonly string[]).includes(name) && typeof value === 'string') {
      if (value.trim() !== '') written.push({ name: name as WrittenField, value, long: name !== 'title' && name !== 'contentWarning' });
      else carried.push({ name, value });
    } else {
      for (const one of Array.isArray(value) ? value : [value]) carried.push({ name, value: one });
    }
  }
  return { action: draft.action, written, carried };
}

function currentDraft(req: Request): Draft | null {
  const draft = req.session?.draft;
  if (!draft) return null;
  if (Date.now() - draft.at > keptMs) {
    delete req.session.draft;
    return null;
  }
  return draft;
}

export function draftsRouter(): Router {
  const router = Router();

  // @route GET /draft — the text of a form that could not be taken, to check and send again
  router.get('/draft', (req, res) => {
    const draft = currentDraft(req);
    res.render('pages/draft', { title: 'drafts.title', draft: draft ? toView(draft) : null, ...formView(req) });
  });

  // @route POST /draft/forget — throw the kept text away
  router.post('/draft/forget', (req, res) => {
    delete req.session.draft;
    res.redirect(303, '/');
  });

  return router;
}

/** After sending the kept text again, it is no longer kept (a refusal keeps it anew). */
export function forgetDraftOnceSent(req: Request): void {
  const draft = req.session?.draft;
  if (draft && req.method === 'POST' && draft.action === req.originalUrl) delete req.session.draft;
}
