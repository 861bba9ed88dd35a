// PGlite is PostgreSQL compiled to WebAssembly: run in the node's own thread, every query holds
// up rendering and accepting requests, and the node uses one core. Here it runs in a worker
// thread (pglite-worker.ts) behind the part of PGlite's interface Drizzle uses (query and
// transaction), so the pages and the database each have a core and a slow query stops nothing
// but the queries after it.
import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryOptions, Results, RowMode } from '@electric-sql/pglite';

export type Request = { id: number } & (
  | { op: 'query'; sql: string; params: unknown[] | undefined; rowMode: RowMode | undefined; unparsed: string[]; transaction?: number }
  | { op: 'begin' }
  | { op: 'commit' | 'rollback'; transaction: number }
  | { op: 'close' }
);
export type Response = { id: number; value?: unknown; error?: Record<string, unknown> & { message: string } };

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Querier = { query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> };
type Body = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export class PGliteThread implements Querier {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #failure: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (response: Response) => {
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (response.error) pending.reject(Object.assign(new Error(response.error.message), response.error));
      else pending.resolve(response.value);
    });
    const fail = (error: Error) => {
      this.#failure = error;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the database thread stopped (${code})`)));
  }

  /**
   * Opens PGlite in `dataDir`, or in memory without one, in a thread of its own. A new data
   * directory is made first, with the migrations in `migrationsFolder` when given.
   */
  static async create(dataDir?: string, migrationsFolder?: string): Promise<PGliteThread> {
    if (dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) await makeDataDir(dataDir, migrationsFolder);
    const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), { workerData: { dataDir } });
    const thread = new PGliteThread(worker);
    await new Promise<void>((ready, failed) => {
      thread.#pending.set(0, { resolve: () => ready(), reject: failed });
    });
    return thread;
  }

  #call<T>(body: Body): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...body, id });
    });
  }

  #query<T>(transaction: number | undefined, sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const unparsed = Object.keys(options?.parsers ?? {});
    return this.#call({ op: 'query', sql, params, rowMode: options?.rowMode, unparsed, transaction });
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#query(undefined, sql, params, options);
  }

  /** Like PGlite's: other queries wait until it ends; committed when `callback` resolves, rolled back when it throws. */
  async transaction<T>(callback: (tx: Querier & { rollback(): Promise<void> }) => Promise<T>): Promise<T> {
    const transaction = await this.#call<number>({ op: 'begin' });
    let ended = false;
    const tx = {
      query: <R>(sql: string, params?: unknown[], options?: QueryOptions) => this.#query<R>(transaction, sql, params, options),
      rollback: async () => {
        ended = true;
        await this.#call({ op: 'rollback', transaction });
      },
    };
    try {
      const result = await callback(tx);
      if (!ended) await this.#call({ op: 'commit', transaction });
      return result;
    } catch (error) {
      if (!ended) await this.#call({ op: 'rollback', transaction }).catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    if (!this.#failure) await this.#call({ op: 'close' });
    await this.#worker.terminate();
  }
}

/** A new data directory, made by pglite-init.ts in a process of its own (see there why). */
async function makeDataDir(dataDir: string, migrationsFolder?: string): Promise<void> {
  const script = new URL('./pglite-init.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--liftoff-only', script, dataDir, ...(migrationsFolder ? [migrationsFolder] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`making the database in ${dataDir} failed: ${stderr.trim().split('\n').at(-1) ?? `exit code ${code}`}`);
}
