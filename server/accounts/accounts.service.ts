import { and, count, eq, ne, sql } from 'drizzle-orm';
import type { Db, DatabaseLike } from '../db/client.ts';
import { invalid, parseForm, text, type Invalid } from '../validation.ts';
import type { RegistrationPolicy } from '../admin/settings.tables.ts';
import { sessions, users, type Role, type UserStatus } from './accounts.tables.ts';
import * as schemas from './accounts.schemas.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { claimInvite, inviteProblem } from './invites.service.ts';

export type User = typeof users.$inferSelect;

export const maxFailedLogins = 5;
export const lockoutMinutes = 15;

export function findUserByName(db: DatabaseLike, name: string): Promise<User | undefined> {
  return db.query.users.findFirst({ where: sql`lower(${users.username}) = lower(${name.trim()})` });
}

export async function findUserById(db: DatabaseLike, id: string): Promise<User | undefined> {
  // A plain select: this runs on every signed-in request.
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** A signed-in session stays valid only while the account is active. */
export async function findSignedInUser(db: DatabaseLike, id: string): Promise<User | undefined> {
  const user = await findUserById(db, id);
  return user?.status === 'active' ? user : undefined;
}

function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause ?? error;
  return (cause as { code?: string }).code === '23505';
}

export type NewUser = {
  username: string;
  displayName?: string;
  email?: string;
  password: string;
  role?: Role;
  status?: UserStatus;
  rulesAccepted?: boolean;
  inviteId?: string | null;
};

/** Inserts an account after the checks every way of creating one shares (forms, setup, command line). */
export async function createUser(db: DatabaseLike, input: NewUser): Promise<{ ok: true; user: User } | Invalid> {
  const name = schemas.username.safeParse(input.username);
  if (!name.success) return invalid('username', name.error.issues[0]?.message ?? 'errors.username.characters');
  const problem = passwordProblem(input.password, name.data);
  if (problem) return invalid('password', `errors.password.${problem}`);
  if (await findUserByName(db, name.data)) return invalid('username', 'errors.username.taken');
  const email = input.email?.trim() || null;
  if (email && (await db.query.users.findFirst({ where: sql`lower(${users.email}) = lower(${email})` }))) {
    return invalid('email', 'errors.email.taken');
  }
  const now = new Date();
  const status = input.status ?? 'active';
  try {
    const [user] = await db
      .insert(users)
      .values({
        username: name.data,
        displayName: input.displayName?.trim() || name.data,
        email,
        passwordHash: await hashPassword(input.password),
        role: input.role ?? 'member',
        status,
        inviteId: input.inviteId ?? null,
        approvedAt: status === 'active' ? now : null,
        rulesAcceptedAt: input.rulesAccepted ? now : null,
      })
      .returning();
    return { ok: true, user: user! };
  } catch (error) {
    // Two people choosing the same name at the same moment: the index decides.
    if (isUniqueViolation(error)) return invalid('username', 'errors.username.taken');
    throw error;
  }
}

/** Registration through the public form, under the node's policy. */
export async function register(
  db: Db,
  form: unknown,
  policy: RegistrationPolicy,
  inviteCode: string,
): Promise<{ ok: true; user: User } | Invalid> {
  const parsed = parseForm(schemas.registration, form);
  // Every field is checked in one round, so a bad username does not hide a short password.
  const errors = parsed.ok ? {} : { ...parsed.errors };
  const fields = (form ?? {}) as Record<string, unknown>;
  const username = text(fields.username).trim();
  const email = text(fields.email).trim();
  const problem = errors.password ? null : passwordProblem(text(fields.password), username);
  if (problem) errors.password = `errors.password.${problem}`;
  if (!errors.username && (await findUserByName(db, username))) errors.username = 'errors.username.taken';
  if (!errors.email && email && (await db.query.users.findFirst({ where: sql`lower(${users.email}) = lower(${email})` }))) errors.email = 'errors.email.taken';
  const inviteTrouble = policy === 'invite' ? await inviteProblem(db, inviteCode) : null;
  if (inviteTrouble) errors.invite = inviteTrouble;
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
  const input = parsed.value;
  return db
    .transaction(async (tx) => {
      const created = await createUser(tx, {
        ...input,
        status: policy === 'approval' ? 'pending' : 'active',
        rulesAccepted: true,
      });
      if (!created.ok || policy !== 'invite') return created;
      const invite = await claimInvite(tx, inviteCode);
      // Throwing undoes the new account too.
      if (!invite) throw new InviteUsedUp();
      await tx.update(users).set({ inviteId: invite.id }).where(eq(users.id, created.user.id));
      return created;
    })
    .catch((error: unknown) => {
      if (error instanceof InviteUsedUp) return invalid('invite', 'errors.invite.usedUp');
      throw error;
    });
}

