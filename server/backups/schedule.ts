import type { AppContext } from '../context.ts';
import { getSettings } from '../admin/settings.service.ts';
import { makeBackup, pruneBackups, scheduledBackupDue, takeScheduleLock } from './backups.service.ts';

/** Looks every BACKUP_CHECK_INTERVAL whether the daily backup is due, makes it, and removes the oldest beyond the number kept. */
export function startBackupSchedule(context: AppContext, signal: AbortSignal): void {
  const { config, database, log } = context;
  let running = false;
  const check = async () => {
    if (running || signal.aborted) return;
    running = true;
    let release: (() => void) | null = null;
    try {
      const settings = await getSettings(database.db);
      if (!settings || settings.backupSchedule !== 'daily') return;
      if (scheduledBackupDue(config.dataDir)) {
        release = takeScheduleLock(config.dataDir);
        if (release && scheduledBackupDue(config.dataDir)) {
          const made = await makeBackup(database, config.dataDir, 'daily');
          log(`backup: made ${made.path} (${made.rows} rows, ${made.files} files)`);
        }
      }
      // Also when nothing was made: a smaller number kept takes effect at the next look.
      const removed = pruneBackups(config.dataDir, settings.backupKeep);
      if (removed.length) log(`backup: removed ${removed.join(', ')}`);
    } catch (error) {
      log(`backup: the scheduled backup failed: ${(error as Error).message}`);
    } finally {
      release?.();
      running = false;
    }
  };
  const timer = setInterval(() => void check(), config.backupCheckSeconds * 1000);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer));
}
