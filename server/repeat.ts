// The node's background rounds (mail, backups, reminders, the partners' directories, clearing
// out): each runs on a timer, never over itself when a round outlasts the interval, and a round
// that fails is logged and does not stop the next one.

export type Round = {
  /** In the log line when a round fails. */
  what: string;
  everyMs: number;
  /** Runs a first round at once instead of after the first interval. */
  atStart?: boolean;
};

export function repeat(round: Round, task: () => Promise<unknown>, log: (line: string) => void, signal: AbortSignal): void {
  let running = false;
  const tick = async () => {
    if (running || signal.aborted) return;
    running = true;
    try {
      await task();
    } catch (error) {
      log(`${round.what} failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  if (round.atStart) void tick();
  const timer = setInterval(() => void tick(), round.everyMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer));
}
