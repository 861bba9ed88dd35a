import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { run, spawnNode, tempDataDir, startLimitMs, stopAllNodes } from '../support/process.ts';

describe('a node killed with SIGKILL during writes (PGlite)', function () {
  // Whole processes on a loaded machine: room to start, and nothing left running whatever happens.
  this.timeout(startLimitMs + 30_000);
  after(stopAllNodes);
  it('starts again with every acknowledged write intact', async () => {
    const dataDir = tempDataDir();
    const created = await run('server/cli/main.ts', ['user', 'create', 'admin_a', '--role', 'admin'], { DATA_DIR: dataDir }, 'a long admin password\n');
    assert.equal(created.code, 0, created.stderr);

    const node = await spawnNode({ DATA_DIR: dataDir });
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const username = `w${worker}_${i}`;
        try {
          const page = await new Client(node.url).submit('/register', {
            username,
            displayName: `Writer ${worker}`,
            email: '',
            password: 'several quiet words',
            acceptRules: 'on',
          });
          if (page.status === 200 && /will approve it/.test(page.$('main').text())) acknowledged.push(username);
        } catch {
          return; // the connection died with the node
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acknowledged.length < 12) await new Promise((resolve) => setTimeout(resolve, 20));
    node.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    const killed = await node.exited;
    assert.equal(killed.signal, 'SIGKILL');

    const restarted = await spawnNode({ DATA_DIR: dataDir });
    try {
      const list = await run('server/cli/main.ts', ['user', 'list'], { DATA_DIR: dataDir });
      assert.equal(list.code, 0, list.stderr);
      for (const username of acknowledged) assert.match(list.stdout, new RegExp(`^${username}\\s+member\\s+pending$`, 'm'));
      assert.match(list.stdout, /^admin_a\s+admin\s+active$/m);
      const health = await fetch(`${restarted.url}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
