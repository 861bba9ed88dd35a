import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

// The synchroniser-token pattern: the token lives in the server-side session, every form posts it back.
export const csrf = csrfSync({
  getTokenFromRequest: (req: Request) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
});
