// Check-ins fall due by the calendar, not by anything anyone does: an hourly look tells each of a
// running pair when theirs has come (once; the home page keeps it waiting until answered).
import type { AppContext } from '../context.ts';
import { repeat } from '../repeat.ts';
import { remindDueCheckins } from './pairs.service.ts';

export function startCheckinReminders(context: AppContext, signal: AbortSignal): void {
  repeat({ what: 'mentoring: the check-in reminders', everyMs: 3_600_000, atStart: true }, () => remindDueCheckins(context.database.db), context.log, signal);
}
