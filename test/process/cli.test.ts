import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { freshDatabase, serverUrl, type TestDatabase } from '../support/database.ts';
import { run, spawnNode, tempDataDir, type RunningNode, startLimitMs, stopAllNodes } from '../support/process.ts';

const cli = (args: string[], env: Record<string, string>, stdin?: string) => run('server/cli/main.ts', args, env, stdin);

describe('the admin command line', function () {
  // Whole processes on a loaded machine: room to start, and nothing left running whatever happens.
  this.timeout(startLimitMs + 30_000);
  after(stopAllNodes);
  it('prints help, and a usage message with exit code 2 for bad arguments', async () => {
    const env = { DATA_DIR: tempDataDir() };
    const help = await cli(['help'], env);
    assert.equal(help.code, 0);
    for (const command of ['user create', 'user list', 'user set-role', 'user reset-password']) assert.ok(help.stdout.includes(command), command);
    for (const args of [[], ['nonsense'], ['user'], ['user', 'frobnicate'], ['user', 'create'], ['user', 'create', 'x', '--role', 'king'], ['user', 'create', 'x', '--role'], ['user', 'set-role', 'x'], ['user', 'list', 'extra']]) {
      const result = await cli(args, env);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /Usage: npm run cli/);
    }
  });

  describe(`on ${serverUrl ? 'PostgreSQL' : 'PGlite'}, beside a running node`, () => {
    let env: Record<string, string>;
    let fresh: TestDatabase | undefined;
    let node: RunningNode | undefined;

    before(async () => {
      env = { DATA_DIR: tempDataDir() };
      if (serverUrl) {
        fresh = await freshDatabase();
        env.DATABASE_URL = fresh.url!;
      }
    });
    after(async () => {
      node?.child.kill('SIGTERM');
      await node?.exited;
      if (fresh) await fresh.drop();
    });

    it('creates the first admin before the node has ever run, password from standard input', async () => {
      const result = await cli(['user', 'create', 'Ylla', '--role', 'admin', '--email', 'ylla@example.org'], env, 'a long admin password\n');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /created Ylla \(admin\)/);
      assert.doesNotMatch(result.stdout, /password:/, 'a given password is not printed');
      const weak = await cli(['user', 'create', 'heikko'], env, 'short\n');
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /at least 10 characters/);
    });

    it('works while the node runs: create, list, set-role, reset-password', async () => {
      node = await spawnNode(env);
      const created = await cli(['user', 'create', 'mikko', '--role', 'member'], env);
      assert.equal(created.code, 0, created.stderr);
      const generated = created.stdout.match(/password: (\S+)/)?.[1];
      assert.ok(generated, created.stdout);
      const member = new Client(node.url);
      const page = await member.submit('/login', { login: 'mikko', password: generated });
      assert.ok(page.$('form[action="/logout"]').length, 'the printed password signs in');

      const duplicate = await cli(['user', 'create', 'MIKKO'], env, 'another long password\n');
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stderr, /already in use/);

      const role = await cli(['user', 'set-role', 'mikko', 'moderator'], env);
      assert.equal(role.code, 0, role.stderr);
      const list = await cli(['user', 'list'], env);
      assert.match(list.stdout, /^mikko\s+moderator\s+active$/m);
      assert.match(list.stdout, /^Ylla\s+admin\s+active$/m);
      assert.equal((await member.get('/admin/approvals')).status, 200, 'the new role takes effect at once');

      const reset = await cli(['user', 'reset-password', 'mikko'], env, 'a fresh new password\n');
      assert.equal(reset.code, 0, reset.stderr);
      assert.equal((await member.request('/settings')).status, 303, 'old sessions end');
      const again = await new Client(node.url).submit('/login', { login: 'mikko', password: 'a fresh new password' });
      assert.ok(again.$('form[action="/logout"]').length);

      const lastAdmin = await cli(['user', 'set-role', 'Ylla', 'member'], env);
      assert.equal(lastAdmin.code, 1);
      assert.match(lastAdmin.stderr, /only administrator/);
      const unknown = await cli(['user', 'reset-password', 'nobody'], env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /No account named "nobody"/);
    });
  });
});
