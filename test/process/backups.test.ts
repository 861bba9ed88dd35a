import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { checkBackup } from '../../server/backups/backup-file.ts';
import { selectRows } from '../../server/db/client.ts';
import { password } from '../support/fixtures.ts';
import { Client } from '../support/client.ts';
import { serverUrl } from '../support/database.ts';
import { run, spawnNode, start, startLimitMs, stopAllNodes, type RunningNode } from '../support/process.ts';
import { checksumsOf, emptyStorage, fullStorage, mainContent, withDatabase, type Storage } from '../support/storage.ts';
import { until } from '../support/until.ts';

const cli = (args: string[], storage: Storage) => run('server/cli/main.ts', args, storage.env);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function stop(node: RunningNode): Promise<void> {
  node.child.kill('SIGTERM');
  await node.exited;
}

/** Waits until the node has handed on what the fixture left for other servers, which writes rows (keys, activities) after a backup otherwise. */
async function settled(url: string): Promise<void> {
  await until('the outbox and the federation queue are empty', async () => {
    const figures = await (await fetch(`${url}/metrics`)).text();
    return /^kohtaamo_federation_outbox_events 0$/m.test(figures) && /^kohtaamo_federation_queue_messages 0$/m.test(figures);
  }, 60_000);
}

/** What a visitor and a signed-in member see of the node's two conversations. */
async function pagesOf(url: string, storage: Storage & { full: { publicThreadPath: string; membersThreadPath: string; member: string } }) {
  const visitor = await new Client(url).get(storage.full.publicThreadPath);
  const member = new Client(url);
  const signedIn = await member.submit('/login', { login: storage.full.member, password });
  assert.ok(signedIn.$('form[action="/logout"]').length, 'the member signs in');
  const secret = await member.get(storage.full.membersThreadPath);
  assert.equal(visitor.status, 200);
  assert.equal(secret.status, 200);
  return { visitor: mainContent(visitor.html), member: mainContent(secret.html) };
}

