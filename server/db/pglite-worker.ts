// The embedded database in a thread of its own (see pglite-thread.ts): it answers the node's
// queries one message at a time, and holds each transaction open until the node ends it.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type QueryOptions, type Transaction } from '@electric-sql/pglite';
import type { Request, Response } from './pglite-thread.ts';
import { pgliteOptions } from './pglite-options.ts';

const port = parentPort!;
const pg = await PGlite.create((workerData as { dataDir?: string }).dataDir, pgliteOptions);

type Open = { tx: Transaction; finish: (commit: boolean) => void; run: Promise<unknown> };
const transactions = new Map<number, Open>();
let nextTransaction = 1;

// Functions cannot cross threads: a query names the types whose text it wants unparsed
// (Drizzle reads dates and intervals itself), and they are parsed as that here.
function optionsOf(request: Extract<Request, { op: 'query' }>): QueryOptions {
  const parsers = Object.fromEntries(request.unparsed.map((type) => [type, (value: string) => value]));
  return { rowMode: request.rowMode, parsers };
}

async function begin(): Promise<number> {
  const id = nextTransaction++;
  let finish!: (commit: boolean) => void;
  const finished = new Promise<boolean>((resolve) => (finish = resolve));
  await new Promise<void>((started, failed) => {
    const run = pg.transaction(async (tx) => {
      transactions.set(id, { tx, finish, run });
      started();
      if (!(await finished)) await tx.rollback();
    });
    run.catch(failed);
  });
  return id;
}

async function end(id: number, commit: boolean): Promise<void> {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  transactions.delete(id);
  open.finish(commit);
  await open.run;
}

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const target = request.transaction ? transactions.get(request.transaction)?.tx : pg;
      if (!target) throw new Error(`no open transaction ${request.transaction}`);
      return target.query(request.sql, request.params, optionsOf(request));
    }
    case 'begin':
      return begin();
    case 'commit':
      return end(request.transaction, true);
    case 'rollback':
      return end(request.transaction, false);
    case 'close':
      return pg.close();
  }
}

// An answer that cannot cross (it should not happen) fails that query, not the thread.
function send(response: Response): void {
  try {
    port.postMessage(response);
  } catch (error) {
    port.postMessage({ id: response.id, error: { message: `The database's answer could not be passed on: ${(error as Error).message}` } } satisfies Response);
  }
}

port.on('message', (request: Request) => {
  answer(request).then(
    (value) => send({ id: request.id, value }),
    (error: unknown) => {
      // What PostgreSQL said (code, detail, constraint…): plain values only, as only they cross threads.
      const fields = Object.fromEntries(Object.entries(error instanceof Error ? error : {}).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value)));
      const message = error instanceof Error ? error.message : String(error);
      send({ id: request.id, error: { ...fields, message } });
    },
  );
});
port.postMessage({ id: 0, value: 'ready' } satisfies Response);
