import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Client, type Page } from '../support/client.ts';
import { freshDatabase, serverUrl, type TestDatabase } from '../support/database.ts';
import { makeUser, setUpNode, signedIn } from '../support/fixtures.ts';
import { spawnNode, startLimitMs, stopAllNodes, tempDataDir, type RunningNode } from '../support/process.ts';
import { until } from '../support/until.ts';

const secret = 'processes-secret-processes-secret-0123456';

/** The node's name as a visitor's front page shows it. */
async function nameOn(url: string): Promise<string> {
  const page = await fetch(url, { headers: { 'accept-language': 'en' } });
  return (await page.text()).match(/<title>([^<]*)<\/title>/)?.[1] ?? '';
}

/** The processes a cluster primary started (from /proc: each process's parent is the fourth field of its stat). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (in parentheses) may hold spaces: read the fields after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') children.push(Number(entry));
    } catch {
      // It ended while being read.
    }
  }
  return children;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Several processes on one database need PostgreSQL: these run where the suite has a server.
describe('several processes on one PostgreSQL database', function () {
  this.timeout(3 * startLimitMs + 120_000);
  let fresh: TestDatabase;
  before(async function () {
    if (!serverUrl) return this.skip();
    fresh = await freshDatabase();
    await setUpNode(fresh.database.db);
    await makeUser(fresh.database.db, 'maija');
  });
  after(async () => {
    await stopAllNodes();
    await fresh?.drop();
  });

  describe('two nodes side by side', () => {
    let a: RunningNode;
    let b: RunningNode;
    before(async () => {
      // Pages kept for visitors for a minute, longer than the test waits: only a notice can empty them.
      const env = { DATABASE_URL: fresh.url!, SESSION_SECRET: secret, PAGE_CACHE_MS: '60000' };
      [a, b] = await Promise.all([spawnNode({ ...env, DATA_DIR: tempDataDir() }), spawnNode({ ...env, DATA_DIR: tempDataDir() })]);
    });

    it('count one rate limit for both: the 31st form from one address is refused, whichever process takes it', async () => {
      const client = new Client(a.url);
      const form = await client.get('/password/forgot');
      const token = form.$('input[name="_csrf"]').attr('value')!;
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) {
        // The same session on both: it lives in the database, so the form's token is good on either.
        const page: Page = await client.post(`${i % 2 ? b.url : a.url}/password/forgot`, { _csrf: token, login: `nobody${i}` });
        statuses.push(page.status);
      }
      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200), 'each process alone saw only 15 or 16');
      assert.deepEqual(statuses.slice(30), [429, 429]);
    });

    it('lock an account after five wrong passwords, tried on either process', async () => {
      for (const url of [a.url, b.url, a.url, b.url]) {
        const page = await new Client(url).submit('/login', { login: 'maija', password: 'wrong horse' });
        assert.match(page.html, /does not match/);
      }
      const fifth = await new Client(b.url).submit('/login', { login: 'maija', password: 'wrong horse' });
      assert.match(fifth.html, /too many attempts/);
      const right = await new Client(a.url).submit('/login', { login: 'maija', password: 'correct horse battery' });
      assert.equal(right.$('form[action="/logout"]').length, 0, 'locked on the other process too');
    });

    it('show a change of settings made on one at once on the other, its kept settings and visitor pages forgotten', async () => {
      assert.equal(await nameOn(b.url), await nameOn(b.url), 'the front page is kept for visitors');
      assert.match(await nameOn(b.url), /Testiyhdistys/);
      const admin = await signedIn(a.url, 'admin_anna');
      const saved = await admin.submit('/admin', { name: 'Kahden prosessin yhdistys', description: '', rules: 'Be kind.', contact: '', registrationPolicy: 'open', quickExitUrl: 'https://yle.fi/' }, '/admin/settings');
      assert.equal(saved.status, 200);
      // Both caches keep for a minute; well before that, the other process has heard.
      await until('the other process shows the new name', async () => /Kahden prosessin yhdistys/.test(await nameOn(b.url)), 30_000);
      // And a member signed in on one is signed in on the other.
      const page = await admin.get(`${b.url}/admin`);
      assert.equal(page.status, 200);
      assert.equal(page.$('input[name="name"]').attr('value'), 'Kahden prosessin yhdistys');
    });
  });

  it('WEB_CONCURRENCY=2 serves from two processes, starts one that died again, and stops both on SIGTERM', async () => {
    const node = await spawnNode({ DATABASE_URL: fresh.url!, SESSION_SECRET: secret, DATA_DIR: tempDataDir(), WEB_CONCURRENCY: '2' });
    await until('both processes listen', () => /process 1 of 2/.test(node.output()) && /process 2 of 2/.test(node.output()), startLimitMs);
    const workers = childrenOf(node.child.pid!);
    assert.equal(workers.length, 2, node.output());

    process.kill(workers[0]!, 'SIGKILL');
    await until('a new process in its place', () => childrenOf(node.child.pid!).filter((pid) => !workers.includes(pid)).length === 1, startLimitMs);
    await until('it listens', () => (node.output().match(/process \d of 2\)/g) ?? []).length === 3, startLimitMs);
    assert.match(node.output(), /stopped \(SIGKILL\); starting it again/);
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${node.url}/healthz`)).status, 200);

    const running = childrenOf(node.child.pid!);
    node.child.kill('SIGTERM');
    const stopped = await node.exited;
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.deepEqual(running.filter(alive), [], 'no process is left behind');
  });
});
