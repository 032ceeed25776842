import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserService } from '../../../src/desk/users.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('the first manager from PRESSDESK_ADMIN_* when several processes start at once', () => {
  it('is created exactly once, and no process fails on it', async () => {
    const admin = { email: 'first.manager@press.example', password: 'first-manager-password' };
    // Four processes' worth of services on one database, starting together.
    const starts = Array.from({ length: 4 }, () =>
      new UserService({ db: t.db, clock: () => new Date() }).ensureFirstManager(admin),
    );
    const created = await Promise.all(starts);
    expect(created.filter(Boolean)).toHaveLength(1);
    const users = await t.db.selectFrom('app_user').select(['email', 'role']).execute();
    expect(users).toEqual([{ email: admin.email, role: 'manager' }]);
    // A later start finds the manager there and leaves it.
    expect(await new UserService({ db: t.db, clock: () => new Date() }).ensureFirstManager(admin)).toBe(false);
  });
});
