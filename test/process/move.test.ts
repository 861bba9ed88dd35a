import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { password } from '../support/fixtures.ts';
import { Client } from '../support/client.ts';
import { serverUrl } from '../support/database.ts';
import { run, spawnNode, startLimitMs, stopAllNodes, tempDataDir, type RunningNode } from '../support/process.ts';
import { checksumsOf, emptyStorage, fullStorage, mainContent, type Storage } from '../support/storage.ts';
import type { FullNode } from '../support/full-node.ts';

const cli = (args: string[], env: Record<string, string>) => run('server/cli/main.ts', args, env);

async function stop(node: RunningNode): Promise<void> {
  node.child.kill('SIGTERM');
  await node.exited;
}

/** What the member sees after signing in: the front page, a public and a members-only conversation, the groups. */
async function memberPages(url: string, full: FullNode): Promise<string[]> {
  const member = new Client(url);
  const signedIn = await member.submit('/login', { login: full.member, password });
  assert.ok(signedIn.$('form[action="/logout"]').length, 'the member signs in');
  const pages: string[] = [];
  for (const path of [full.publicThreadPath, full.membersThreadPath, '/groups', '/forums']) {
    const page = await member.get(path);
    assert.equal(page.status, 200, path);
    pages.push(mainContent(page.html));
  }
  return pages;
}

// Moving needs both databases at once: it runs where the suite has a PostgreSQL server.
describe('moving a node between PGlite and PostgreSQL', function () {
  this.timeout(3 * startLimitMs + 120_000);
  const storages: Storage[] = [];
  after(async () => {
    await stopAllNodes();
    for (const storage of storages) await storage.drop();
  });
  before(function () {
    if (!serverUrl) this.skip();
  });

  it('copies every row to an empty PostgreSQL database and back, checked, and the member sees the same pages', async () => {
    const pgliteSource = await fullStorage(false);
    storages.push(pgliteSource);
    const filled = pgliteSource.full;
    let node = await spawnNode(pgliteSource.env);
    await memberPages(node.url, filled);
    const before = await memberPages(node.url, filled);

    const running = await cli(['db', 'move-to', 'postgres://127.0.0.1:1/none'], pgliteSource.env);
    assert.equal(running.code, 1, 'refused while the node runs');
    assert.match(running.stderr, /stop it first/);
    await stop(node);

    const postgres = await emptyStorage(true);
    storages.push(postgres);
    const moved = await cli(['db', 'move-to', postgres.databaseUrl!], pgliteSource.env);
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /every table's rows and checksum match/);
    assert.ok(moved.stdout.includes(`DATABASE_URL=${postgres.databaseUrl}`), moved.stdout);
    const original = await checksumsOf(pgliteSource);
    assert.deepEqual(await checksumsOf(postgres), original);

    const again = await cli(['db', 'move-to', postgres.databaseUrl!], pgliteSource.env);
    assert.equal(again.code, 1, 'a database that holds data is not written over');
    assert.match(again.stderr, /already holds data/);

    node = await spawnNode({ DATA_DIR: pgliteSource.dataDir, DATABASE_URL: postgres.databaseUrl! });
    assert.deepEqual(await memberPages(node.url, filled), before, 'the same pages on PostgreSQL');
    await stop(node);

    const back = tempDataDir();
    const returned = await cli(['db', 'move-to', back], { DATA_DIR: pgliteSource.dataDir, DATABASE_URL: postgres.databaseUrl! });
    assert.equal(returned.code, 0, returned.stderr);
    assert.ok(existsSync(join(back, 'pglite')));
    const onPostgres = await checksumsOf(postgres);
    assert.deepEqual(await checksumsOf({ dataDir: back, databaseUrl: null, env: { DATA_DIR: back }, drop: async () => {} }), onPostgres);
    node = await spawnNode({ DATA_DIR: back });
    assert.deepEqual(await memberPages(node.url, filled), before, 'and the same pages back on PGlite');
    await stop(node);
  });
});
