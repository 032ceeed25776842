import { afterEach, describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/audit/audit.actions.js';
import { audit } from '../../src/audit/audit.repository.js';
import { requireManager } from '../../src/web/session.js';
import { MANAGER_AREAS } from '../../src/features.js';
import { AUDIT_PAGE_SIZE } from '../../src/desk/manager.routes.js';
import {
  decodeEntities,
  deskClient,
  fieldError,
  inputValue,
  loginAs,
  type DeskClient,
} from '../support/desk-client.js';
import { NEW_PERSON_FIRST } from '../../src/oncall/rota.service.js';
import { numbersVerified } from '../support/rota.js';
import { startHarness, type Harness } from '../support/harness.js';

// Friday 3 July 2026, 12:00 in London (BST, UTC+1): office time differs from UTC, so a time read
// in the wrong zone shows up as an hour's error.
const FRIDAY_NOON_BST = '2026-07-03T11:00:00Z';
const FALLBACK = '+443001234567';
const JO_PHONE = '+447911123456';
const SAM_PHONE = '+447911123457';
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };

let h: Harness;
afterEach(async () => h?.close());

async function start(opts: { jobs?: boolean } = {}) {
  h = await startHarness({ now: FRIDAY_NOON_BST, jobs: opts.jobs });
  const manager = await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const officer = await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  return { manager, officer, mona };
}

/** The "add a shift" form as a manager fills it in: someone new, primary, not an override. */
function shiftForm(fields: Record<string, string> = {}) {
  return { personId: '', name: '', phone: '', role: 'primary', startsAt: '', endsAt: '', note: '', ...fields };
}

async function personByPhone(phone: string) {
  return h.database.db
    .selectFrom('person')
    .selectAll()
    .where('phone', '=', phone)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
}

async function auditActions(): Promise<
  Array<{ action: string; user_email: string | null; detail: Record<string, unknown> }>
> {
  return h.database.db.selectFrom('audit_log').select(['action', 'user_email', 'detail']).orderBy('id').execute();
}

