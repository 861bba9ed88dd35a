import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../access.ts';
import { getSettings } from '../admin/settings.service.ts';
import { formView } from '../web/forms.ts';
import { saveAndRedirect } from '../web/session.ts';
import { NotFoundError } from '../errors.ts';
import type { FieldErrors } from '../validation.ts';
import { backupPath, backupsDir, listBackups, makeBackup, updateBackupSchedule } from './backups.service.ts';

const megabytes = (bytes: number, locale: string) =>
  new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(bytes / 1_048_576);

/** /admin/backups: the node's backups, making one now, downloading one, and the schedule. Admins only. */
export function backupsRouter({ database, config }: AppContext): Router {
  const router = Router();
  router.use(requireAdmin);

  const view = async (req: Request, values?: Record<string, unknown>, errors: FieldErrors = {}) => {
    const settings = (await getSettings(database.db))!;
    return {
      title: 'admin.backups.title',
      directory: backupsDir(config.dataDir),
      backups: listBackups(config.dataDir).map((backup) => ({ ...backup, size: megabytes(backup.bytes, req.locale) })),
      schedules: ['daily', 'off'],
      ...formView(req, values ?? { backupSchedule: settings.backupSchedule, backupKeep: String(settings.backupKeep) }, errors),
    };
  };

  // @route GET /admin/backups
  router.get('/', async (req, res) => res.render('admin/backups', await view(req)));

  // @route POST /admin/backups
  router.post('/', async (req, res) => {
    await makeBackup(database, config.dataDir, 'manual');
    await saveAndRedirect(req, res, '/admin/backups', 'admin.backups.made');
  });

  // @route POST /admin/backups/schedule
  router.post('/schedule', async (req, res) => {
    const result = await updateBackupSchedule(database.db, req.body);
    if (!result.ok) return res.status(422).render('admin/backups', await view(req, req.body, result.errors));
    await saveAndRedirect(req, res, '/admin/backups', 'admin.backups.scheduleSaved');
  });

  // @route GET /admin/backups/:name
  router.get('/:name', (req, res) => {
    const path = backupPath(config.dataDir, String(req.params.name));
    if (!path) throw new NotFoundError();
    // The whole node, password hashes included: never kept by a browser or a proxy.
    res.set('cache-control', 'no-store');
    res.download(path, String(req.params.name), { dotfiles: 'deny' });
  });

  return router;
}
