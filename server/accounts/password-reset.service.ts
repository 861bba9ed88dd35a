import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { invalid, type Invalid } from '../validation.ts';
import { passwordResets, users } from './accounts.tables.ts';
import { setPassword, signOutEverywhere, type User } from './accounts.service.ts';
import { passwordProblem } from './passwords.ts';

// Generous, so a tired person can come back to the mail later (WCAG 2.2.1 spirit).
export const resetValidHours = 24;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Makes a reset token for the active account with this e-mail or username, if it has an e-mail.
 * The caller says the same thing either way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(db: DatabaseLike, login: string, now = new Date()): Promise<{ user: User; token: string } | null> {
  const key = login.trim();
  if (!key) return null;
  const user = await db.query.users.findFirst({
    where: key.includes('@') ? sql`lower(${users.email}) = lower(${key})` : sql`lower(${users.username}) = lower(${key})`,
  });
  if (!user?.email || user.status !== 'active') return null;
  const token = randomBytes(32).toString('base64url');
  await db.insert(passwordResets).values({
    tokenHash: hashToken(token),
    userId: user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + resetValidHours * 3_600_000),
  });
  return { user, token };
}

export async function findUsableReset(db: DatabaseLike, token: string, now = new Date()) {
  return db.query.passwordResets.findFirst({
    where: and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
  });
}

/** Uses a token once: sets the password and signs the account out everywhere. */
export async function resetPassword(db: DatabaseLike, token: string, password: string, now = new Date()): Promise<{ ok: true; user: User } | Invalid> {
  const reset = await findUsableReset(db, token, now);
  const user = reset && (await db.query.users.findFirst({ where: eq(users.id, reset.userId) }));
  if (!reset || !user || user.status !== 'active') return invalid('token', 'errors.reset.invalid');
  const problem = passwordProblem(password, user.username);
  if (problem) return invalid('password', `errors.password.${problem}`);
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tokenHash, reset.tokenHash), isNull(passwordResets.usedAt)))
      .returning();
    if (!claimed) return invalid('token', 'errors.reset.invalid');
    await setPassword(tx, user.id, password);
    await signOutEverywhere(tx, user.id);
    return { ok: true as const, user };
  });
}
