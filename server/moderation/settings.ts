// The node's moderation settings: pre-moderation, the published log and the crisis lines.
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { saveSettingsForm, writeSettings } from '../admin/settings.service.ts';
import type { Invalid } from '../validation.ts';
import { parseCrisisLines } from './crisis.ts';

const moderationForm = z.object({
  premoderatedPosts: z.coerce.number('errors.moderation.premoderated').int('errors.moderation.premoderated').min(0, 'errors.moderation.premoderated').max(50, 'errors.moderation.premoderated'),
  publishModerationLog: z.preprocess((value) => value === 'on', z.boolean()),
  emergencyNumber: z.string().trim().regex(/^\d{2,6}$/, 'errors.moderation.emergencyNumber'),
});

export async function saveModerationSettings(db: DatabaseLike, form: unknown): Promise<{ ok: true } | Invalid> {
  return saveSettingsForm(db, moderationForm, form);
}

export async function saveCrisisLines(db: DatabaseLike, form: Record<string, unknown>): Promise<{ ok: true } | Invalid> {
  const parsed = parseCrisisLines(form);
  if (!parsed.ok) return parsed;
  await writeSettings(db, { crisisLines: parsed.lines });
  return { ok: true };
}
