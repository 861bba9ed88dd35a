import { and, asc, count, eq, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { Db, DatabaseLike } from '../db/client.ts';
import { roles, users, type Role, type UserStatus } from '../accounts/accounts.tables.ts';
import { otherActiveAdmins, signOutEverywhere, type User } from '../accounts/accounts.service.ts';
import { invalid, type Invalid } from '../validation.ts';

export const pageSize = 50;

export type MemberFilter = { status?: UserStatus; q?: string; page?: number };

export async function listMembers(db: Db, filter: MemberFilter = {}): Promise<{ members: User[]; total: number }> {
  // The node's own accounts: people from other servers are found through their posts and reports.
  const conditions: SQL[] = [ne(users.status, 'deleted'), isNull(users.iri)];
  if (filter.status) conditions.push(eq(users.status, filter.status));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`(${users.username} ilike ${pattern} or ${users.displayName} ilike ${pattern})`);
  }
  const where = and(...conditions);
  const page = Math.max(1, filter.page ?? 1);
  const [members, [total]] = await Promise.all([
    db.select().from(users).where(where).orderBy(asc(sql`lower(${users.username})`)).limit(pageSize).offset((page - 1) * pageSize),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { members, total: total?.n ?? 0 };
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Changes a role; the last active admin cannot step down, or nobody could run the node. */
export async function setRole(db: DatabaseLike, userId: string, role: string): Promise<{ ok: true } | Invalid> {
  if (!isRole(role)) return invalid('role', 'errors.role.invalid');
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user || user.status === 'deleted') return invalid('user', 'errors.member.unknown');
  if (user.role === 'admin' && role !== 'admin' && (await otherActiveAdmins(db, userId)) === 0) {
    return invalid('role', 'errors.role.lastAdmin');
  }
  await db.update(users).set({ role }).where(eq(users.id, userId));
  return { ok: true };
}

export async function suspendMember(db: DatabaseLike, userId: string, reason: string): Promise<{ ok: true } | Invalid> {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user || user.status === 'deleted') return invalid('user', 'errors.member.unknown');
  if (user.role === 'admin' && (await otherActiveAdmins(db, userId)) === 0) return invalid('user', 'errors.role.lastAdmin');
  if (reason.trim().length > 500) return invalid('reason', 'errors.reason.tooLong');
  await db.transaction(async (tx) => {
    await tx.update(users).set({ status: 'suspended', suspendedReason: reason.trim(), suspendedUntil: null }).where(eq(users.id, userId));
    await signOutEverywhere(tx, userId);
  });
  return { ok: true };
}

export async function unsuspendMember(db: DatabaseLike, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ status: 'active', suspendedReason: null, suspendedUntil: null })
    .where(and(eq(users.id, userId), eq(users.status, 'suspended')));
}

export function listPending(db: DatabaseLike): Promise<User[]> {
  return db.select().from(users).where(eq(users.status, 'pending')).orderBy(asc(users.createdAt));
}

export async function approveMember(db: DatabaseLike, userId: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ status: 'active', approvedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.status, 'pending')))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** A declined request leaves nothing behind: the person gave us data only to ask. */
export async function declineMember(db: DatabaseLike, userId: string): Promise<boolean> {
  const rows = await db
    .delete(users)
    .where(and(eq(users.id, userId), eq(users.status, 'pending')))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function countPending(db: DatabaseLike): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.status, 'pending'));
  return row?.n ?? 0;
}
