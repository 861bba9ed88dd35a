// Check-ins fall due and pairs' time runs out by the calendar, not by anything anyone does: an
// hourly look closes the pairs past their time and tells each of a running pair when a check-in
// has come (once; the home page keeps it waiting until answered).
import type { AppContext } from '../context.ts';
import { repeat } from '../repeat.ts';
import { closeFinishedPairs, remindDueCheckins } from './pairs.service.ts';

export function startPairCalendar(context: AppContext, signal: AbortSignal): void {
  const round = async () => {
    await closeFinishedPairs(context.database.db);
    await remindDueCheckins(context.database.db);
  };
  repeat({ what: "mentoring: the pairs' calendar", everyMs: 3_600_000, atStart: true }, round, context.log, signal);
}
