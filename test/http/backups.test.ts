import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { freshDatabase } from '../support/database.ts';
import { openDatabase } from '../../server/db/client.ts';
import { getSettings, writeSettings } from '../../server/admin/settings.service.ts';
import { backupName, listBackups } from '../../server/backups/backups.service.ts';
import { readTables } from '../../server/backups/tables.ts';
import { makeUser, setUpNode, signedIn } from '../support/fixtures.ts';
import { tempDataDir } from '../support/process.ts';
import { until } from '../support/until.ts';

describe('backups from the admin pages', () => {
  let node: SetUpTestNode;
  let dataDir: string;
  before(async () => {
    dataDir = tempDataDir();
    node = await startSetUpNode({ env: { DATA_DIR: dataDir }, people: [['modi', 'moderator'], 'jasen'] });
  });
  after(() => node.close());

  it('lets an admin make a backup and download it; the file is the whole node', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const empty = await admin.get('/admin/backups');
    assert.equal(empty.status, 200);
    assert.match(empty.$('main').text(), /No backups yet/);
    const made = await admin.submit('/admin/backups', {}, '/admin/backups');
    assert.match(made.$('.notice').text(), /The backup is ready/);
    const link = made.$('a[download]').attr('href');
    assert.match(link ?? '', /^\/admin\/backups\/kohtaamo-\d{8}-\d{6}\.backup$/);
    assert.match(made.$('table').text(), /made by hand/);

    const download = await fetch(new URL(link!, node.url), { headers: { cookie: [...admin.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('cache-control'), 'no-store');
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="?kohtaamo-\d{8}-\d{6}\.backup/);
    const lines = gunzipSync(Buffer.from(await download.arrayBuffer())).toString('utf8').trim().split('\n');
    assert.equal(JSON.parse(lines[0]!).kohtaamo, 'backup');
    assert.ok(lines.some((line) => line.includes('"username":"jasen"')), 'the rows are in it');
    assert.deepEqual(JSON.parse(lines.at(-1)!).end, 'backup');
  });

  it('keeps backups from everyone but admins, and names outside the list', async () => {
    const [backup] = listBackups(dataDir);
    assert.ok(backup);
    for (const login of ['modi', 'jasen']) {
      const person = await signedIn(node.url, login);
      for (const path of ['/admin/backups', `/admin/backups/${backup.name}`]) assert.equal((await person.get(path)).status, 403, `${login} ${path}`);
      assert.equal((await person.post('/admin/backups', {})).status, 403, `${login} cannot make one`);
    }
    const visitor = await new Client(node.url).request(`/admin/backups/${backup.name}`);
    assert.equal(visitor.status, 303);
    writeFileSync(join(dataDir, 'secret.txt'), 'not a backup');
    const admin = await signedIn(node.url, 'admin_anna');
    for (const name of ['..%2Fsecret.txt', '%2E%2E%2Fsession-secret', 'kohtaamo-20260101-000000.backup', '.schedule.lock']) {
      assert.equal((await admin.request(`/admin/backups/${name}`)).status, 404, name);
    }
  });

  it('refuses a bad schedule with the form filled in, and saves a good one', async () => {
    const admin = await signedIn(node.url, 'admin_anna');
    const refused = await admin.submit('/admin/backups', { backupSchedule: 'weekly', backupKeep: '0' }, '/admin/backups/schedule');
    assert.equal(refused.status, 422);
    assert.match(errorsOf(refused), /every day or never/);
    assert.match(errorsOf(refused), /whole number from 1 to 90/);
    assert.equal(refused.$('#field-backupKeep').val(), '0', 'what was typed comes back');
    const unchanged = (await getSettings(node.database.db))!;
    assert.deepEqual([unchanged.backupSchedule, unchanged.backupKeep], ['daily', 7]);
    const saved = await admin.submit('/admin/backups', { backupSchedule: 'off', backupKeep: '3' }, '/admin/backups/schedule');
    assert.equal(saved.status, 200);
    assert.ok(saved.$('#schedule-off').is(':checked'));
    const settings = (await getSettings(node.database.db))!;
    assert.deepEqual([settings.backupSchedule, settings.backupKeep], ['off', 3]);
  });
});

describe('scheduled backups', () => {
  it('makes the daily backup when due and keeps only as many daily backups as set', async () => {
    const dataDir = tempDataDir();
    const dir = join(dataDir, 'backups');
    mkdirSync(dir);
    const day = 86_400_000;
    const old = [3, 2, 1.5].map((days) => backupName('daily', new Date(Date.now() - days * day)));
    for (const name of old) writeFileSync(join(dir, name), 'old');
    const byHand = backupName('manual', new Date(Date.now() - 10 * day));
    writeFileSync(join(dir, byHand), 'by hand');
    const node = await startSetUpNode({ env: { DATA_DIR: dataDir, BACKUP_CHECK_INTERVAL: '1' } });
    try {
      await writeSettings(node.database.db, { backupKeep: 2 });
      await until('a daily backup of today', () => listBackups(dataDir).some((b) => b.kind === 'daily' && Date.now() - b.madeAt.getTime() < 3_600_000), 60_000);
      await until('old daily backups removed', () => listBackups(dataDir).filter((b) => b.kind === 'daily').length === 2, 30_000);
      const names = readdirSync(dir);
      assert.ok(names.includes(byHand), 'a backup made by hand stays');
      assert.ok(names.includes(old[2]!), 'the newest old daily backup stays');
      assert.ok(!names.includes(old[0]!) && !names.includes(old[1]!), 'the oldest go');
      assert.ok(!existsSync(join(dir, '.schedule.lock')), 'the lock is let go');
      const count = listBackups(dataDir).length;
      // Not due again for a day: a few more checks make nothing new.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(listBackups(dataDir).length, count);
    } finally {
      await node.close();
    }
  });
});

describe('the snapshot a backup reads', () => {
  it('does not see a reply written while it reads', async () => {
    const fresh = await freshDatabase();
    // A second connection writes while the backup reads through its own (on PGlite, the one
    // connection: the write waits until the reading is done).
    const other = fresh.url ? await openDatabase({ databaseUrl: fresh.url, dataDir: 'unused' }) : fresh.database;
    try {
      const db = fresh.database.db;
      await setUpNode(db);
      const author = await makeUser(db, 'kirjoittaja');
      const forum = await makeForum(db, 'yleinen', 'public');
      const thread = await makeThread(db, author, forum, 'Otsikko', 'Alku');
      let write: Promise<unknown> | null = null;
      const posts: string[] = [];
      let postCount = -1;
      let current = '';
      await readTables(fresh.database.db, {
        table: async (info) => {
          current = info.name;
          // Posts have been read; the thread's row is still to come.
          if (info.name === 'threads') {
            write = makeReply(other.db, author, forum, thread, 'Kesken kirjoitettu');
            if (fresh.url) await write;
          }
        },
        rows: async (lines) => {
          if (current === 'posts') posts.push(...lines);
          if (current === 'threads') postCount = (JSON.parse(lines[0]!) as { post_count: number }).post_count;
        },
        end: async () => {},
      });
      await write;
      assert.equal(posts.length, 1, 'the reply written meanwhile is not in the backup');
      assert.equal(postCount, 1, "nor is the thread's count of it");
    } finally {
      if (other !== fresh.database) await other.close();
      await fresh.drop();
    }
  });
});

