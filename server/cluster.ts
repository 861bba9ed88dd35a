// WEB_CONCURRENCY=N on PostgreSQL: N processes serve the node on one port (node:cluster hands
// each new connection to one of them), so pages use every core. The first process (the primary)
// only prepares the database once and looks after the others: one that dies is started again,
// and a stop stops them all. What a process keeps in memory stays right across them
// (db/changes.ts); rate limits and sessions are in the database.
import cluster, { type Worker } from 'node:cluster';

/** The environment variable telling a process which of the node's processes it is (1…N). */
const numberVariable = 'KOHTAAMO_WORKER';

/** This process's number and the count, when a primary started it; undefined when it is the only one. */
export function workerPlace(count: number): { number: number; count: number } | undefined {
  if (cluster.isPrimary) return undefined;
  return { number: Number(process.env[numberVariable]), count };
}

/**
 * Starts `count` processes of this program and keeps them running until SIGTERM or SIGINT.
 * A process that stops before it ever listened (a setting it refuses, a port in use) stops the
 * node: starting it again would fail the same way.
 */
export function superviseWorkers(count: number, log: (line: string) => void): void {
  let stopping = false;
  let exitCode = 0;
  const running = new Map<number, Worker>();
  const listening = new Set<number>();

  const start = (number: number) => {
    const worker = cluster.fork({ [numberVariable]: String(number) });
    const startedAt = Date.now();
    running.set(number, worker);
    worker.once('listening', () => listening.add(number));
    worker.once('exit', (code, signal) => {
      running.delete(number);
      if (stopping) {
        if (!running.size) process.exit(exitCode);
        return;
      }
      if (!listening.has(number)) {
        log(`Process ${number} of ${count} stopped while starting (${signal ?? `exit code ${code}`}); stopping the node.`);
        stop(1);
        return;
      }
      listening.delete(number);
      // A process that dies at once again and again is started again more slowly.
      const wait = Date.now() - startedAt < 10_000 ? 5000 : 0;
      log(`Process ${number} of ${count} stopped (${signal ?? `exit code ${code}`}); starting it again${wait ? ' in 5 s' : ''}.`);
      setTimeout(() => stopping || start(number), wait);
    });
  };

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (!running.size) process.exit(code);
    // Each process lets its requests in flight finish (main.ts), then exits; the last one out ends the node.
    for (const worker of running.values()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of running.values()) worker.process.kill('SIGKILL');
      process.exit(code);
    }, 15_000).unref();
  };

  for (let number = 1; number <= count; number++) start(number);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping ${count} processes`);
      stop(0);
    });
  }
}
