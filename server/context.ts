// What every part of a running node is handed: its settings, database, mailer and log.
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { Mailer } from './mail.ts';
import type { RequestEntry } from './log.ts';

export type AppContext = {
  config: Config;
  database: Database;
  mailer: Mailer;
  log: (line: string) => void;
  /** Where each finished request is logged, when the log takes requests (JSON). */
  logRequest?: (entry: RequestEntry) => void;
  /**
   * Which of the node's processes this is, when WEB_CONCURRENCY starts more than one: the first
   * does the node's own background work (search index, partners' listings, backups) once for all.
   */
  worker?: { number: number; count: number };
};
