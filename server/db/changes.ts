// What a process keeps a copy of (settings, word rules, the federation policy, pages rendered for
// visitors) must not outlive a change made in another process of the same node (WEB_CONCURRENCY,
// or several machines on one PostgreSQL). Each kind has a generation: a change here bumps it at
// once and, on PostgreSQL, tells every other process through NOTIFY, whose listener bumps theirs.
// A kept copy from an older generation is not used. While the listener is away (the database
// restarting) the caches' own short lifetimes still bound how stale a copy can be.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabaseLike } from './client.ts';

export type Kept = 'settings' | 'word-rules' | 'federation-policy' | 'visitor-pages';
const kinds: readonly Kept[] = ['settings', 'word-rules', 'federation-policy', 'visitor-pages'];

const channel = 'kohtaamo_changes';
/** Tells this process's own notices (which PostgreSQL also delivers to it) from the others'. */
const processId = randomUUID();
const generations = new Map<Kept, number>(kinds.map((kind) => [kind, 0]));

export function generation(what: Kept): number {
  return generations.get(what)!;
}

const bump = (what: Kept) => generations.set(what, generation(what) + 1);

/**
 * A copy of something read from the database, kept per database handle until `what` changes
 * (here, or in another process that says so) or `ttlMs` passes. `keep` says whether a value read
 * may be kept at all (the settings before the first-run setup are not).
 */
export function keptCopy<T>(what: Kept, ttlMs: number, read: (db: DatabaseLike) => Promise<T>, keep: (value: T) => boolean = () => true): (db: DatabaseLike) => Promise<T> {
  const copies = new WeakMap<object, { value: T; until: number; generation: number }>();
  return async (db) => {
    const hit = copies.get(db);
    if (hit && hit.until > Date.now() && hit.generation === generation(what)) return hit.value;
    const seen = generation(what);
    const value = await read(db);
    if (keep(value)) copies.set(db, { value, until: Date.now() + ttlMs, generation: seen });
    return value;
  };
}

let listener: ChangeListener | null = null;

/** Something kept of `what` changed in this process: forget it here now, and in the others soon. */
export function changed(what: Kept): void {
  bump(what);
  listener?.tell(what);
}

const isKept = (value: string): value is Kept => (kinds as readonly string[]).includes(value);

/** One connection of its own that listens for the other processes' changes and sends this one's. */
class ChangeListener {
  readonly #url: string;
  readonly #log: (line: string) => void;
  #client: pg.Client | null = null;
  #closed = false;
  #retryMs = 1000;
  #retrying = false;
  /** Kinds waiting to be told; sent one statement at a time (a pg client takes one query at a time). */
  readonly #waiting = new Set<Kept>();
  #sending = false;

  constructor(url: string, log: (line: string) => void) {
    this.#url = url;
    this.#log = log;
  }

  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (message) => {
      const [from, what] = (message.payload ?? '').split(' ');
      if (from !== processId && what && isKept(what)) bump(what);
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    this.#client = client;
    this.#retryMs = 1000;
    // What changed elsewhere while this process was not listening is unknown: forget everything.
    kinds.forEach(bump);
    void this.#send();
  }

  #lost(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = null;
    client.end().catch(() => {});
    this.#retry();
  }

  #retry(): void {
    if (this.#closed || this.#retrying) return;
    this.#retrying = true;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, 30_000);
    setTimeout(() => {
      this.#retrying = false;
      if (!this.#closed) this.connect().catch(() => this.#retry());
    }, wait).unref();
  }

  tell(what: Kept): void {
    this.#waiting.add(what);
    void this.#send();
  }

  async #send(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#client && this.#waiting.size) {
        const [what] = this.#waiting;
        this.#waiting.delete(what!);
        await this.#client.query('select pg_notify($1, $2)', [channel, `${processId} ${what}`]).catch((error: Error) => {
          this.#log(`changes: could not tell the other processes (${error.message}); they see it when their copy runs out`);
        });
      }
    } finally {
      this.#sending = false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }
}

/** Starts listening on PostgreSQL for the other processes' changes; one listener a process. */
export async function listenForChanges(databaseUrl: string, log: (line: string) => void): Promise<{ close(): Promise<void> }> {
  const started = new ChangeListener(databaseUrl, log);
  await started.connect();
  listener = started;
  return {
    close: async () => {
      if (listener === started) listener = null;
      await started.close();
    },
  };
}
