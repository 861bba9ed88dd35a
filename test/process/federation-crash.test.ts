// Delivery that survives a crash: a node killed with SIGKILL in the middle of delivering to 200
// followers on other loopback servers starts again and every follower gets every activity; a
// server that was down the whole time gets everything once it comes back.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { makeUser, setUpNode, signedIn } from '../support/fixtures.ts';
import { makeForum } from '../support/forums.ts';
import { closeServers, freePort, spawnNode, startLimitMs, stopAllNodes, tempDataDir } from '../support/process.ts';
import { until } from '../support/until.ts';
import { followers } from '../../federation/federation.tables.ts';

type Received = Map<string, Set<string>>;

/** A follower's server: records, per inbox, which objects arrived (an announced activity's inner object and type). */
async function receiver(port: number, received: Received): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; object: string | { type: string; id: string; object?: string | { id: string } } };
    const inner = activity.object;
    const key = typeof inner === 'string' ? `${activity.type} ${inner}` : `${inner.type} ${typeof inner.object === 'object' ? inner.object.id : (inner.object ?? inner.id)}`;
    const inbox = req.url ?? '';
    if (!received.has(inbox)) received.set(inbox, new Set());
    received.get(inbox)!.add(key);
    // A little slow, as real servers are: the crash then lands in the middle of the work.
    setTimeout(() => res.writeHead(202).end(), 10);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('federation: a node killed with SIGKILL while delivering (PGlite)', function () {
  this.timeout(startLimitMs * 2 + 420_000);
  const servers: Server[] = [];
  after(async () => {
    await stopAllNodes();
    await closeServers(servers);
  });

  it('delivers every activity to every follower after a restart, and to a server that was down once it is back', async () => {
    const dataDir = tempDataDir();
    const ports = await Promise.all(Array.from({ length: 10 }, () => freePort()));
    const received: Received = new Map();
    // Nine servers answer; the tenth is down until the end.
    for (const port of ports.slice(0, 9)) servers.push(await receiver(port, received));
    const inboxes = Array.from({ length: 200 }, (_, i) => `http://127.0.0.1:${ports[i % ports.length]}/users/u${i}/inbox`);

    const database = await openDatabase({ databaseUrl: null, dataDir });
    await migrateDatabase(database, null);
    await setUpNode(database.db);
    await makeUser(database.db, 'sini');
    await makeForum(database.db, 'avoin', 'public');
    await database.db.insert(followers).values(inboxes.map((inbox) => ({ actor: 'avoin', follower: inbox.replace(/\/inbox$/, ''), inbox })));
    await database.close();

    const env = { DATA_DIR: dataDir, FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' };
    const node = await spawnNode(env);
    const sini = await signedIn(node.url, 'sini');
    const started = await sini.submit('/forums/avoin/new', { title: 'Kaikille seuraajille', body: 'Tämä lähtee kahdellesadalle seuraajalle.' }, '/forums/avoin/threads');
    assert.equal(started.status, 200, started.$('main').text());
    const threadPath = new URL(started.url).pathname;
    const replied = await sini.submit(threadPath, { body: 'Ja vastaus perään.' }, `${threadPath}/replies`);
    assert.ok(replied.status < 400);

    const deliveries = () => [...received.values()].reduce((sum, set) => sum + set.size, 0);
    await until('some deliveries', () => deliveries() >= 60, 120_000);
    node.child.kill('SIGKILL');
    assert.equal((await node.exited).signal, 'SIGKILL');
    assert.ok(deliveries() < 180 * 3, 'killed in the middle of the work');

    const restarted = await spawnNode(env);
    try {
      const reachable = inboxes.filter((inbox) => !inbox.includes(`:${ports[9]}/`));
      // Three things reach each follower: the new thread (Create), the thread as a Page, the reply (Create).
      const complete = (inbox: string) => (received.get(new URL(inbox).pathname)?.size ?? 0) >= 3;
      await until('every reachable follower has everything', () => reachable.every(complete), 120_000);
      const kinds = new Set([...received.values()].flatMap((set) => [...set].map((key) => key.split(' ')[0])));
      assert.deepEqual([...kinds].sort(), ['Create', 'Page']);

      servers.push(await receiver(ports[9]!, received));
      // Its deliveries were tried a few times and wait 5, 10, 20, 40… seconds between tries.
      await until('the server that was down has everything too', () => inboxes.every(complete), 180_000);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
