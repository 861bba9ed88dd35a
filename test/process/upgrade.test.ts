import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { checkBackup } from '../../server/backups/backup-file.ts';
import { selectRows } from '../../server/db/client.ts';
import { appliedMigrations, knownMigrations, MigrationError, migrateDatabase, migrationsFolder } from '../../server/db/migrate.ts';
import { makeUser } from '../support/fixtures.ts';
import { freshDatabase, serverUrl } from '../support/database.ts';
import { run, spawnNode, startLimitMs, stopAllNodes } from '../support/process.ts';
import { emptyStorage, withDatabase } from '../support/storage.ts';

/** A copy of the migrations with one more, whose second statement the database refuses. */
function brokenMigrations(): string {
  const folder = mkdtempSync(join(tmpdir(), 'kohtaamo-broken-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[] };
  const last = journal.entries.at(-1)!;
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_broken' });
  writeFileSync(journalPath, JSON.stringify(journal));
  writeFileSync(join(folder, '9999_broken.sql'), 'CREATE TABLE "half_done" ("id" integer);--> statement-breakpoint\nALTER TABLE "no_such_table" ADD COLUMN "x" integer;');
  return folder;
}

describe(`upgrades on ${serverUrl ? 'PostgreSQL' : 'PGlite'}`, function () {
  this.timeout(startLimitMs + 60_000);
  after(stopAllNodes);

  it('a migration that fails is named, and leaves the database as it was', async () => {
    const fresh = await freshDatabase();
    try {
      const { db } = fresh.database;
      const applied = await appliedMigrations(db);
      await makeUser(db, 'ennallaan');
      const failure = await migrateDatabase(fresh.database, fresh.url, { folder: brokenMigrations() }).then(
        () => null,
        (error: unknown) => error,
      );
      assert.ok(failure instanceof MigrationError, String(failure));
      assert.equal(failure.tag, '9999_broken');
      assert.match(failure.message, /9999_broken failed: .*no_such_table.*left as it was/s);
      const [table] = await selectRows<{ present: boolean }>(db, sql`select to_regclass('half_done') is not null as present`);
      assert.equal(table?.present, false, 'the statement before the failing one was undone too');
      assert.deepEqual(await appliedMigrations(db), applied, 'no migration is recorded');
      const [user] = await selectRows<{ username: string }>(db, sql`select username from users where username = 'ennallaan'`);
      assert.equal(user?.username, 'ennallaan');
    } finally {
      await fresh.drop();
    }
  });

  it('on PGlite, the node backs the database up before an upgrade migrates it', async function () {
    if (serverUrl) this.skip();
    const storage = await emptyStorage(false);
    const known = knownMigrations();
    // A node of the previous version: every migration but the newest.
    await withDatabase(storage, async (database) => {
      await migrateDatabase(database, null, { upTo: known.length - 1 });
      await database.db.execute(sql`insert into users (username, display_name, role) values ('vanha', 'Vanha', 'admin')`);
    });
    const node = await spawnNode(storage.env);
    const newest = known.at(-1)!.tag;
    const [backup] = readdirSync(join(storage.dataDir, 'backups'));
    assert.match(backup ?? '', new RegExp(`^kohtaamo-\\d{8}-\\d{6}-before-${newest}\\.backup$`));
    assert.match(node.output(), /Made a backup before upgrading the database/);
    const checked = await checkBackup(join(storage.dataDir, 'backups', backup!));
    assert.equal(checked.manifest.schema, known.at(-2)!.tag, 'the backup holds the database as it was before');
    node.child.kill('SIGTERM');
    await node.exited;

    const restoredInto = await emptyStorage(false);
    const restored = await run('server/cli/main.ts', ['backup', 'restore', join(storage.dataDir, 'backups', backup!)], restoredInto.env);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`schema ${known.at(-2)!.tag}\\); the database is now at ${newest}`));
    const users = await withDatabase(restoredInto, (database) => selectRows<{ username: string }>(database.db, sql`select username from users`));
    assert.deepEqual(users.map((u) => u.username), ['vanha']);

    const again = await spawnNode(storage.env);
    assert.equal(readdirSync(join(storage.dataDir, 'backups')).length, 1, 'no backup when there is nothing to migrate');
    again.child.kill('SIGTERM');
    await again.exited;
  });
});
