import type { Db } from '../../server/db/client.ts';
import { createUser, type User } from '../../server/accounts/accounts.service.ts';
import type { Role, UserStatus } from '../../server/accounts/accounts.tables.ts';
import { ensureSettings } from '../../server/admin/setup.service.ts';
import { updateSettings } from '../../server/admin/settings.service.ts';
import { saveModerationSettings } from '../../server/moderation/settings.ts';
import type { RegistrationPolicy } from '../../server/admin/settings.tables.ts';
import { Client } from './client.ts';

export const password = 'correct horse battery';

/** An account made straight in the database, for tests about something else than registration. */
export async function makeUser(db: Db, username: string, role: Role = 'member', status: UserStatus = 'active', email?: string): Promise<User> {
  const result = await createUser(db, { username, password, role, status, email, rulesAccepted: true });
  if (!result.ok) throw new Error(`could not make ${username}: ${JSON.stringify(result.errors)}`);
  return result.user;
}

/** A node that has been set up: named, with an admin, under the given registration policy. */
export async function setUpNode(db: Db, policy: RegistrationPolicy = 'open', premoderatedPosts = 0): Promise<User> {
  const admin = await makeUser(db, 'admin_anna', 'admin');
  await ensureSettings(db, 'Testiyhdistys');
  await updateSettings(db, { name: 'Testiyhdistys', description: '', rules: 'Be kind.', contact: '', registrationPolicy: policy, quickExitUrl: 'https://www.foreca.fi/' });
  // New members' first posts go straight out in tests, unless a test of pre-moderation asks otherwise.
  await saveModerationSettings(db, { premoderatedPosts: String(premoderatedPosts), emergencyNumber: '112' });
  return admin;
}

export async function signedIn(base: string, login: string, secret = password): Promise<Client> {
  const client = new Client(base);
  const page = await client.submit('/login', { login, password: secret });
  if (page.status !== 200 || !client.cookies.has('kohtaamo.sid')) throw new Error(`sign-in failed for ${login}: ${page.status}`);
  return client;
}
