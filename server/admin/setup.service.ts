import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseLike } from '../db/client.ts';
import { users, type Role } from '../accounts/accounts.tables.ts';
import { createUser, type User } from '../accounts/accounts.service.ts';
import * as schemas from '../accounts/accounts.schemas.ts';
import { parseForm, invalid, type Invalid } from '../validation.ts';
import { nodeSettings } from './settings.tables.ts';
import { forgetSettings, siteName } from './settings.service.ts';

export async function hasAdmin(db: DatabaseLike): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin' satisfies Role)).limit(1);
  return row !== undefined;
}

const setupForm = z.object({
  siteName,
  username: schemas.username,
  displayName: schemas.displayName,
  email: schemas.email,
  password: schemas.password,
});

/** The first-run step: names the node and creates its first admin, once. */
export async function completeSetup(db: DatabaseLike, form: unknown): Promise<{ ok: true; user: User } | Invalid> {
  const parsed = parseForm(setupForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  return db.transaction(async (tx) => {
    // Serialises two people submitting setup at once on PostgreSQL; the second finds an admin.
    await tx.execute(sql`select pg_advisory_xact_lock(7405113)`);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
    if (existing) return invalid('form', 'errors.setup.done');
    const created = await createUser(tx, { ...input, role: 'admin', rulesAccepted: true });
    if (!created.ok) return created;
    await tx
      .insert(nodeSettings)
      .values({ id: 1, name: input.siteName })
      .onConflictDoUpdate({ target: nodeSettings.id, set: { name: input.siteName } });
    return created;
  }).finally(() => forgetSettings());
}

/** Makes sure the settings row exists, for nodes whose first admin came from the command line. */
export async function ensureSettings(db: DatabaseLike, fallbackName: string): Promise<void> {
  await db.insert(nodeSettings).values({ id: 1, name: fallbackName }).onConflictDoNothing();
  forgetSettings();
}
