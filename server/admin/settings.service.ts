import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { nodeSettings, registrationPolicies } from './settings.tables.ts';

export type NodeSettings = typeof nodeSettings.$inferSelect;

export const siteName = z.string().trim().min(1, 'errors.siteName.missing').max(100, 'errors.siteName.tooLong');

const settingsForm = z.object({
  name: siteName,
  description: z.string().trim().max(2000, 'errors.description.tooLong'),
  rules: z.string().trim().max(20000, 'errors.rules.tooLong'),
  contact: z.string().trim().max(2000, 'errors.contact.tooLong'),
  registrationPolicy: z.enum(registrationPolicies, 'errors.registrationPolicy.invalid'),
  quickExitUrl: z.url({ protocol: /^https?$/, error: 'errors.quickExitUrl.invalid' }),
});

/** Null until the first-run setup has named the node. */
export async function getSettings(db: DatabaseLike): Promise<NodeSettings | undefined> {
  return db.query.nodeSettings.findFirst({ where: eq(nodeSettings.id, 1) });
}

export async function updateSettings(db: DatabaseLike, form: unknown): Promise<{ ok: true; settings: NodeSettings } | Invalid> {
  const parsed = parseForm(settingsForm, form);
  if (!parsed.ok) return parsed;
  const [settings] = await db
    .update(nodeSettings)
    .set({ ...parsed.value, updatedAt: new Date() })
    .where(eq(nodeSettings.id, 1))
    .returning();
  return { ok: true, settings: settings! };
}
