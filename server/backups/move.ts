import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { acquireLock } from '../db/lock.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { writeBackup } from './backup-file.ts';
import { backupsDir } from './backups.service.ts';
import { restoreBackup, RestoreRefusedError, type NodeStorage } from './restore.ts';
import { tableChecksums } from './tables.ts';

export type MoveSummary = { tables: number; rows: number; to: NodeStorage };

const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//.test(target);

/** Where `db move-to TARGET` puts the database: a postgres:// URL, or a directory for PGlite. */
export function moveTarget(target: string, from: NodeStorage, cwd: string): NodeStorage {
  return isPostgresUrl(target) ? { databaseUrl: target, dataDir: from.dataDir } : { databaseUrl: null, dataDir: resolve(cwd, target) };
}

/**
 * Copies the whole database from one storage to another (PGlite to PostgreSQL, or back) through a
 * backup file, restores it into the empty target and compares every table's row count and checksum
 * with the source's. Uploaded files stay in DATA_DIR. The source is not changed.
 */
export async function moveDatabase(from: NodeStorage, to: NodeStorage): Promise<MoveSummary> {
  const same = from.databaseUrl ? from.databaseUrl === to.databaseUrl : !to.databaseUrl && resolve(from.dataDir) === resolve(to.dataDir);
  if (same) throw new RestoreRefusedError('The target is where the database already is.');
  // On PGlite the lock keeps the node stopped meanwhile; on PostgreSQL stopping it is the admin's part.
  let release = from.databaseUrl ? () => {} : acquireLock(from.dataDir);
  // Let go once: a node started after the copy was read holds a lock file of its own, not to be removed.
  const letGo = () => {
    release();
    release = () => {};
  };
  const dir = backupsDir(from.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `.move-${process.pid}.backup`);
  try {
    const source = await openDatabase(from);
    let made;
    try {
      await migrateDatabase(source, from.databaseUrl);
      made = await writeBackup(source, { path: file, uploadsDir: null });
    } finally {
      await source.close();
    }
    letGo();
    await restoreBackup(file, to, { replace: false, files: false });
    const target = await openDatabase(to);
    try {
      const copied = await tableChecksums(target.db);
      const differing = [...made.checksums].filter(([table, summary]) => copied.get(table)?.sha256 !== summary.sha256 || copied.get(table)?.rows !== summary.rows);
      if (differing.length || copied.size !== made.checksums.size) {
        throw new Error(`The copy differs from the original in ${differing.map(([table]) => table).join(', ') || 'its tables'}; do not use it.`);
      }
    } finally {
      await target.close();
    }
    return { tables: made.tables, rows: made.rows, to };
  } finally {
    rmSync(file, { force: true });
    letGo();
  }
}