describe(`backups on ${serverUrl ? 'PostgreSQL' : 'PGlite'}`, function () {
  this.timeout(3 * startLimitMs + 120_000);
  const storages: Storage[] = [];
  const keep = <T extends Storage>(storage: T) => (storages.push(storage), storage);
  after(async () => {
    await stopAllNodes();
    for (const storage of storages) await storage.drop();
  });

  it('a backup made while the node runs restores into an empty place: every row and file equal, the same pages', async () => {
    const source = keep(await fullStorage());
    const node = await spawnNode(source.env);
    await settled(node.url);
    // The first visit marks the conversations read; what is compared is the member's next visit.
    await pagesOf(node.url, source);
    const before = await pagesOf(node.url, source);
    const made = await cli(['backup', 'create'], source);
    assert.equal(made.code, 0, made.stderr);
    const file = made.stdout.match(/backup written to (\S+):/)?.[1];
    assert.ok(file && existsSync(file), made.stdout);
    assert.match(file, /\/backups\/kohtaamo-\d{8}-\d{6}\.backup$/);
    assert.match((await cli(['backup', 'list'], source)).stdout, /kohtaamo-\d{8}-\d{6}\.backup\s+\d+ manual/);
    await stop(node);

    const target = keep(await emptyStorage());
    const restored = await cli(['backup', 'restore', file], target);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /restored \d+ rows in \d+ tables and 1 files/);
    const original = await checksumsOf(source);
    assert.ok([...original.values()].filter((table) => table.rows > 0).length >= 20, 'the fixture fills most tables');
    assert.deepEqual(await checksumsOf(target), original, 'every table holds the same rows');
    assert.deepEqual(readFileSync(join(target.dataDir, 'uploads', 'logo', 'logo.webp')), source.full.upload, 'the uploaded file is the same');

    const again = await cli(['backup', 'restore', file], target);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds/);
    assert.deepEqual(await checksumsOf(target), original, 'a refused restore changes nothing');

    const restoredNode = await spawnNode({ ...target.env, DATA_DIR: target.dataDir });
    assert.deepEqual(await pagesOf(restoredNode.url, { ...target, full: source.full }), before, 'the restored node serves the same pages');
    await stop(restoredNode);
  });

  it('refuses a damaged, cut-off or newer backup before changing anything', async () => {
    const source = keep(await fullStorage());
    const made = await cli(['backup', 'create', join(source.dataDir, 'whole.backup')], source);
    assert.equal(made.code, 0, made.stderr);
    const whole = readFileSync(join(source.dataDir, 'whole.backup'));
    const cut = join(source.dataDir, 'cut.backup');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const notOne = join(source.dataDir, 'not-a-backup.backup');
    writeFileSync(notOne, 'hello');
    // A backup from a newer Kohtaamo, which has a migration this one does not know.
    const lines = gunzipSync(whole).toString('utf8').split('\n');
    const manifest = JSON.parse(lines[0]!) as { migrations: number[] };
    manifest.migrations.push(manifest.migrations.at(-1)! + 1000);
    const newer = join(source.dataDir, 'newer.backup');
    writeFileSync(newer, gzipSync([JSON.stringify(manifest), ...lines.slice(1)].join('\n')));
    for (const [file, reason] of [[cut, /cannot be used: it could not be read to the end/], [notOne, /cannot be used/], [join(source.dataDir, 'missing.backup'), /There is no file/], [newer, /newer version of Kohtaamo/]] as const) {
      const target = keep(await emptyStorage());
      const refused = await cli(['backup', 'restore', file], target);
      assert.equal(refused.code, 1, file);
      assert.match(refused.stderr, reason, file);
      assert.equal(existsSync(join(target.dataDir, 'pglite')), false, 'no database was made');
      if (target.databaseUrl) assert.equal((await checksumsOf(target)).size, 0, 'no table was made');
    }
  });

  it('a backup taken while members write holds one consistent moment', async () => {
    const source = keep(await fullStorage());
    const node = await spawnNode(source.env);
    const member = new Client(node.url);
    await member.submit('/login', { login: source.full.member, password });
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const page = await member.submit(source.full.publicThreadPath, { body: `Vastaus ${written}` }, `${source.full.publicThreadPath}/replies`);
        assert.equal(page.status, 200, page.html.slice(0, 300));
        written++;
      }
    })();
    const files: string[] = [];
    for (let i = 0; i < 2; i++) {
      await until('a few replies', () => written > (i + 1) * 3);
      const made = await cli(['backup', 'create', join(source.dataDir, `during-${i}.backup`)], source);
      assert.equal(made.code, 0, made.stderr);
      files.push(join(source.dataDir, `during-${i}.backup`));
    }
    writing = false;
    await writer;
    await stop(node);
    for (const file of files) {
      const target = keep(await emptyStorage());
      const restored = await cli(['backup', 'restore', file], target);
      assert.equal(restored.code, 0, restored.stderr);
      await withDatabase(target, async (database) => {
        const torn = await selectRows<{ id: string }>(
          database.db,
          sql`select t.id from threads t where t.post_count <> (select max(p.number) from posts p where p.thread_id = t.id)`,
        );
        assert.deepEqual(torn, [], 'every thread counts exactly the replies the backup holds');
        const orphans = await selectRows<{ id: string }>(database.db, sql`select p.id from posts p left join threads t on t.id = p.thread_id where t.id is null`);
        assert.deepEqual(orphans, [], "every reply's thread is there");
      });
    }
    assert.ok(written > 6, `members kept writing (${written} replies)`);
  });

  it('a backup killed midway leaves the previous one intact, and the node starts again', async () => {
    const source = keep(await fullStorage());
    // Enough rows that the backup takes a moment: stored federation data, written straight in.
    await withDatabase(source, (database) =>
      database.db.execute(sql`insert into federation_kv (key, value)
        select array['bulk', g::text], jsonb_build_object('v', (select string_agg(md5(g::text || x::text), '') from generate_series(1, 40) x))
        from generate_series(1, 20000) g`),
    );
    let node = await spawnNode(source.env);
    const first = await cli(['backup', 'create'], source);
    assert.equal(first.code, 0, first.stderr);
    const dir = join(source.dataDir, 'backups');
    const [previous] = readdirSync(dir);
    const previousSum = sha(join(dir, previous!));

    // On PGlite the node writes the backup (the command asks it through its socket); on
    // PostgreSQL the command line writes it. Whichever it is gets killed.
    const second = start('server/cli/main.ts', ['backup', 'create'], source.env);
    const writer = serverUrl ? second.child : node.child;
    const partial = () => readdirSync(dir).find((name) => name.includes(`.partial-${writer.pid}`));
    await until('the second backup to be under way', () => {
      const name = partial();
      return Boolean(name && statSync(join(dir, name)).size > 0);
    });
    writer.kill('SIGKILL');
    await second.done;

    assert.deepEqual(readdirSync(dir).filter((name) => !name.startsWith('.')), [previous], 'no second backup appeared');
    assert.equal(sha(join(dir, previous!)), previousSum, 'the previous backup is unchanged');
    assert.equal((await checkBackup(join(dir, previous!))).manifest.kohtaamo, 'backup', 'and reads to its end');

    if (!serverUrl) node = await spawnNode(source.env);
    const third = await cli(['backup', 'create'], source);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(partial(), undefined, 'what the killed backup left is cleared away');
    await stop(node);
  });
});
