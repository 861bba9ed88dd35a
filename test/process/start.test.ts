import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, spawnNode, tempDataDir, startLimitMs, stopAllNodes } from '../support/process.ts';

describe('starting and stopping a node', function () {
  // Whole processes on a loaded machine: room to start, and nothing left running whatever happens.
  this.timeout(startLimitMs + 30_000);
  after(stopAllNodes);
  for (const [name, value, expected] of [
    ['PORT', 'eighty', /PORT/],
    ['DATABASE_URL', 'mysql://localhost/kohtaamo', /DATABASE_URL/],
    ['DATABASE_URL', 'postgres://127.0.0.1:1/nothing', /DATABASE_URL/],
    ['BASE_URL', 'example.org', /BASE_URL/],
    ['WEB_CONCURRENCY', '2', /WEB_CONCURRENCY.*DATABASE_URL/],
  ] as const) {
    it(`stops with exit code 1 and names ${name} when it is "${value}"`, async () => {
      const result = await run('server/main.ts', [], { DATA_DIR: tempDataDir(), PORT: '0', [name]: value });
      assert.equal(result.code, 1);
      assert.match(result.stderr, expected);
      assert.match(result.stderr, /did not start/);
    });
  }

  it('refuses a second node on the same data directory, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const first = await spawnNode({ DATA_DIR: dataDir });
    const health = await fetch(`${first.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'pglite' });
    assert.ok(existsSync(join(dataDir, 'kohtaamo.lock')));

    const second = await run('server/main.ts', [], { DATA_DIR: dataDir, PORT: String(await freePort()) });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`pid ${first.child.pid}.*${dataDir.replace(/[/\\]/g, '.')}`));

    first.child.kill('SIGTERM');
    const stopped = await first.exited;
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.equal(existsSync(join(dataDir, 'kohtaamo.lock')), false, 'the lock is released');
    assert.equal(existsSync(join(dataDir, 'cli.sock')), false);

    const again = await spawnNode({ DATA_DIR: dataDir });
    again.child.kill('SIGINT');
    assert.equal((await again.exited).code, 0);
  });

  it('says the port is taken when it is', async () => {
    const first = await spawnNode({ DATA_DIR: tempDataDir() });
    const port = new URL(first.url).port;
    const second = await run('server/main.ts', [], { DATA_DIR: tempDataDir(), PORT: port });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`PORT: ${port} is already in use`));
    first.child.kill('SIGTERM');
    await first.exited;
  });
});
