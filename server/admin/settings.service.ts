import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { changed, keptCopy } from '../db/changes.ts';
import { list, parseForm, type Invalid } from '../validation.ts';
import { nodeSettings, registrationPolicies, searchLanguages } from './settings.tables.ts';

export type NodeSettings = typeof nodeSettings.$inferSelect;

export const siteName = z.string().trim().min(1, 'errors.siteName.missing').max(100, 'errors.siteName.tooLong');

const settingsForm = z.object({
  name: siteName,
  description: z.string().trim().max(2000, 'errors.description.tooLong'),
  rules: z.string().trim().max(20000, 'errors.rules.tooLong'),
  // Optional: a form without it leaves the notice as it is.
  notice: z.string().trim().max(2000, 'errors.notice.tooLong').optional(),
  contact: z.string().trim().max(2000, 'errors.contact.tooLong'),
  registrationPolicy: z.enum(registrationPolicies, 'errors.registrationPolicy.invalid'),
  quickExitUrl: z.url({ protocol: /^https?$/, error: 'errors.quickExitUrl.invalid' }),
});

const searchForm = z.object({
  searchLanguages: list(z.enum(searchLanguages, 'errors.searchLanguages.missing')).pipe(z.array(z.enum(searchLanguages)).min(1, 'errors.searchLanguages.missing')),
});

// Every page shows the settings, and they change rarely: keep them. A change is seen at once in
// this process and as soon as the others hear of it (db/changes.ts); a minute at the most.
const keptSettings = keptCopy(
  'settings',
  60_000,
  async (db): Promise<NodeSettings | undefined> => (await db.select().from(nodeSettings).where(eq(nodeSettings.id, 1)))[0],
  (settings) => settings !== undefined,
);

/** Undefined until the first-run setup has named the node. */
export function getSettings(db: DatabaseLike): Promise<NodeSettings | undefined> {
  return keptSettings(db);
}

/** The settings changed: every process reads them again. */
export function forgetSettings(): void {
  changed('settings');
}

/** Writes some of the node's settings, and forgets the kept copy so this process sees them at once. */
export async function writeSettings(db: DatabaseLike, values: Partial<typeof nodeSettings.$inferInsert>): Promise<NodeSettings> {
  const [settings] = await db
    .update(nodeSettings)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(nodeSettings.id, 1))
    .returning();
  forgetSettings();
  return settings!;
}

/** A form of some of the node's settings: written when `schema` accepts it, refused field by field when not. */
export async function saveSettingsForm(
  db: DatabaseLike,
  schema: z.ZodType<Partial<typeof nodeSettings.$inferInsert>>,
  form: unknown,
): Promise<{ ok: true; settings: NodeSettings } | Invalid> {
  const parsed = parseForm(schema, form);
  if (!parsed.ok) return parsed;
  return { ok: true, settings: await writeSettings(db, parsed.value) };
}

export const updateSettings = (db: DatabaseLike, form: unknown) => saveSettingsForm(db, settingsForm, form);

/** The languages search stems words in; the caller makes the search index again for them. */
export const updateSearchLanguages = (db: DatabaseLike, form: unknown) => saveSettingsForm(db, searchForm, form);
