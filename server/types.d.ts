import type { Locale } from './config.ts';
import type { User as AccountUser } from './accounts/accounts.service.ts';
import type { Draft } from './web/drafts.ts';

declare global {
  namespace Express {
    // Passport's req.user is our account row.
    interface User extends AccountUser {}
    interface Request {
      locale: Locale;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    locale?: Locale;
    /** A member just chose the pages' language from the header: the next page offers to save it. */
    offerLocale?: boolean;
    /** i18n key of a one-time notice shown after a redirect. */
    notice?: string;
    /** The member's words sounded like a crisis: the next page shows them where help is, and whether their post is out or waits (a message to their mentor pair is simply theirs). */
    crisisHelp?: 'published' | 'held' | 'message';
    /** A form that could not be taken, offered back at /draft. */
    draft?: Draft;
  }
}
