import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { makeUser, password } from '../support/fixtures.ts';
import { authenticate, lockoutMinutes, maxFailedLogins, register } from '../../server/accounts/accounts.service.ts';
import { createInvite } from '../../server/accounts/invites.service.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { completeSetup } from '../../server/admin/setup.service.ts';

describe('accounts service', () => {
  let fresh: TestDatabase;
  before(async () => {
    fresh = await freshDatabase();
  });
  after(() => fresh.drop());

  describe('completeSetup', () => {
    it('creates exactly one admin when two people submit setup at once', async () => {
      const form = (username: string) => ({ siteName: 'Ry', username, displayName: '', email: '', password: 'long enough password' });
      const results = await Promise.all([completeSetup(fresh.database.db, form('first_admin')), completeSetup(fresh.database.db, form('second_admin'))]);
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal((await fresh.database.db.select().from(users).where(eq(users.role, 'admin'))).length, 1);
    });
  });

  describe('register', () => {
    it('gives the last place of an invite to only one of two people registering at once', async () => {
      const [admin] = await fresh.database.db.select().from(users).where(eq(users.role, 'admin'));
      const created = await createInvite(fresh.database.db, admin!.id, { note: 'one', days: '1', maxUses: '1' });
      assert.ok(created.ok);
      const form = (username: string) => ({ username, displayName: '', email: '', password: 'long enough password', acceptRules: 'on' });
      const results = await Promise.all(['racer_a', 'racer_b', 'racer_c'].map((name) => register(fresh.database.db, form(name), 'invite', created.invite.code)));
      assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results.map((r) => (r.ok ? 'ok' : r.errors))));
      const refused = results.filter((r) => !r.ok);
      for (const result of refused) assert.deepEqual(!result.ok && result.errors, { invite: 'errors.invite.usedUp' });
      const racers = await fresh.database.db.select().from(users).where(eq(users.inviteId, created.invite.id));
      assert.equal(racers.length, 1);
    });
  });

  describe('authenticate', () => {
    it('locks after the allowed failures and opens again when the time has passed', async () => {
      await makeUser(fresh.database.db, 'clock_test');
      const start = new Date('2026-01-01T12:00:00Z');
      for (let i = 0; i < maxFailedLogins - 1; i++) {
        assert.deepEqual(await authenticate(fresh.database.db, 'clock_test', 'wrong password', start), { ok: false, kind: 'refused', reason: 'wrong' });
      }
      const locked = await authenticate(fresh.database.db, 'clock_test', 'wrong password', start);
      assert.equal(locked.ok, false);
      assert.equal(!locked.ok && locked.reason, 'locked');
      const during = new Date(start.getTime() + (lockoutMinutes * 60_000) / 2);
      assert.equal((await authenticate(fresh.database.db, 'clock_test', password, during)).ok, false);
      const afterwards = new Date(start.getTime() + lockoutMinutes * 60_000 + 1000);
      assert.equal((await authenticate(fresh.database.db, 'clock_test', password, afterwards)).ok, true);
      const row = await fresh.database.db.query.users.findFirst({ where: eq(users.username, 'clock_test') });
      assert.equal(row?.failedLogins, 0);
      assert.equal(row?.lockedUntil, null);
    });
  });
});
