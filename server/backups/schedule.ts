import type { AppContext } from '../context.ts';
import { repeat } from '../repeat.ts';
import { getSettings } from '../admin/settings.service.ts';
import { makeBackup, pruneBackups, scheduledBackupDue, takeScheduleLock } from './backups.service.ts';

/** Looks every BACKUP_CHECK_INTERVAL whether the daily backup is due, makes it, and removes the oldest beyond the number kept. */
export function startBackupSchedule(context: AppContext, signal: AbortSignal): void {
  const { config, database, log } = context;
  const check = async () => {
    const settings = await getSettings(database.db);
    if (!settings || settings.backupSchedule !== 'daily') return;
    if (scheduledBackupDue(config.dataDir)) {
      const release = takeScheduleLock(config.dataDir);
      try {
        if (release && scheduledBackupDue(config.dataDir)) {
          const made = await makeBackup(database, config.dataDir, 'daily');
          log(`backup: made ${made.path} (${made.rows} rows, ${made.files} files)`);
        }
      } finally {
        release?.();
      }
    }
    // Also when nothing was made: a smaller number kept takes effect at the next look.
    const removed = pruneBackups(config.dataDir, settings.backupKeep);
    if (removed.length) log(`backup: removed ${removed.join(', ')}`);
  };
  repeat({ what: 'backup: the scheduled backup', everyMs: config.backupCheckSeconds * 1000 }, check, log, signal);
}
