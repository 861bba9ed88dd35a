import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Database, DatabaseLike } from '../db/client.ts';
import { isAlive } from '../db/lock.ts';
import { saveSettingsForm } from '../admin/settings.service.ts';
import type { Invalid } from '../validation.ts';
import { writeBackup, type BackupSummary } from './backup-file.ts';
import { uploadsDir } from './restore.ts';

export const backupsDir = (dataDir: string) => join(dataDir, 'backups');

/** Why a backup in DATA_DIR/backups was made: by hand, by the schedule, or before an upgrade's migrations. */
export type BackupKind = 'manual' | 'daily' | 'upgrade';

export type BackupFile = { name: string; bytes: number; madeAt: Date; kind: BackupKind };

const namePattern = /^kohtaamo-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(-daily|-before-[0-9a-z_]+)?\.backup$/;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** kohtaamo-20261204-213000.backup, …-daily.backup, …-before-0013_backups.backup (times in UTC). */
export function backupName(kind: BackupKind, at = new Date(), migration = ''): string {
  const suffix = kind === 'daily' ? '-daily' : kind === 'upgrade' ? `-before-${migration}` : '';
  return `kohtaamo-${stamp(at)}${suffix}.backup`;
}

function parseName(name: string): { madeAt: Date; kind: BackupKind } | null {
  const match = namePattern.exec(name);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, suffix] = match;
  const madeAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  const kind: BackupKind = suffix === '-daily' ? 'daily' : suffix ? 'upgrade' : 'manual';
  return Number.isNaN(madeAt.getTime()) ? null : { madeAt, kind };
}

/** The finished backups in DATA_DIR/backups, newest first. */
export function listBackups(dataDir: string): BackupFile[] {
  const dir = backupsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const parsed = parseName(name);
      return parsed ? [{ name, bytes: statSync(join(dir, name)).size, ...parsed }] : [];
    })
    .sort((a, b) => b.madeAt.getTime() - a.madeAt.getTime() || b.name.localeCompare(a.name));
}

/** The path of a listed backup by its name, or null: a name from a request never reaches the file system unchecked. */
export function backupPath(dataDir: string, name: string): string | null {
  return listBackups(dataDir).some((backup) => backup.name === name) ? join(backupsDir(dataDir), name) : null;
}

/** Removes what backups cut off by a crash left behind (their writer is gone). */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = /\.partial-(\d+)(\.jsonl)?$/.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) rmSync(join(dir, name), { force: true });
  }
}

/** Makes a backup into DATA_DIR/backups. */
export async function makeBackup(database: Database, dataDir: string, kind: BackupKind, migration = ''): Promise<BackupSummary> {
  const dir = backupsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeLeftovers(dir);
  return writeBackup(database, { path: join(dir, backupName(kind, new Date(), migration)), uploadsDir: uploadsDir(dataDir) });
}

/** Keeps the newest `keep` scheduled backups; ones made by hand or before upgrades stay. */
export function pruneBackups(dataDir: string, keep: number): string[] {
  const old = listBackups(dataDir).filter((backup) => backup.kind === 'daily').slice(keep);
  for (const backup of old) rmSync(join(backupsDir(dataDir), backup.name), { force: true });
  return old.map((backup) => backup.name);
}

export const backupScheduleForm = z.object({
  backupSchedule: z.enum(['off', 'daily'], 'errors.backupSchedule.invalid'),
  backupKeep: z.coerce.number('errors.backupKeep.invalid').int('errors.backupKeep.invalid').min(1, 'errors.backupKeep.invalid').max(90, 'errors.backupKeep.invalid'),
});

export async function updateBackupSchedule(db: DatabaseLike, form: unknown): Promise<{ ok: true } | Invalid> {
  return saveSettingsForm(db, backupScheduleForm, form);
}

/** Whether a scheduled backup is due: none yet, or the newest is a day old. */
export function scheduledBackupDue(dataDir: string, now = new Date()): boolean {
  const newest = listBackups(dataDir).find((backup) => backup.kind === 'daily');
  return !newest || now.getTime() - newest.madeAt.getTime() >= 86_400_000 - 60_000;
}

/**
 * A lock file so that of several processes sharing DATA_DIR (on PostgreSQL) one makes the
 * scheduled backup; one left by a crash is taken over after six hours.
 */
export function takeScheduleLock(dataDir: string): (() => void) | null {
  const dir = backupsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, '.schedule.lock');
  if (existsSync(path) && Date.now() - statSync(path).mtimeMs > 6 * 3_600_000) rmSync(path, { force: true });
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
    return () => rmSync(path, { force: true });
  } catch {
    return null;
  }
}
