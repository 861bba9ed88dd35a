import { pino } from 'pino';
import type { Config } from './config.ts';

/** What is logged of one request: never its address, query string, body or who made it. */
export type RequestEntry = { method: string; route: string; status: number; ms: number };

export type Logs = { log: (line: string) => void; request: ((entry: RequestEntry) => void) | null };

/**
 * The node's log on standard output. JSON (pino) gives one object a line, requests included, for
 * journald and log tools; text gives plain lines for a person trying the node at a terminal.
 */
export function createLogs(config: Pick<Config, 'logLevel' | 'logFormat'>): Logs {
  if (config.logLevel === 'silent') return { log: () => {}, request: null };
  if (config.logFormat === 'text') return { log: (line) => console.log(line), request: null };
  const logger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } });
  return {
    log: (line) => logger.info(line),
    request: (entry) => logger.info(entry, 'request'),
  };
}
