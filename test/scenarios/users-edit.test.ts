import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, deskClient, fieldError, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Issue 23, item 8: a manager edits an account (name, email, mobile, role, active), never leaving
// the desk without an active manager; everyone changes their own password.
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({ now: '2026-07-03T11:00:00Z' });
  const manager = await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const officer = await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  return { manager, officer, mona };
}

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

function noticeOf(html: string): string | null {
  const m = /<div class="notice" role="status"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return m ? text(m[1]).trim() : null;
}

async function auditOf(action: string) {
  return h.database.db
    .selectFrom('audit_log')
    .select(['action', 'user_email', 'detail'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();
}

describe('a manager edits a user', () => {
  it('changes name, email, mobile and role, says so at the top, and audits what changed', async () => {
    const { officer, mona } = await start();
    await mona.get('/desk/users');
    const res = await mona.post(`/desk/users/${officer.id}`, {
      name: 'Otto Ofori',
      email: 'otto.ofori@press.example',
      mobile: '07911 123458',
      role: 'manager',
      active: 'yes',
    });
    expect(res.status).toBe(303);
    const page = await mona.get(res.location!);
    // A new role ends their sessions (issue 30, item 3), and the notice says so.
    expect(noticeOf(page.body)).toBe(
      'User updated with a new role: they have been signed out, and sign in again to use it.',
    );
    expect(text(page.body)).toContain('Otto Ofori otto.ofori@press.example 07911 123458 Manager Active');
    const row = await h.database.db
      .selectFrom('app_user')
      .selectAll()
      .where('id', '=', officer.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Otto Ofori',
      email: 'otto.ofori@press.example',
      mobile: '+447911123458',
      role: 'manager',
      active: true,
    });
    const [entry] = await auditOf('user.updated');
    expect(entry.user_email).toBe(MANAGER.email);
    expect(entry.detail).toMatchObject({
      userId: officer.id,
      changed: { role: { from: 'officer', to: 'manager' }, mobile: { from: null, to: '+447911123458' } },
    });
    // The new email signs in; the old one does not.
    await loginAs(h, 'otto.ofori@press.example', OFFICER.password);
  });

  it('deactivating ends their sessions at once, and the notice says they were signed out', async () => {
    const { officer, mona } = await start();
    const otto = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await otto.get('/desk')).status).toBe(200);
    await mona.get('/desk/users');
    const res = await mona.post(`/desk/users/${officer.id}`, {
      name: OFFICER.name,
      email: OFFICER.email,
      mobile: '',
      role: 'officer',
      active: 'no',
    });
    expect(res.status).toBe(303);
    expect(noticeOf((await mona.get(res.location!)).body)).toBe(
      'User updated and deactivated: they have been signed out.',
    );
    const after = await otto.get('/desk');
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/desk\/login/);
  });

  it('refuses to demote or deactivate the last active manager with a 422 that says why', async () => {
    const { manager, officer, mona } = await start();
    await mona.get('/desk/users');
    const demote = await mona.post(`/desk/users/${manager.id}`, {
      name: MANAGER.name,
      email: MANAGER.email,
      mobile: '',
      role: 'officer',
      active: 'yes',
    });
    expect(demote.status).toBe(422);
    expect(fieldError(demote.body, `edit-${manager.id}-role`)).toBe(
      'Mona Manager is the last active manager: make someone else a manager before changing this role',
    );
    // With a second manager the first can be demoted; then the second cannot be disabled (the CLI's actor is not them).
    await h.services.users.update(
      officer.id,
      { name: OFFICER.name, email: OFFICER.email, mobile: '', role: 'manager', active: 'yes' },
      TEST,
    );
    const ok = await mona.post(`/desk/users/${manager.id}`, {
      name: MANAGER.name,
      email: MANAGER.email,
      mobile: '',
      role: 'officer',
      active: 'yes',
    });
    expect(ok.status).toBe(303);
    await expect(
      h.services.users.update(
        officer.id,
        { name: OFFICER.name, email: OFFICER.email, mobile: '', role: 'manager', active: 'no' },
        TEST,
      ),
    ).rejects.toMatchObject({
      details: {
        fields: {
          active:
            'Otto Officer is the last active manager: make someone else a manager before deactivating this account',
        },
      },
    });
    await expect(h.services.users.setActive(officer.id, false, TEST)).rejects.toMatchObject({ code: 'validation' });
    const managers = await h.database.db
      .selectFrom('app_user')
      .select('id')
      .where('role', '=', 'manager')
      .where('active', '=', true)
      .execute();
    expect(managers.map((m) => m.id)).toEqual([officer.id]);
  });

  it('names each bad field: email, mobile, an email another user has', async () => {
    const { officer, mona } = await start();
    await mona.get('/desk/users');
    const bad = await mona.post(`/desk/users/${officer.id}`, {
      name: '',
      email: 'not an email',
      mobile: '12',
      role: 'officer',
      active: 'yes',
    });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.body, `edit-${officer.id}-name`)).toBe('Enter a name of up to 200 characters');
    expect(fieldError(bad.body, `edit-${officer.id}-email`)).toBe(
      'Enter an email address, like jo.smith@police.example',
    );
    expect(fieldError(bad.body, `edit-${officer.id}-mobile`)).toMatch(/^Enter a mobile number/);
    const taken = await mona.post(`/desk/users/${officer.id}`, {
      name: 'Otto',
      email: MANAGER.email.toUpperCase(),
      mobile: '',
      role: 'officer',
      active: 'yes',
    });
    expect(taken.status).toBe(422);
    expect(fieldError(taken.body, `edit-${officer.id}-email`)).toBe('Another user already has this email address');
  });
});

