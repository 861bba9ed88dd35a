// The opening most test files share: a listening node, set up with its admin (admin_anna), and
// the people the tests need, made straight in the database.
import type { User } from '../../server/accounts/accounts.service.ts';
import type { Role, UserStatus } from '../../server/accounts/accounts.tables.ts';
import type { RegistrationPolicy } from '../../server/admin/settings.tables.ts';
import { makeUser, setUpNode } from './fixtures.ts';
import { startNode, type TestNode } from './node.ts';

/** A username, or a username with its role, status and e-mail address. */
export type Person = string | [username: string, role?: Role, status?: UserStatus, email?: string];

export type SetUpTestNode = TestNode & { admin: User; people: Record<string, User> };

export async function startSetUpNode(options: { env?: Record<string, string>; policy?: RegistrationPolicy; premoderatedPosts?: number; people?: Person[] } = {}): Promise<SetUpTestNode> {
  const node = await startNode(options.env);
  const db = node.database.db;
  const admin = await setUpNode(db, options.policy, options.premoderatedPosts);
  const people: Record<string, User> = {};
  for (const person of options.people ?? []) {
    const [username, role, status, email] = typeof person === 'string' ? [person] : person;
    people[username] = await makeUser(db, username, role, status, email);
  }
  return Object.assign(node, { admin, people });
}
