import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { invites } from './accounts.tables.ts';

export type Invite = typeof invites.$inferSelect;

const inviteForm = z.object({
  note: z.string().trim().max(200, 'errors.invite.noteTooLong'),
  days: z.coerce.number('errors.invite.days').int('errors.invite.days').min(1, 'errors.invite.days').max(365, 'errors.invite.days'),
  maxUses: z.coerce.number('errors.invite.maxUses').int('errors.invite.maxUses').min(1, 'errors.invite.maxUses').max(1000, 'errors.invite.maxUses'),
});

export async function createInvite(db: DatabaseLike, createdBy: string, form: unknown): Promise<{ ok: true; invite: Invite } | Invalid> {
  const parsed = parseForm(inviteForm, form);
  if (!parsed.ok) return parsed;
  const { note, days, maxUses } = parsed.value;
  const [invite] = await db
    .insert(invites)
    .values({
      code: randomBytes(12).toString('base64url'),
      note,
      createdBy,
      expiresAt: new Date(Date.now() + days * 86_400_000),
      maxUses,
    })
    .returning();
  return { ok: true, invite: invite! };
}

export function listInvites(db: DatabaseLike): Promise<Invite[]> {
  return db.select().from(invites).orderBy(desc(invites.createdAt)).limit(200);
}

export async function revokeInvite(db: DatabaseLike, id: string): Promise<void> {
  await db.update(invites).set({ revoked: true }).where(eq(invites.id, id));
}

/** Why an invite code cannot be used now (an i18n key), or null when it can. */
export async function inviteProblem(db: DatabaseLike, code: string, now = new Date()): Promise<string | null> {
  if (!code) return 'errors.invite.missing';
  const invite = await db.query.invites.findFirst({ where: eq(invites.code, code) });
  if (!invite || invite.revoked) return 'errors.invite.unknown';
  if (invite.expiresAt <= now) return 'errors.invite.expired';
  if (invite.uses >= invite.maxUses) return 'errors.invite.usedUp';
  return null;
}

/** Counts one use, atomically: of two people using the last place, only one gets it. */
export async function claimInvite(db: DatabaseLike, code: string, now = new Date()): Promise<Invite | undefined> {
  const [invite] = await db
    .update(invites)
    .set({ uses: sql`${invites.uses} + 1` })
    .where(and(eq(invites.code, code), eq(invites.revoked, false), gt(invites.expiresAt, now), lt(invites.uses, invites.maxUses)))
    .returning();
  return invite;
}
