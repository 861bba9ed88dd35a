// Fedify's MessageQueue over the app's database, durable: a message leaves the table only after it
// was handled, so a node killed in the middle of delivering picks the work up again on restart.
// Messages with the same ordering key (an object's id) are handled one at a time, in order.
import { EventEmitter } from 'node:events';
import { eq, isNotNull, sql } from 'drizzle-orm';
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify';
import type { DatabaseLike } from '../server/db/client.ts';
import { federationQueue } from './federation.tables.ts';
import { idle } from './idle.ts';

/** How long a worker may hold a message before another may take it (a worker that died). */
const lockMs = 5 * 60_000;
/** A message whose handler threw (Fedify retries deliveries itself; this is the last line) waits this long. */
const failedRetryMs = 60_000;

function delayOf(options?: MessageQueueEnqueueOptions): number {
  const delay = options?.delay as { total(unit: 'millisecond'): number } | undefined;
  return delay ? Math.max(0, delay.total('millisecond')) : 0;
}

/**
 * One node owns its queue: what is still held when it starts was held by a run of it that died
 * (killed, or the machine went down), and is taken up again now rather than when the lock runs out.
 */
export async function releaseHeldMessages(db: DatabaseLike): Promise<void> {
  await db.update(federationQueue).set({ lockedUntil: null }).where(isNotNull(federationQueue.lockedUntil)).catch(() => {});
}

export class DatabaseMessageQueue implements MessageQueue {
  /** Fedify re-enqueues a failed delivery with its own backoff. */
  readonly nativeRetrial = false;
  private readonly db: DatabaseLike;
  private readonly pollMs: number;
  private readonly workers: number;
  private readonly wake = new EventEmitter();
  private readonly releaseHeld: boolean;

  /**
   * `workers` messages are handled at once (a delivery mostly waits on the network); one key is
   * still one at a time. `releaseHeld: false` when the node's other processes may be delivering
   * (WEB_CONCURRENCY): the node's first process let go of what a run that died held.
   */
  constructor(db: DatabaseLike, options: { pollMs?: number; workers?: number; releaseHeld?: boolean } = {}) {
    this.releaseHeld = options.releaseHeld ?? true;
    this.db = db;
    this.pollMs = options.pollMs ?? 1000;
    this.workers = options.workers ?? 4;
    this.wake.setMaxListeners(0);
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (!messages.length) return;
    const readyAt = new Date(Date.now() + delayOf(options));
    // Rows of one batch keep their order through created_at.
    const base = Date.now();
    await this.db.insert(federationQueue).values(messages.map((message, i) => ({ message, orderingKey: options?.orderingKey ?? null, readyAt, createdAt: new Date(base + i) })));
    this.wake.emit('work');
  }

  async getDepth(): Promise<{ queued: number; ready: number; delayed: number }> {
    const [row] = await this.db
      .select({ queued: sql<number>`count(*)::int`, ready: sql<number>`(count(*) filter (where ${federationQueue.readyAt} <= now()))::int` })
      .from(federationQueue);
    return { queued: row?.queued ?? 0, ready: row?.ready ?? 0, delayed: (row?.queued ?? 0) - (row?.ready ?? 0) };
  }

  /** Takes the next ready message nobody holds, whose ordering key has no earlier message waiting. */
  private async claim(): Promise<{ id: string; message: unknown } | undefined> {
    const now = new Date();
    const result = await this.db.execute(sql`
      update ${federationQueue} set locked_until = ${new Date(now.getTime() + lockMs)}, attempts = attempts + 1
      where id = (
        select q.id from ${federationQueue} q
        where q.ready_at <= ${now} and (q.locked_until is null or q.locked_until < ${now})
          and not exists (
            select 1 from ${federationQueue} e
            where q.ordering_key is not null and e.ordering_key = q.ordering_key and e.created_at < q.created_at
          )
        order by q.created_at
        limit 1
        for update skip locked
      )
      returning id, message`);
    // Both drivers (node-postgres and PGlite) answer with { rows }.
    return (result as unknown as { rows: { id: string; message: unknown }[] }).rows[0];
  }

  async listen(handler: (message: unknown) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    if (this.releaseHeld) await releaseHeldMessages(this.db);
    await Promise.all(Array.from({ length: this.workers }, () => this.work(handler, options.signal)));
  }

  private async work(handler: (message: unknown) => Promise<void> | void, signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      // The database may go away under us (a node stopping, a server restarting): wait and try again.
      const claimed = await this.claim().catch(() => undefined);
      if (claimed) {
        try {
          await handler(claimed.message);
          await this.db.delete(federationQueue).where(eq(federationQueue.id, claimed.id));
        } catch (error) {
          await this.db
            .update(federationQueue)
            .set({ lockedUntil: null, readyAt: new Date(Date.now() + failedRetryMs), lastError: String(error).slice(0, 500) })
            .where(eq(federationQueue.id, claimed.id))
            // If even that fails, the lock runs out and the message is taken again.
            .catch(() => {});
        }
        continue;
      }
      await idle(this.wake, this.pollMs, signal);
    }
  }
}

