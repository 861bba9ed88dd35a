import type { EventEmitter } from 'node:events';

/** Waits for a poll interval, for work announced by this process, or for the end, whichever comes first. */
export function idle(wake: EventEmitter, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake.off('work', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wake.once('work', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
