// Fedify's key–value store and message queue on the app's own database (PGlite or PostgreSQL):
// Fedify's own conformance tests for the queue, and what a crash must not lose.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Temporal } from '@js-temporal/polyfill';
import { testMessageQueue } from '@fedify/testing';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { DatabaseKvStore } from '../../federation/kv-store.ts';
import { DatabaseMessageQueue } from '../../federation/message-queue.ts';
import { federationActivities, federationKv, federationQueue } from '../../federation/federation.tables.ts';
import { clearOutFederation } from '../../federation/clear-out.ts';

describe('federation: the key–value store and the queue on the app database', function () {
  this.timeout(120_000);
  let fresh: TestDatabase;
  before(async () => {
    fresh = await freshDatabase();
  });
  after(() => fresh.drop());

  it('keeps, lists by prefix, expires, deletes and compares-and-swaps values', async () => {
    const kv = new DatabaseKvStore(fresh.database.db);
    await kv.set(['doc', 'https://a.example/1'], { a: 1 });
    await kv.set(['doc', 'https://a.example/2'], { a: 2 });
    await kv.set(['other', 'x'], 'y');
    assert.deepEqual(await kv.get(['doc', 'https://a.example/1']), { a: 1 });
    const listed = [];
    for await (const entry of kv.list(['doc'])) listed.push(entry.key.join(' '));
    assert.deepEqual(listed.sort(), ['doc https://a.example/1', 'doc https://a.example/2']);
    await kv.set(['brief'], 1, { ttl: Temporal.Duration.from({ milliseconds: 1 }) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await kv.get(['brief']), undefined, 'an expired value is gone');
    assert.equal(await kv.cas!(['count'], undefined, 1), true);
    assert.equal(await kv.cas!(['count'], 2, 3), false);
    assert.equal(await kv.cas!(['count'], 1, 2), true);
    assert.equal(await kv.get(['count']), 2);
    await kv.delete(['other', 'x']);
    assert.equal(await kv.get(['other', 'x']), undefined);
  });

  it("passes Fedify's own message-queue tests, with ordering keys", async () => {
    await testMessageQueue(
      () => new DatabaseMessageQueue(fresh.database.db, { pollMs: 50 }),
      ({ controller }) => controller.abort(),
      { testOrderingKey: true },
    );
  });

  it('keeps a message whose handler failed or whose worker died, and hands it out again', async () => {
    const db = fresh.database.db;
    await db.delete(federationQueue);
    const queue = new DatabaseMessageQueue(db, { pollMs: 20 });
    await queue.enqueue({ deliver: 'to-a-follower' });
    const controller = new AbortController();
    // The first worker "dies" while handling: the row stays, locked for a while.
    const dying = queue.listen(async () => {
      controller.abort();
      throw new Error('killed');
    }, { signal: controller.signal });
    await dying;
    const [kept] = await db.select().from(federationQueue);
    assert.ok(kept, 'the message is still there');
    assert.equal(kept.attempts, 1);
    // Later (here: at once), another worker takes it and finishes it.
    await db.update(federationQueue).set({ readyAt: new Date(0), lockedUntil: null });
    const seen: unknown[] = [];
    const second = new AbortController();
    const worker = queue.listen(async (message) => {
      seen.push(message);
      second.abort();
    }, { signal: second.signal });
    await worker;
    assert.deepEqual(seen, [{ deliver: 'to-a-follower' }]);
    assert.equal((await db.select().from(federationQueue)).length, 0, 'handled, then removed');
  });

  it('clears out expired values and activities sent more than 90 days ago, and keeps the rest', async () => {
    const db = fresh.database.db;
    const kv = new DatabaseKvStore(db);
    await kv.set(['seen', 'https://b.example/activities/1'], true, { ttl: Temporal.Duration.from({ milliseconds: 1 }) });
    await kv.set(['seen', 'https://b.example/activities/2'], true, { ttl: Temporal.Duration.from({ days: 1 }) });
    await kv.set(['keeps'], 1);
    const day = 86_400_000;
    const now = new Date();
    const sent = (id: string, daysAgo: number) => ({ id, body: { type: 'Create' }, createdAt: new Date(now.getTime() - daysAgo * day) });
    await db.insert(federationActivities).values([sent(randomUUID(), 91), sent(randomUUID(), 89), sent(randomUUID(), 0)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await clearOutFederation(db, new Date());
    const keys = (await db.select({ key: federationKv.key }).from(federationKv)).map((row) => row.key.join(' '));
    assert.ok(!keys.includes('seen https://b.example/activities/1'), 'an expired value is removed');
    assert.ok(keys.includes('seen https://b.example/activities/2') && keys.includes('keeps'), 'the others stay');
    const left = await db.select({ createdAt: federationActivities.createdAt }).from(federationActivities);
    assert.deepEqual(left.map((row) => Math.round((now.getTime() - row.createdAt.getTime()) / day)).sort((a, b) => a - b), [0, 89]);
  });
});
