// The association's look: its logo (and the icons made from it) and its accent colour.
import { eq } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { getSettings, writeSettings } from '../admin/settings.service.ts';
import { siteImages } from '../admin/settings.tables.ts';
import type { FieldErrors } from '../validation.ts';
import { isHexColour, lowestContrast, minimumContrast } from './colour.ts';
import { makeLogo } from './images.ts';

export type LookForm = { accentColor?: unknown; defaultColour?: unknown; removeLogo?: unknown };
export type Upload = { bytes: Buffer } | { tooLarge: true } | null;

export type LookRefused = { ok: false; kind: 'invalid'; errors: FieldErrors; contrast: number | null };

/** Checks everything first: a refused colour keeps the old logo, and a refused logo the old colour. The pictures are written before the settings that point to them. */
export async function saveLook(db: DatabaseLike, form: LookForm, upload: Upload): Promise<{ ok: true } | LookRefused> {
  const errors: FieldErrors = {};
  let contrast: number | null = null;
  const useDefault = form.defaultColour === 'on';
  const colour = typeof form.accentColor === 'string' ? form.accentColor.trim().toLowerCase() : '';
  if (!useDefault) {
    if (!isHexColour(colour)) errors.accentColor = 'errors.look.colour';
    else if (lowestContrast(colour) < minimumContrast) {
      contrast = lowestContrast(colour);
      errors.accentColor = 'errors.look.contrast';
    }
  }
  let made: Awaited<ReturnType<typeof makeLogo>> | null = null;
  if (upload && 'tooLarge' in upload) errors.logo = 'errors.look.tooLarge';
  else if (upload) {
    made = await makeLogo(upload.bytes);
    if (!made.ok) errors.logo = `errors.look.${made.reason}`;
  }
  if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors, contrast };
  const settings = await getSettings(db);
  let logoVersion = settings?.logoVersion ?? 0;
  if (made?.ok) {
    const now = new Date();
    await db.transaction(async (tx) => {
      for (const [name, content] of [['logo', made.made.logo], ['favicon', made.made.favicon], ['touch-icon', made.made.touchIcon]] as const) {
        await tx.insert(siteImages).values({ name, content, updatedAt: now }).onConflictDoUpdate({ target: siteImages.name, set: { content, updatedAt: now } });
      }
    });
    // The logo's address changes with it (seconds since 1970), so no browser keeps showing the old one.
    logoVersion = Math.floor(now.getTime() / 1000);
  } else if (form.removeLogo === 'on') {
    await db.delete(siteImages);
    logoVersion = 0;
  }
  await writeSettings(db, { accentColor: useDefault ? null : colour, logoVersion });
  return { ok: true };
}

export async function siteImage(db: DatabaseLike, name: 'logo' | 'favicon' | 'touch-icon'): Promise<{ content: Uint8Array; updatedAt: Date } | undefined> {
  return db.query.siteImages.findFirst({ where: eq(siteImages.name, name) });
}
