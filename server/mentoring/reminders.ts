// Check-ins fall due by the calendar, not by anything anyone does: an hourly look tells each of a
// running pair when theirs has come (once; the home page keeps it waiting until answered).
import type { AppContext } from '../context.ts';
import { remindDueCheckins } from './pairs.service.ts';

const hour = 3_600_000;

export function startCheckinReminders(context: AppContext, signal: AbortSignal): void {
  let running = false;
  const tick = async () => {
    if (running || signal.aborted) return;
    running = true;
    try {
      await remindDueCheckins(context.database.db);
    } catch (error) {
      context.log(`mentoring: the check-in reminders failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), hour);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer));
}