describe('everyone changes their own password', () => {
  it('needs the current password, checks the new one like a new account, ends the other sessions and audits it', async () => {
    await start();
    const here = await loginAs(h, OFFICER.email, OFFICER.password);
    const elsewhere = await loginAs(h, OFFICER.email, OFFICER.password);
    const page = await here.get('/desk/account');
    expect(page.status).toBe(200);
    expect(page.body).toContain('href="/desk/account"');

    const wrong = await here.post('/desk/account/password', { current: 'not my password', password: 'short' });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.body, 'account-current')).toBe('Your current password is not right');
    expect(fieldError(wrong.body, 'account-password')).toBe('Password must be at least 12 characters');
    expect(wrong.body).not.toContain('not my password');

    const res = await here.post('/desk/account/password', {
      current: OFFICER.password,
      password: 'a much longer passphrase 9',
    });
    expect(res.status).toBe(303);
    const done = await here.get(res.location!);
    expect(done.status).toBe(200);
    expect(noticeOf(done.body)).toBe('Password changed; your other sessions were signed out.');
    // The other browser is signed out; this one stays.
    expect((await elsewhere.get('/desk')).status).toBe(303);
    expect((await here.get('/desk')).status).toBe(200);
    // The new password signs in, the old one does not.
    expect((await deskClient(h).login(OFFICER.email, OFFICER.password)).status).toBe(401);
    await loginAs(h, OFFICER.email, 'a much longer passphrase 9');
    const [entry] = await auditOf('user.password_changed');
    expect(entry).toMatchObject({ user_email: OFFICER.email, detail: { otherSessionsEnded: 1 } });
  });

  it('stops guessing: after five wrong current passwords even the right one is refused for 15 minutes', async () => {
    await start();
    const here = await loginAs(h, OFFICER.email, OFFICER.password);
    await here.get('/desk/account');
    for (let i = 0; i < 5; i++)
      expect(
        (
          await here.post('/desk/account/password', {
            current: `guess number ${i}`,
            password: 'a much longer passphrase 9',
          })
        ).status,
      ).toBe(422);
    const refused = await here.post('/desk/account/password', {
      current: OFFICER.password,
      password: 'a much longer passphrase 9',
    });
    expect(refused.status).toBe(429);
    expect(text(refused.body)).toContain('Too many wrong current passwords');
    expect((await deskClient(h).login(OFFICER.email, 'a much longer passphrase 9')).status).toBe(401);
    expect(await auditOf('user.password_change_refused')).toHaveLength(5);
    h.clock.advance(15 * 60_000 + 1_000);
    expect(
      (await here.post('/desk/account/password', { current: OFFICER.password, password: 'a much longer passphrase 9' }))
        .status,
    ).toBe(303);
  });
});