/** Text of a page with tags removed and entities decoded, whitespace collapsed: what a reader sees. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

describe('the rota page', () => {
  it('shows the fallback line when nobody is on call, then a shift added for someone new, read in office time', async () => {
    const { mona } = await start();
    let page = await mona.get('/desk/rota');
    expect(page.status).toBe(200);
    expect(text(page.body)).toContain(
      `On call now On call Nobody is on the rota: pages go to the Out-of-hours line ${FALLBACK}`,
    );
    expect(page.body).toContain('aria-current="page"');

    // Someone new is added first, and their number verified (issue 27), then put on a shift.
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: '07911 123456' });
    await numbersVerified(h.database.db);
    const res = await mona.post(
      '/desk/rota/shifts',
      shiftForm({
        personId: (await personByPhone(JO_PHONE)).id,
        startsAt: '2026-07-03T17:00',
        endsAt: '2026-07-06T09:00',
        note: 'Weekend cover',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk/rota?done=shift');

    // 17:00 BST is 16:00Z: the shift starts then, not an hour later.
    expect(await h.services.rota.onCallAt(new Date('2026-07-03T15:59:00Z'))).toMatchObject({
      source: 'fallback',
      phone: FALLBACK,
    });
    expect(await h.services.rota.onCallAt(new Date('2026-07-03T16:00:00Z'))).toMatchObject({
      name: 'Jo Smith',
      phone: JO_PHONE,
      source: 'shift',
    });
    expect(await h.services.rota.onCallAt(new Date('2026-07-06T07:59:00Z'))).toMatchObject({ name: 'Jo Smith' });
    expect(await h.services.rota.onCallAt(new Date('2026-07-06T08:00:00Z'))).toMatchObject({ source: 'fallback' });

    page = await mona.get(res.location!);
    const seen = text(page.body);
    expect(seen).toContain('The shift has been added to the rota.');
    expect(seen).toContain('The next 14 days');
    expect(seen).toContain(`Fri 3 Jul 17:00 Mon 6 Jul 09:00 Jo Smith ${JO_PHONE} None`);
    expect(seen).toContain(`Fri 3 Jul 12:00 Fri 3 Jul 17:00 Out-of-hours line ${FALLBACK} (nobody on the rota)`);
    // The last segment runs to the end of the fortnight.
    expect(seen).toContain('Mon 6 Jul 09:00 Fri 17 Jul 12:00 Out-of-hours line');
    expect(seen).toMatch(/People who can be on call Name Phone Last page or test Actions Jo Smith \+447911123456/);

    const trail = await auditActions();
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['rota.person_added', 'rota.shift_added']));
    const added = trail.find((a) => a.action === 'rota.shift_added')!;
    expect(added.user_email).toBe(MANAGER.email);
    expect(added.detail).toMatchObject({
      person: 'Jo Smith',
      phone: JO_PHONE,
      role: 'primary',
      from: '5:00pm on Friday 3 July 2026',
      note: 'Weekend cover',
    });
  });

  it('adds a person, a backup and an override that beats the shift; says who is on call now', async () => {
    const { mona } = await start();
    expect((await mona.post('/desk/rota/people', { name: 'Sam Lee', phone: '+44 7911 123457' })).location).toBe(
      '/desk/rota?done=person',
    );
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: '07911123456' });
    await numbersVerified(h.database.db);
    const sam = await personByPhone(SAM_PHONE);
    const jo = await personByPhone(JO_PHONE);
    await mona.post(
      '/desk/rota/shifts',
      shiftForm({ personId: jo.id, startsAt: '2026-07-03T09:00', endsAt: '2026-07-10T09:00' }),
    );

    let res = await mona.post(
      '/desk/rota/shifts',
      shiftForm({ personId: sam.id, role: 'backup', startsAt: '2026-07-03T09:00', endsAt: '2026-07-10T09:00' }),
    );
    expect(res.status).toBe(303);
    res = await mona.post(
      '/desk/rota/shifts',
      shiftForm({
        personId: sam.id,
        override: 'yes',
        startsAt: '2026-07-04T10:00',
        endsAt: '2026-07-04T22:00',
        note: 'Jo at a wedding',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk/rota?done=override');

    expect(await h.services.rota.onCallAt(new Date('2026-07-04T12:00:00Z'))).toMatchObject({
      personId: sam.id,
      source: 'override',
    });
    expect(await h.services.rota.onCallAt(new Date('2026-07-04T22:00:00Z'))).toMatchObject({
      personId: jo.id,
      source: 'shift',
    });
    expect(await h.services.rota.nextContactAt(new Date('2026-07-04T22:00:00Z'))).toMatchObject({
      personId: sam.id,
      source: 'shift',
    });

    const seen = text((await mona.get(res.location!)).body);
    expect(seen).toContain('The override has been added to the rota.');
    expect(seen).toContain(
      `On call Jo Smith ${JO_PHONE} until Sat 4 Jul 10:00 Backup (next contact) Sam Lee ${SAM_PHONE} until Fri 10 Jul 09:00`,
    );
    expect(seen).toContain(`Sat 4 Jul 10:00 Sat 4 Jul 22:00 Sam Lee ${SAM_PHONE} Override Sam Lee ${SAM_PHONE}`);
    expect((await auditActions()).map((a) => a.action)).toEqual([
      'user.created',
      'user.created',
      'login',
      'rota.person_added',
      'rota.verification_sent',
      'rota.person_added',
      'rota.verification_sent',
      'rota.shift_added',
      'rota.shift_added',
      'rota.override_added',
    ]);
  });

  it('refuses an invalid phone number with the message beside the field, keeping what was typed', async () => {
    const { mona } = await start();
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: '07911 123456' });
    const jo = await personByPhone(JO_PHONE);

    let res = await mona.post(`/desk/rota/people/${jo.id}/phone`, { phone: '12345' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, `phone-${jo.id}`)).toBe('Enter a phone number, like 07911 123456 or +44 7911 123456');
    expect(inputValue(res.body, `phone-${jo.id}`)).toBe('12345');
    expect(res.body).toContain(`href="#phone-${jo.id}"`);
    expect(res.body).toContain(`aria-describedby="phone-${jo.id}-error"`);
    expect(res.body).toMatch(/<title>Error: On-call rota/);
    expect((await personByPhone(JO_PHONE)).id).toBe(jo.id);

    // Someone new on the shift form: refused (they are added first, to verify their number), what was typed kept.
    res = await mona.post(
      '/desk/rota/shifts',
      shiftForm({ name: 'Pat New', phone: '0791', startsAt: '2026-07-03T17:00', endsAt: '2026-07-04T09:00' }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'shift-personId')).toBe(NEW_PERSON_FIRST);
    expect(inputValue(res.body, 'shift-name')).toBe('Pat New');
    expect(inputValue(res.body, 'shift-startsAt')).toBe('2026-07-03T17:00');

    // A number someone else already has is refused too.
    await mona.post('/desk/rota/people', { name: 'Sam Lee', phone: SAM_PHONE });
    res = await mona.post(`/desk/rota/people/${jo.id}/phone`, { phone: '07911 123457' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, `phone-${jo.id}`)).toBe(
      `${SAM_PHONE} already belongs to someone else on the staff list`,
    );

    res = await mona.post(`/desk/rota/people/${jo.id}/phone`, { phone: '07911 123458' });
    expect(res.status).toBe(303);
    expect(text((await mona.get(res.location!)).body)).toContain(
      'The phone number has been changed and a code sent to it.',
    );
    expect((await personByPhone('+447911123458')).id).toBe(jo.id);
    const changed = (await auditActions()).find((a) => a.action === 'rota.phone_changed');
    expect(changed).toMatchObject({
      user_email: MANAGER.email,
      detail: { name: 'Jo Smith', from: JO_PHONE, to: '+447911123458' },
    });

    expect((await mona.post('/desk/rota/people/abc/phone', { phone: '07911 123459' })).status).toBe(404);
    expect((await mona.post('/desk/rota/people/999999/phone', { phone: '07911 123459' })).status).toBe(404);
  });

  it('refuses a shift that ends before it starts, and adds nothing (not even the new person)', async () => {
    const { mona } = await start();
    const res = await mona.post(
      '/desk/rota/shifts',
      shiftForm({
        name: 'Pat New',
        phone: '07911 123459',
        startsAt: '2026-07-04T09:00',
        endsAt: '2026-07-03T17:00',
        override: 'yes',
      }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'shift-endsAt')).toBe('The shift must end after it starts');
    expect(inputValue(res.body, 'shift-startsAt')).toBe('2026-07-04T09:00');
    expect(inputValue(res.body, 'shift-endsAt')).toBe('2026-07-03T17:00');
    expect(inputValue(res.body, 'shift-phone')).toBe('07911 123459');
    expect(res.body).toMatch(/<input type="checkbox" id="shift-override" name="override" value="yes" checked=""/);
    expect(res.body).toContain('<div class="error-summary"');
    expect(await h.services.rota.listPeople()).toEqual([]);
    expect((await auditActions()).filter((a) => a.action.startsWith('rota.'))).toEqual([]);
  });

  it.each([
    [
      'nobody chosen',
      {},
      {
        'shift-personId': 'Choose who is on call, or enter a new person’s name and phone number',
        'shift-startsAt': 'Enter when the shift starts',
        'shift-endsAt': 'Enter when the shift ends',
      },
    ],
    [
      'a time that does not exist (spring forward)',
      { name: 'Pat', phone: '07911 123459', startsAt: '2027-03-28T01:30', endsAt: '2027-03-28T09:00' },
      { 'shift-startsAt': 'Enter a date and time that exists in office time (Europe/London)' },
    ],
    [
      'no name for someone new',
      { phone: '07911 123459', startsAt: '2026-07-03T17:00', endsAt: '2026-07-04T09:00', role: 'sideways' },
      {
        'shift-personId': NEW_PERSON_FIRST,
        'shift-role': 'Choose primary (the on-call press officer) or backup (the next contact)',
      },
    ],
    [
      'someone chosen and someone new',
      { personId: '1', name: 'Pat', startsAt: '2026-07-03T17:00', endsAt: '2026-07-04T09:00' },
      { 'shift-personId': 'Choose someone on the list or enter someone new, not both' },
    ],
  ])('refuses a shift with %s, each message beside its field', async (_what, fields, expected) => {
    const { mona } = await start();
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: JO_PHONE });
    const res = await mona.post('/desk/rota/shifts', shiftForm(fields));
    expect(res.status).toBe(422);
    for (const [id, message] of Object.entries(expected)) expect(fieldError(res.body, id), id).toBe(message);
    expect(await h.database.db.selectFrom('rota_entry').select('id').execute()).toEqual([]);
  });

  it('sends a test page: the page says it was queued and Twilio gets exactly one SMS to that number', async () => {
    const { mona } = await start({ jobs: true });
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: '07911 123456' });
    const jo = await personByPhone(JO_PHONE);
    const res = await mona.post(`/desk/rota/people/${jo.id}/test-page`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/desk/rota?done=test-page&person=${jo.id}`);
    expect(text((await mona.get(res.location!)).body)).toContain(
      `A test page to Jo Smith on ${JO_PHONE} has been queued.`,
    );

    await h.twilio.waitForMessages(2);
    await h.jobs.settle();
    // Adding Jo sent a code to verify the number (issue 27); the test page is the other text.
    const sent = h.twilio.messages.filter((m) => m.to === JO_PHONE).map((m) => m.body ?? '');
    expect(sent).toEqual([
      expect.stringMatching(/^Press Office desk: \d{6} is the code to verify this number for the on-call rota\./),
      expect.stringContaining('test page for Jo Smith'),
    ]);
    expect(h.twilio.messages).toHaveLength(2);
    const entry = (await auditActions()).find((a) => a.action === 'rota.test_page_queued');
    expect(entry).toMatchObject({ user_email: MANAGER.email, detail: { name: 'Jo Smith', phone: JO_PHONE } });
    // It belongs to no enquiry, so no timeline has it.
    expect(await h.database.db.selectFrom('enquiry_event').select('id').execute()).toEqual([]);
    expect((await mona.post('/desk/rota/people/999999/test-page')).status).toBe(404);
  });

  it('takes a person off the rota: their shifts stop counting', async () => {
    const { mona } = await start();
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: JO_PHONE });
    await numbersVerified(h.database.db);
    const jo = await personByPhone(JO_PHONE);
    await mona.post(
      '/desk/rota/shifts',
      shiftForm({ personId: jo.id, startsAt: '2026-07-03T09:00', endsAt: '2026-07-10T09:00' }),
    );
    expect(await h.services.rota.onCallAt(new Date('2026-07-04T12:00:00Z'))).toMatchObject({ personId: jo.id });
    const res = await mona.post(`/desk/rota/people/${jo.id}/deactivate`);
    expect(res.status).toBe(303);
    expect(await h.services.rota.onCallAt(new Date('2026-07-04T12:00:00Z'))).toMatchObject({ source: 'fallback' });
    const seen = text((await mona.get(res.location!)).body);
    expect(seen).toContain('The person has been taken off the rota.');
    expect(seen).not.toContain('Jo Smith');
    expect((await auditActions()).at(-1)).toMatchObject({
      action: 'rota.person_deactivated',
      user_email: MANAGER.email,
      detail: { name: 'Jo Smith' },
    });
  });

  it('refuses a shift for someone taken off the rota while the form was open, and says so (no false "added")', async () => {
    const { mona } = await start();
    expect((await mona.post('/desk/rota/people', { name: 'Sam Lee', phone: '+44 7911 123457' })).location).toBe(
      '/desk/rota?done=person',
    );
    const sam = await personByPhone(SAM_PHONE);
    // Another manager takes Sam off the rota; this manager's form still offers Sam.
    await h.services.rota.deactivatePerson(sam.id);
    const res = await mona.post(
      '/desk/rota/shifts',
      shiftForm({ personId: sam.id, startsAt: '2026-07-03T09:00', endsAt: '2026-07-10T09:00' }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'shift-personId')).toBe('Sam Lee is no longer on the staff list');
    expect(await h.database.db.selectFrom('rota_entry').select('id').execute()).toEqual([]);
  });

  it('renders names typed into the rota as text, never as markup', async () => {
    const { mona } = await start();
    await mona.post('/desk/rota/people', { name: '<script>alert(1)</script><b>Bold</b>', phone: JO_PHONE });
    for (const path of ['/desk/rota', '/desk/audit']) {
      const page = await mona.get(path);
      expect(page.body).not.toContain('<script>alert(1)');
      expect(page.body).not.toContain('<b>Bold');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('users', () => {
  it('adds a user who can then sign in; a duplicate email is refused beside the field', async () => {
    const { mona } = await start();
    const page = await mona.get('/desk/users');
    expect(page.status).toBe(200);
    const seen = text(page.body);
    expect(seen).toContain(`Mona Manager (you) ${MANAGER.email} — Manager Active`);
    expect(seen).toContain(`Otto Officer ${OFFICER.email} — Press officer Active`);

    let res = await mona.post('/desk/users', {
      name: 'Nia New',
      email: 'nia.new@press.example',
      role: 'officer',
      password: 'a long new password',
    });
    expect(res.status).toBe(303);
    expect(text((await mona.get(res.location!)).body)).toContain('The user has been added.');
    const nia = await loginAs(h, 'nia.new@press.example', 'a long new password');
    expect((await nia.get('/desk')).status).toBe(200);

    res = await mona.post('/desk/users', {
      name: 'Nia Again',
      email: 'NIA.NEW@press.example',
      role: 'manager',
      password: 'another long password',
    });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'user-email')).toBe('A user with this email address already exists');
    expect(inputValue(res.body, 'user-name')).toBe('Nia Again');
    expect(inputValue(res.body, 'user-email')).toBe('NIA.NEW@press.example');
    expect(res.body).toMatch(/id="user-role-manager" name="role" value="manager" checked=""/);
    // A refused form never shows a password again.
    expect(inputValue(res.body, 'user-password')).toBe('');
    expect(res.body).not.toContain('another long password');

    res = await mona.post('/desk/users', { name: '', email: 'not-an-email', role: 'boss', password: 'short' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'user-name')).toBe('Enter a name of up to 200 characters');
    expect(fieldError(res.body, 'user-email')).toBe('Enter an email address, like jo.smith@police.example');
    expect(fieldError(res.body, 'user-role')).toBe('Choose officer or manager');
    expect(fieldError(res.body, 'user-password')).toBe('Password must be at least 12 characters');
    expect((await h.services.users.list()).map((u) => u.email).sort()).toEqual(
      [MANAGER.email, 'nia.new@press.example', OFFICER.email].sort(),
    );
  });

  it('disabling a user ends their session at once; enabling lets them back in', async () => {
    const { mona, officer } = await start();
    const otto = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await otto.get('/desk')).status).toBe(200);

    const res = await mona.post(`/desk/users/${officer.id}/disable`);
    expect(res.status).toBe(303);
    expect(text((await mona.get(res.location!)).body)).toContain(
      `Otto Officer ${OFFICER.email} — Press officer Disabled`,
    );

    const refused = await otto.get('/desk');
    expect(refused.status).toBe(303);
    expect(refused.location).toBe('/desk/login?next=%2Fdesk');
    expect((await otto.post('/desk/enquiries/PD-AAA-AAA/note', { note: 'x' })).status).toBe(303);
    expect((await deskClient(h).login(OFFICER.email, OFFICER.password)).status).toBe(401);

    expect((await mona.post(`/desk/users/${officer.id}/enable`)).status).toBe(303);
    await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await auditActions()).map((a) => a.action)).toEqual(
      expect.arrayContaining(['user.disabled', 'user.enabled']),
    );
  });

  it('a manager cannot disable themself', async () => {
    const { mona, manager } = await start();
    const page = await mona.get('/desk/users');
    expect(page.body).not.toContain(`action="/desk/users/${manager.id}/disable"`);
    const res = await mona.post(`/desk/users/${manager.id}/disable`);
    expect(res.status).toBe(422);
    expect(fieldError(res.body, `active-${manager.id}`)).toBe('You cannot disable your own account');
    expect((await mona.get('/desk')).status).toBe(200);
    expect((await mona.post('/desk/users/123456/disable')).status).toBe(404);
  });

  it('a reset password replaces the old one and signs the user out', async () => {
    const { mona, officer } = await start();
    const otto = await loginAs(h, OFFICER.email, OFFICER.password);

    let res = await mona.post(`/desk/users/${officer.id}/password`, { password: 'too short' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, `password-${officer.id}`)).toBe('Password must be at least 12 characters');
    expect(res.body).toMatch(
      /<details class="row-details" open="">\s*<summary>\s*Set a new password<span class="visually-hidden"> for Otto Officer/,
    );
    expect((await otto.get('/desk')).status).toBe(200);

    res = await mona.post(`/desk/users/${officer.id}/password`, { password: 'a brand new passphrase' });
    expect(res.status).toBe(303);
    expect(text((await mona.get(res.location!)).body)).toContain('The new password has been set.');
    expect((await otto.get('/desk')).status).toBe(303);
    expect((await deskClient(h).login(OFFICER.email, OFFICER.password)).status).toBe(401);
    await loginAs(h, OFFICER.email, 'a brand new passphrase');
  });
});

describe('the audit log', () => {
  it('lists each action newest first with who, when, an enquiry link and the detail as text', async () => {
    const { mona, officer } = await start();
    const created = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Gazette',
      email: 'ann@gazette.example',
      subject: 'Fire',
      details: 'Any line?',
    });
    const { reference } = (await created.json()) as { reference: string };
    expect((await mona.post(`/desk/enquiries/${reference}/note`, { note: 'Checking with ops' })).status).toBe(303);
    await mona.post('/desk/rota/people', { name: 'Jo Smith', phone: JO_PHONE });
    await mona.post(`/desk/users/${officer.id}/disable`);

    const page = await mona.get('/desk/audit');
    expect(page.status).toBe(200);
    // The table only: the action filter's options name every action too.
    const seen = text(page.body.slice(page.body.indexOf('<table')));
    const order = [
      'Disabled a user',
      'Added a person to the rota staff list',
      'Added a note',
      'Signed in',
      'Added a user',
    ].map((label) => seen.indexOf(label));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(seen).toContain(
      `Fri 3 Jul 12:00 ${MANAGER.email} Disabled a user user.disabled — email: ${OFFICER.email}; sessionsEnded: 0; userId: ${officer.id}`,
    );
    expect(seen).toContain(
      `${MANAGER.email} Added a person to the rota staff list rota.person_added — name: Jo Smith; personId:`,
    );
    expect(page.body).toContain(`<a href="/desk/enquiries/${reference}">${reference}</a>`);
    expect(seen).toContain(`${MANAGER.email} Added a note enquiry.note_added ${reference}`);
    expect(seen).toContain(`Added a user user.created — email: ${OFFICER.email}; role: officer; userId: ${officer.id}`);
    expect(seen).toMatch(/test Added a user/);
    // One page: no link to older entries.
    expect(page.body).not.toContain('?before=');
  });

  it('pages by id, newest first', async () => {
    const { mona } = await start();
    const at = new Date(FRIDAY_NOON_BST);
    for (let i = 1; i <= AUDIT_PAGE_SIZE + 5; i++)
      await audit(h.database.db, { at, actor: TEST, action: `bulk.${i}` as AuditAction });
    const first = await mona.get('/desk/audit');
    const rows = (html: string) => [...html.matchAll(/<tr id="audit-(\d+)">/g)].map((m) => m[1]);
    const ids = rows(first.body);
    expect(ids).toHaveLength(AUDIT_PAGE_SIZE);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
    expect(first.body).toContain(`bulk.${AUDIT_PAGE_SIZE + 5}`);
    const older = /href="(\/desk\/audit\?before=(\d+))"/.exec(first.body);
    expect(older?.[2]).toBe(ids.at(-1));
    const second = await mona.get(older![1]);
    const rest = rows(second.body);
    // 55 bulk entries + 2 user.created + 1 login = 58.
    expect(rest).toHaveLength(8);
    expect(Math.max(...rest.map(Number))).toBeLessThan(Number(ids.at(-1)));
    expect(second.body).toContain('href="/desk/audit">Newest entries');
    expect(second.body).not.toContain('?before=');
    expect((await mona.get('/desk/audit?before=abc')).status).toBe(400);
  });

  it('has no route that changes or deletes an entry', async () => {
    const { mona } = await start();
    const routes = h.app.routes.filter((r) => r.path === '/desk/audit' || r.path.startsWith('/desk/audit/'));
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      // Only reads, plus the manager check that guards the area.
      const ok = r.method === 'GET' || (r.method === 'ALL' && r.handler === requireManager);
      expect(ok, `${r.method} ${r.path}`).toBe(true);
    }
    expect(routes.some((r) => r.method === 'GET' && r.path === '/desk/audit')).toBe(true);

    const before = await h.database.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    await mona.get('/desk');
    const csrf = mona.csrf!;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const path of ['/desk/audit', `/desk/audit/${before[0].id}`]) {
        const res = await mona.request(path, { method, headers: { 'X-CSRF-Token': csrf } });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    const after = await h.database.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(after.slice(0, before.length)).toEqual(before);
  });
});

describe('access to the manager pages', () => {
  /** Every registered route in the manager areas, with `:id` filled in. */
  function managerRoutes(): Array<{ method: string; path: string }> {
    const seen = new Set<string>();
    const out: Array<{ method: string; path: string }> = [];
    for (const r of h.app.routes) {
      if (r.method === 'ALL') continue;
      if (!MANAGER_AREAS.some((a) => r.path === `/desk${a}` || r.path.startsWith(`/desk${a}/`))) continue;
      const path = r.path.replace(/:id\b/g, '1');
      if (seen.has(`${r.method} ${path}`)) continue;
      seen.add(`${r.method} ${path}`);
      out.push({ method: r.method, path });
    }
    return out;
  }

  /** The sections of the desk's header on `path`, in order. */
  async function headerSections(client: DeskClient, path = '/desk'): Promise<string[]> {
    const { body: html } = await client.get(path);
    const nav = /<nav aria-label="Desk">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
    return [...nav.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => `${m[2]} ${m[1]}`);
  }

  it('manager areas are the rota, colleagues, users, audit log, data requests and the on-call hours report, each registered by its feature', () => {
    expect([...MANAGER_AREAS].sort()).toEqual([
      '/audit',
      '/colleagues',
      '/lines/templates',
      '/privacy',
      '/reports/oncall',
      '/reports/oncall.csv',
      '/rota',
      '/topics',
      '/users',
    ]);
  });

  it('the header shows an officer the queue, incidents and reports, and a manager the manager sections too', async () => {
    const { mona } = await start();
    const otto: DeskClient = await loginAs(h, OFFICER.email, OFFICER.password);
    expect(await headerSections(otto)).toEqual([
      'Queue /desk',
      'Notifications /desk/notifications',
      'Incidents /desk/incidents',
      'Lines /desk/lines',
      'Reports /desk/reports',
      'Journalists /desk/journalists',
    ]);
    expect(await headerSections(mona, '/desk/rota')).toEqual([
      'Queue /desk',
      'Notifications /desk/notifications',
      'Incidents /desk/incidents',
      'Lines /desk/lines',
      'Reports /desk/reports',
      'Journalists /desk/journalists',
      'Rota /desk/rota',
      'Colleagues /desk/colleagues',
      'Users /desk/users',
      'Audit log /desk/audit',
      'Topics /desk/topics',
      'Data requests /desk/privacy',
    ]);
  });

  it('refuses an officer with 403 on every manager route, reading or writing', async () => {
    await start();
    const otto: DeskClient = await loginAs(h, OFFICER.email, OFFICER.password);
    const routes = managerRoutes();
    // The three pages and at least one action in each area.
    for (const area of MANAGER_AREAS)
      expect(
        routes.some((r) => r.method === 'GET' && r.path === `/desk${area}`),
        area,
      ).toBe(true);
    expect(routes.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(8);
    const before = await h.database.db.selectFrom('audit_log').select('id').execute();
    for (const r of routes) {
      const res =
        r.method === 'GET'
          ? await otto.get(r.path)
          : await otto.post(r.path, { name: 'x', phone: JO_PHONE, password: 'a long enough password' });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
    // POSTs to the areas' own paths (no route there) are refused too, before anything else.
    for (const area of MANAGER_AREAS)
      expect((await otto.post(`/desk${area}`, {})).status, `POST /desk${area}`).toBe(403);
    expect(await h.database.db.selectFrom('audit_log').select('id').execute()).toEqual(before);
    expect(await h.services.rota.listPeople()).toEqual([]);
  });

  it('sends someone without a session to the login page, and refuses a manager POST without the CSRF token', async () => {
    const { mona } = await start();
    const anon = deskClient(h);
    for (const r of managerRoutes()) {
      const res = r.method === 'GET' ? await anon.get(r.path) : await anon.post(r.path, { _csrf: 'x' });
      if (r.path.endsWith('.json')) {
        // Data downloads answer like an API: 401, not a login page.
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
        continue;
      }
      expect(res.status, `${r.method} ${r.path}`).toBe(303);
      expect(res.location).toMatch(/^\/desk\/login/);
    }
    const res = await mona.post('/desk/rota/people', { _csrf: 'forged', name: 'Jo', phone: JO_PHONE });
    expect(res.status).toBe(403);
    expect(await h.services.rota.listPeople()).toEqual([]);
  });
});
