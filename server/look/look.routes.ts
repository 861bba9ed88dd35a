import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { getSettings } from '../admin/settings.service.ts';
import { formView } from '../web/forms.ts';
import { saveAndRedirect } from '../web/session.ts';
import { maxUploadBytes } from './images.ts';
import { saveLook, siteImage, type LookRefused, type Upload } from './look.service.ts';
import { minimumContrast } from './colour.ts';

/** The upload of a request, read before the form's token is checked (the token is a field of the same form). */
const uploads = new WeakMap<Request, Upload>();

const readUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: 10_000 } }).single('logo');

/**
 * Reads the look form's file for an admin, before the CSRF check (which needs the form's fields);
 * a file over the limit is noted, so the form can say so, rather than failing the request.
 */
export function lookUpload(req: Request, res: Response, next: NextFunction): void {
  requireAdmin(req, res, (denied?: unknown) => {
    if (denied) return next(denied);
    readUpload(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') uploads.set(req, { tooLarge: true });
      else if (error) return next(error);
      else if (req.file?.size) uploads.set(req, { bytes: req.file.buffer });
      next();
    });
  });
}

export function lookRouter({ database }: AppContext): Router {
  const db = database.db;
  const router = Router();

  const sendImage = (name: 'logo' | 'favicon' | 'touch-icon') => async (_req: Request, res: Response) => {
    const image = await siteImage(db, name);
    if (!image) throw new NotFoundError();
    // The address carries the version; a new logo gets a new one.
    res.set('Cache-Control', 'public, max-age=86400').type('image/png').send(Buffer.from(image.content));
  };
  // @route GET /look/logo.png, /look/favicon.png, /look/touch-icon.png — the association's pictures, as the server made them
  router.get('/look/logo.png', sendImage('logo'));
  router.get('/look/favicon.png', sendImage('favicon'));
  router.get('/look/touch-icon.png', sendImage('touch-icon'));

  // @route GET /look/theme.css — the accent colour (light pages only: the dark ones keep their own, made for them)
  router.get('/look/theme.css', async (req, res) => {
    const accent = (await getSettings(db))?.accentColor;
    const css = accent ? `:root { --accent: ${accent}; }\n@media (prefers-color-scheme: dark) { :root { --accent: #9fd0ef; } }\n` : '';
    const etag = `"${createHash('sha1').update(css).digest('base64url')}"`;
    res.set({ 'Cache-Control': 'no-cache', ETag: etag }).type('text/css');
    if (req.get('if-none-match') === etag) return res.status(304).end();
    res.send(css);
  });

  const lookView = (req: Request, values: Record<string, unknown>, refused?: LookRefused) => ({
    title: 'admin.look.title',
    minimumContrast,
    contrast: refused?.contrast,
    ...formView(req, values, refused?.errors ?? {}),
  });

  // @route GET /admin/look — the logo and the accent colour
  router.get('/admin/look', requireAdmin, async (req, res) => {
    const settings = await getSettings(db);
    res.render('admin/look', lookView(req, { accentColor: settings?.accentColor ?? '#1d4f6e', defaultColour: settings?.accentColor ? '' : 'on', logoVersion: settings?.logoVersion ?? 0 }));
  });

  // @route POST /admin/look — a new logo (PNG, JPEG or WebP, made anew by the server), the colour, or both
  router.post('/admin/look', requireAdmin, async (req, res) => {
    const result = await saveLook(db, req.body, uploads.get(req) ?? null);
    if (!result.ok) {
      const settings = await getSettings(db);
      return res.status(422).render('admin/look', lookView(req, { ...req.body, logoVersion: settings?.logoVersion ?? 0 }, result));
    }
    await saveAndRedirect(req, res, '/admin/look', 'admin.look.saved');
  });

  return router;
}