/** The invite's last place went to someone else between the check and the claim. */
class InviteUsedUp extends Error {}

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; kind: 'refused'; reason: 'wrong' | 'pending' }
  /** Suspended until a time, or banned (until null); the moderators' reason is told to the person. */
  | { ok: false; kind: 'refused'; reason: 'suspended' | 'banned'; until: Date | null; why: string }
  | { ok: false; kind: 'refused'; reason: 'locked'; until: Date };

/** Checks a username (or e-mail) and password; repeated failures lock the account for a while. */
export async function authenticate(db: DatabaseLike, login: string, password: string, now = new Date()): Promise<SignInResult> {
  const key = login.trim();
  const user = key.includes('@')
    ? await db.query.users.findFirst({ where: sql`lower(${users.email}) = lower(${key})` })
    : await findUserByName(db, key);
  if (user?.lockedUntil && user.lockedUntil > now) {
    return { ok: false, kind: 'refused', reason: 'locked', until: user.lockedUntil };
  }
  const matches = await verifyPassword(password, user?.passwordHash ?? null);
  if (!user || user.status === 'deleted') return { ok: false, kind: 'refused', reason: 'wrong' };
  if (!matches) {
    const until = new Date(now.getTime() + lockoutMinutes * 60_000);
    // Counted in the statement, not from the row read above: attempts at the same moment (in any
    // of the node's processes) are each counted, and the one that reaches the limit locks.
    const reaches = sql`${users.failedLogins} + 1 >= ${maxFailedLogins}`;
    const [counted] = await db
      .update(users)
      .set({
        failedLogins: sql`case when ${reaches} then 0 else ${users.failedLogins} + 1 end`,
        lockedUntil: sql`case when ${reaches} then ${until.toISOString()}::timestamptz else ${users.lockedUntil} end`,
      })
      .where(eq(users.id, user.id))
      .returning({ lockedUntil: users.lockedUntil });
    const locked = counted?.lockedUntil?.getTime() === until.getTime();
    return locked ? { ok: false, kind: 'refused', reason: 'locked', until } : { ok: false, kind: 'refused', reason: 'wrong' };
  }
  if (user.failedLogins > 0 || user.lockedUntil) {
    await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  }
  if (user.status === 'pending') return { ok: false, kind: 'refused', reason: 'pending' };
  if (user.status === 'suspended') {
    if (!user.suspendedUntil || user.suspendedUntil > now) {
      return { ok: false, kind: 'refused', reason: user.suspendedUntil ? 'suspended' : 'banned', until: user.suspendedUntil, why: user.suspendedReason ?? '' };
    }
    // A suspension that has run out ends at the next sign-in.
    // Only the suspension that was read ends: a ban given meanwhile stays.
    const [back] = await db
      .update(users)
      .set({ status: 'active', suspendedReason: null, suspendedUntil: null })
      .where(and(eq(users.id, user.id), eq(users.status, 'suspended'), sql`${users.suspendedUntil} <= ${now}`))
      .returning();
    if (!back) return { ok: false, kind: 'refused', reason: 'banned', until: null, why: '' };
    return { ok: true, user: back };
  }
  return { ok: true, user };
}

export async function updateProfile(db: DatabaseLike, user: User, form: unknown): Promise<{ ok: true; user: User } | Invalid> {
  const parsed = parseForm(schemas.profile, form);
  if (!parsed.ok) return parsed;
  const { displayName, bio, email, locale } = parsed.value;
  try {
    const [updated] = await db
      .update(users)
      .set({ displayName: displayName || user.username, bio, email: email || null, locale: locale || null })
      .where(eq(users.id, user.id))
      .returning();
    return { ok: true, user: updated! };
  } catch (error) {
    if (isUniqueViolation(error)) return invalid('email', 'errors.email.taken');
    throw error;
  }
}

export async function setLocale(db: DatabaseLike, userId: string, locale: string): Promise<void> {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

export async function changePassword(
  db: Db,
  user: User,
  current: string,
  next: string,
): Promise<{ ok: true } | Invalid> {
  if (!(await verifyPassword(current, user.passwordHash))) return invalid('currentPassword', 'errors.password.wrongCurrent');
  const problem = passwordProblem(next, user.username);
  if (problem) return invalid('newPassword', `errors.password.${problem}`);
  await setPassword(db, user.id, next);
  return { ok: true };
}

/** Sets a new password and clears any lock-out, as after a reset or by an admin. */
export async function setPassword(db: DatabaseLike, userId: string, password: string): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null })
    .where(eq(users.id, userId));
}

/** How many admins could still run the node without this one. */
export async function otherActiveAdmins(db: DatabaseLike, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.status, 'active'), ne(users.id, userId)));
  return row?.n ?? 0;
}

export async function signOutEverywhere(db: DatabaseLike, userId: string, exceptSid?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(exceptSid ? and(eq(sessions.userId, userId), sql`${sessions.sid} <> ${exceptSid}`) : eq(sessions.userId, userId));
}
