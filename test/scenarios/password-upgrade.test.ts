/**
 * Issue 12, finding 12: a password hash made at the old cost (scrypt N=2^15) is replaced by one
 * at today's cost at the user's next successful sign-in, and the password still works after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_COST, setPasswordCostForTests } from '../../src/desk/password.js';
import { deskClient, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { legacyHash } from '../support/legacy-password.js';

const USER = { email: 'old.timer@press.example', password: 'an-old-password-1' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-02T10:00:00Z' });
  // This file checks the upgrade to the production cost itself (a handful of hashes).
  setPasswordCostForTests(PASSWORD_COST);
  await h.services.users.create({ ...USER, name: 'Olive Oldtimer', role: 'officer' }, { userId: null, email: 'test' });
  await h.database.db
    .updateTable('app_user')
    .set({ password_hash: legacyHash(USER.password) })
    .where('email', '=', USER.email)
    .execute();
});
afterAll(async () => h?.close());

const storedHash = async () =>
  (
    await h.database.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('email', '=', USER.email)
      .executeTakeFirstOrThrow()
  ).password_hash;

describe('an old password hash', () => {
  it('is kept after a failed sign-in and replaced at the next successful one', async () => {
    expect(await storedHash()).toMatch(/^scrypt\$32768\$/);
    expect((await deskClient(h).login(USER.email, 'not-the-password')).status).toBe(401);
    expect(await storedHash()).toMatch(/^scrypt\$32768\$/);

    await loginAs(h, USER.email, USER.password);
    expect(await storedHash()).toMatch(/^scrypt\$16384\$8\$5\$/);
    // The new hash is of the same password.
    await loginAs(h, USER.email, USER.password);
    expect((await deskClient(h).login(USER.email, 'not-the-password')).status).toBe(401);
  });
});
