/**
 * Issue 29, item 3: journalists' and outlets' records. A record holds a journalist's names,
 * outlets, phones and emails, preferred channel, press card check, flags and staff notes; an
 * enquiry from any phone or email on it shows the record on its page (matched when the page is
 * read, whatever the channel); an unknown sender shows "Not yet known" with "Create a record" and
 * the one-click "Not a media enquiry" (the standard reply, a separate outcome the reports count
 * apart). Records follow subject access, erasure (a journalist erased leaves nothing anywhere)
 * and retention. Outlets have one name and their spellings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { apiEnquiry } from '../support/enquiry.js';
import { findAnywhere } from '../support/find-anywhere.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const NOW = '2026-12-02T10:00:00Z';
const SYSTEM = { userId: null, email: 'test' };
const OFFICER = { email: 'omar.officer@press.example', password: 'officer-password-1' };
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };

let h: Harness;
let officer: DeskClient;
let manager: DeskClient;

beforeAll(async () => {
  h = await startHarness({ now: NOW, jobs: true, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, SYSTEM);
  await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
  officer = await loginAs(h, OFFICER.email, OFFICER.password);
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(NOW));

/** The page's text, tags dropped and spaces collapsed. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The enquiry page's "Journalist" box, as text. */
function panel(html: string): string {
  const m = /<section class="panel journalist-panel[^"]*"[^>]*>([\s\S]*?)<\/section>/.exec(html);
  if (!m) throw new Error('no journalist panel on the page');
  return text(m[1]);
}

/** An officer adds a record through the form; returns its id. */
async function addRecord(fields: Record<string, string | string[]>): Promise<string> {
  await officer.get('/desk/journalists/new');
  const res = await officer.post('/desk/journalists', {
    outlets: '',
    phones: '',
    emails: '',
    preferredChannel: '',
    pressCardCheckedOn: '',
    ...fields,
  });
  expect(res.status, res.body.slice(0, 500)).toBe(303);
  return /\/desk\/journalists\/(\d+)\?done=added/.exec(res.location ?? '')![1];
}

async function enquiryRow(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

/** The reference of the enquiry an inbound text made, found by its number. */
async function referenceFromText(phone: string): Promise<string> {
  const row = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .where('phone', '=', phone)
    .where('channel', '=', 'sms')
    .orderBy('received_at', 'desc')
    .executeTakeFirstOrThrow();
  return row.reference;
}

describe('a known journalist', () => {
  it('is matched across channels: an email enquiry, then a text from the phone on the record', async () => {
    const id = await addRecord({
      name: 'Ann Reporter',
      outlets: 'Evening Gazette',
      phones: '07911 120001',
      emails: 'Ann.Reporter@Gazette.example',
      preferredChannel: 'email',
      pressCardCheckedOn: '2026-11-30',
      flags: ['embargo_breach'],
    });
    await officer.post(`/desk/journalists/${id}/notes`, { note: 'Broke the Kestrel Street embargo in March.' });

    // By the form with her email (any case), then by text from her mobile.
    const { reference: byEmail } = await apiEnquiry(h, {
      email: 'ann.reporter@gazette.example',
      subject: 'Flood defences',
    });
    expect((await h.sms('+447911120001', 'Hi, Ann at the Gazette: is the bypass closed?')).status).toBe(200);
    const byText = await referenceFromText('+447911120001');

    for (const ref of [byEmail, byText]) {
      const box = panel((await officer.get(`/desk/enquiries/${ref}`)).body);
      expect(box).toContain('Has broken an embargo: do not send embargoed material');
      expect(box).toMatch(/Ann Reporter ?, Evening Gazette/);
      expect(box).toContain('UK Press Card: Checked 30 November 2026 by omar.officer@press.example');
      expect(box).toContain('Broke the Kestrel Street embargo in March.');
      expect(box).not.toContain('Not yet known');
      expect(box).not.toContain('Not a media enquiry');
    }
    // Each enquiry's box lists the other one among her enquiries.
    expect(panel((await officer.get(`/desk/enquiries/${byText}`)).body)).toContain(byEmail);
    expect(panel((await officer.get(`/desk/enquiries/${byEmail}`)).body)).toContain(byText);
    // The record's history has both, whichever channel.
    const record = text((await officer.get(`/desk/journalists/${id}`)).body);
    expect(record).toContain(byEmail);
    expect(record).toContain(byText);
    expect(record).toContain('Broke the Kestrel Street embargo in March.');
  });

  it('is found by the list’s search by name, phone, email or outlet', async () => {
    await addRecord({
      name: 'Sam Okafor',
      outlets: 'Daily Courier',
      phones: '07911 120002',
      emails: 'sam@courier.example',
    });
    for (const q of ['okafor', '7911120002', 'COURIER.example', 'daily cour'])
      expect(text((await officer.get(`/desk/journalists?q=${encodeURIComponent(q)}`)).body), q).toContain('Sam Okafor');
    expect(text((await officer.get('/desk/journalists?q=nobody-like-this')).body)).toContain(
      'No journalist matches “nobody-like-this”.',
    );
  });

  it('shows its flag first on every enquiry of theirs: "Not press: route to the contact centre"', async () => {
    await addRecord({ name: 'Pat Public', phones: '07911 120003', flags: ['not_press'] });
    await h.sms('+447911120003', 'Why was my neighbour arrested?');
    const page = (await officer.get(`/desk/enquiries/${await referenceFromText('+447911120003')}`)).body;
    expect(page).toMatch(/class="panel journalist-panel panel--urgent"/);
    expect(panel(page)).toMatch(/^Journalist Not press: route to the contact centre/);
    // Known but not press: the one click to close it as not a media enquiry is offered too.
    expect(panel(page)).toContain('Not a media enquiry');
  });

  it('refuses a phone or email already on another record, and bad contacts, naming the field', async () => {
    await addRecord({ name: 'Chris Doyle', phones: '07911 120004', emails: 'chris@radio.example' });
    await officer.get('/desk/journalists/new');
    const taken = await officer.post('/desk/journalists', {
      name: 'Someone Else',
      phones: '+447911120004',
      emails: 'CHRIS@radio.example',
    });
    expect(taken.status).toBe(422);
    expect(fieldError(taken.body, 'journalist-phones')).toBe(
      '+447911120004 is already on Chris Doyle’s record: take it off there first',
    );
    expect(fieldError(taken.body, 'journalist-emails')).toBe(
      'chris@radio.example is already on Chris Doyle’s record: take it off there first',
    );
    const bad = await officer.post('/desk/journalists', {
      name: '',
      phones: '12',
      emails: 'not an address',
      pressCardCheckedOn: '2099-01-01',
      flags: ['vip'],
    });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.body, 'journalist-name')).toBe('Enter the journalist’s name');
    expect(fieldError(bad.body, 'journalist-phones')).toBe(
      '“12” is not a phone number: enter one a line, like 07911 123456',
    );
    expect(fieldError(bad.body, 'journalist-emails')).toBe(
      '“not an address” is not an email address: enter one a line, like name@example.com',
    );
    expect(fieldError(bad.body, 'journalist-flags')).toBe('Choose flags from the list');
    const future = await officer.post('/desk/journalists', { name: 'Fay Future', pressCardCheckedOn: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(fieldError(future.body, 'journalist-pressCardCheckedOn')).toBe(
      'Enter the date the press card was checked: today or before',
    );
    const count = await h.database.db
      .selectFrom('journalist')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('name', 'in', ['Someone Else', 'Fay Future'])
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('audits notes and changes without their words', async () => {
    const id = await addRecord({ name: 'Dana Audit', phones: '07911 120005' });
    await officer.post(`/desk/journalists/${id}/notes`, { note: 'Prefers calls after 4pm.' });
    await officer.get(`/desk/journalists/${id}`);
    const edit = await officer.post(`/desk/journalists/${id}`, {
      name: 'Dana Audit',
      outlets: 'City FM',
      phones: '07911 120005',
      emails: '',
      preferredChannel: 'phone',
      pressCardCheckedOn: '',
    });
    expect(edit.status).toBe(303);
    const log = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'detail', 'user_email'])
      .where('action', 'like', 'journalist.%')
      .where(({ ref }) => ref('detail'), '@>', JSON.stringify({ journalist: id }) as never)
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.action)).toEqual([
      'journalist.record_added',
      'journalist.note_added',
      'journalist.record_changed',
    ]);
    expect(log.every((l) => l.user_email === OFFICER.email)).toBe(true);
    expect(JSON.stringify(log)).not.toContain('4pm');
    expect(log[2].detail).toMatchObject({ changed: ['preferred_channel'] });
  });
});

describe('an unknown sender', () => {
  it('shows "Not yet known"; "Create a record" makes one from the enquiry, and the page then knows them', async () => {
    const { reference } = await apiEnquiry(h, {
      name: 'Lee New',
      outlet: 'The  Herald ',
      phone: '07911 120010',
      email: 'lee@herald.example',
    });
    const box = panel((await officer.get(`/desk/enquiries/${reference}`)).body);
    expect(box).toContain('Not yet known.');
    expect(box).toContain('Create a record');
    expect(box).toContain('Not a media enquiry');
    const res = await officer.post('/desk/journalists/from-enquiry', { reference });
    expect(res.status).toBe(303);
    const id = /\/desk\/journalists\/(\d+)/.exec(res.location ?? '')![1];
    const record = text((await officer.get(`/desk/journalists/${id}`)).body);
    expect(record).toContain('Lee New');
    expect(record).toContain('07911 120010');
    expect(record).toContain('lee@herald.example');
    // Its outlet was new: added under its one name, type not yet set.
    expect(text((await officer.get('/desk/outlets')).body)).toMatch(/The Herald Not set/);
    expect(panel((await officer.get(`/desk/enquiries/${reference}`)).body)).toMatch(/Lee New ?, The Herald/);
    // Asked twice, the same record is opened, not a second one made.
    const again = await officer.post('/desk/journalists/from-enquiry', { reference });
    expect(again.location).toContain(`/desk/journalists/${id}?`);
  });

  it('"Add to a journalist record" adds the enquiry’s number and address to the chosen record', async () => {
    const id = await addRecord({ name: 'Kim Twophones', phones: '07911 120020' });
    const { reference } = await apiEnquiry(h, { name: 'Kim T', phone: '07911 120021' });
    const list = await officer.get(`/desk/journalists?add=${reference}&q=twophones`);
    expect(list.body).toContain(`action="/desk/journalists/${id}/add-enquiry"`);
    expect((await officer.post(`/desk/journalists/${id}/add-enquiry`, { reference })).status).toBe(303);
    expect(panel((await officer.get(`/desk/enquiries/${reference}`)).body)).toContain('Kim Twophones');
  });

  it('"Not a media enquiry" closes it with that outcome, sends the standard reply, and the reports count it apart', async () => {
    const { reference } = await apiEnquiry(h, {
      name: 'Mo Public',
      outlet: 'None',
      phone: '07911 120030',
      subject: 'My car was towed',
    });
    const page = (await officer.get(`/desk/enquiries/${reference}`)).body;
    // The one click is the status form's close, posted as the page wrote it.
    const form =
      /<form method="post" action="(\/desk\/enquiries\/[^"]+\/status)" class="inline-form">([\s\S]*?)<\/form>/.exec(
        page.slice(page.indexOf('journalist-panel')),
      )!;
    const fields = Object.fromEntries(
      [...form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1],
        decodeEntities(m[2]),
      ]),
    );
    expect(fields).toMatchObject({ status: 'closed', outcome: 'not_media', sendMessage: 'yes' });
    expect((await officer.post(form[1], fields)).status).toBe(303);
    await h.jobs.settle();
    const e = await enquiryRow(reference);
    expect(e).toMatchObject({ status: 'closed', outcome: 'not_media' });
    const texts = h.twilio.messages.filter((m) => m.to === '+447911120030').map((m) => m.body);
    expect(texts).toEqual([fields.message_not_media]);
    expect(fields.message_not_media).toContain(reference);
    const said = await h.database.db
      .selectFrom('said')
      .select(['kind', 'text'])
      .where('enquiry_id', '=', e.id)
      .execute();
    expect(said).toEqual([{ kind: 'outcome_message', text: fields.message_not_media }]);
    // Counted apart: as not media, never as answered, and not owed an answer.
    const figures = JSON.parse(
      (await manager.get('/desk/reports.json?period=custom&from=2026-12-01&to=2026-12-02')).body,
    );
    expect(figures.outcomes.not_media).toBe(1);
    expect(figures.outcomes.answered).toBe(0);
    // Closed: the box offers no second click.
    expect(panel((await officer.get(`/desk/enquiries/${reference}`)).body)).not.toContain('Not a media enquiry');
  });
});

describe('outlets', () => {
  it('merges a spelling into an outlet, so the enquiry page names the outlet', async () => {
    await officer.get('/desk/outlets');
    const add = await officer.post('/desk/outlets', { name: 'Northside Echo', kind: 'regional', area: 'Northside' });
    expect(add.status).toBe(303);
    const outletId = /\/desk\/outlets\/(\d+)/.exec(add.location ?? '')![1];
    const { reference } = await apiEnquiry(h, { outlet: 'the echo', phone: '07911 120040' });
    expect(text((await officer.get('/desk/outlets')).body)).toContain('“the echo” (1)');
    const merge = await officer.post('/desk/outlets/spellings', { spelling: 'The  Echo', outlet: outletId });
    expect(merge.status).toBe(303);
    expect(panel((await officer.get(`/desk/enquiries/${reference}`)).body)).toContain(
      'The outlet given is Northside Echo.',
    );
    // The reports by outlet count it as the outlet, under its one name, with one typed that way.
    await apiEnquiry(h, { outlet: 'Northside  ECHO', phone: '07911 120041' });
    const byOutlet = JSON.parse((await manager.get('/desk/reports/topics.json?months=2')).body).outlets as Array<{
      name: string;
      all: { received: number };
    }>;
    expect(byOutlet.filter((o) => /echo/i.test(o.name)).map((o) => [o.name, o.all.received])).toEqual([
      ['Northside Echo', 2],
    ]);
    const one = text((await officer.get(`/desk/outlets/${outletId}`)).body);
    expect(one).toContain('“northside echo”, “the echo”');
    // A second outlet of the same name is refused, naming the field.
    const dup = await officer.post('/desk/outlets', { name: 'northside echo', kind: '', area: '' });
    expect(dup.status).toBe(422);
    expect(fieldError(dup.body, 'outlet-name')).toContain('is already the outlet Northside Echo');
    const noOutlet = await officer.post('/desk/outlets/spellings', { spelling: 'echo', outlet: '' });
    expect(noOutlet.status).toBe(422);
    expect(fieldError(noOutlet.body, 'merge-outlet')).toBe('Choose the outlet it names');
  });
});

describe('privacy', () => {
  it('erasure of a journalist with a record leaves nothing: the record, and every enquiry’s copy', async () => {
    const id = await addRecord({
      name: 'Zara Erasable',
      outlets: 'Zed Weekly',
      phones: '07911 120050\n07911 120051',
      emails: 'zara@zedweekly.example',
      flags: ['auditor'],
    });
    await officer.post(`/desk/journalists/${id}/notes`, { note: 'Zara asked about Quarry Lane twice.' });
    const { reference: open } = await apiEnquiry(h, {
      name: 'Zara Erasable',
      outlet: 'Zed Weekly',
      email: 'zara@zedweekly.example',
      subject: 'Quarry Lane',
    });
    await h.sms('+447911120051', 'Zara again: any update on Quarry Lane?');
    await h.jobs.settle();

    // Officers cannot erase; the manager confirms first.
    expect((await officer.get(`/desk/journalists/${id}/erase`)).status).toBe(403);
    expect((await officer.post(`/desk/journalists/${id}/erase`, { confirm: 'yes' })).status).toBe(403);
    const confirm = text((await manager.get(`/desk/journalists/${id}/erase`)).body);
    expect(confirm).toContain('Erase Zara Erasable?');
    expect(confirm).toContain('2 of their enquiries are still open');
    expect((await manager.post(`/desk/journalists/${id}/erase`, {})).status).toBe(422);
    const res = await manager.post(`/desk/journalists/${id}/erase`, { confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk/journalists?done=erased');

    expect(
      await findAnywhere(h.database.db, [
        'Zara Erasable',
        'zara@zedweekly',
        '+447911120050',
        '+447911120051',
        '7911 120051',
        'Quarry Lane',
      ]),
    ).toEqual([]);
    expect(await h.database.db.selectFrom('journalist').select('id').where('id', '=', id).execute()).toEqual([]);
    expect(await enquiryRow(open)).toMatchObject({ status: 'erased' });
    expect((await officer.get(`/desk/journalists/${id}`)).status).toBe(404);
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'journalist.record_erased')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('an erasure request for one of a record’s numbers erases the record and its other contacts’ enquiries too', async () => {
    await addRecord({ name: 'Quinn Request', phones: '07911 120060', emails: 'quinn@request.example' });
    const { reference } = await apiEnquiry(h, { name: 'Quinn Request', email: 'quinn@request.example' });
    await h.services.privacy.erase({ phone: '+447911120060', email: null }, SYSTEM);
    expect(await findAnywhere(h.database.db, ['Quinn Request', 'quinn@request', '+447911120060'])).toEqual([]);
    expect((await enquiryRow(reference)).erased_at).not.toBeNull();
  });

  it('a subject access export includes the record', async () => {
    const id = await addRecord({
      name: 'Sian Access',
      outlets: 'Access Weekly',
      phones: '07911 120070',
      emails: 'sian@access.example',
      pressCardCheckedOn: '2026-12-01',
    });
    await officer.post(`/desk/journalists/${id}/notes`, { note: 'Met at the open day.' });
    const { reference } = await apiEnquiry(h, { name: 'Sian Access', email: 'sian@access.example' });
    const res = await manager.get('/desk/privacy/export.json?phone=07911%20120070');
    expect(res.status).toBe(200);
    const data = JSON.parse(res.body);
    expect(data.journalistRecords).toEqual([
      expect.objectContaining({
        name: 'Sian Access',
        phones: ['+447911120070'],
        emails: ['sian@access.example'],
        outlets: ['Access Weekly'],
        pressCardCheckedOn: '2026-12-01',
        notes: [expect.objectContaining({ text: 'Met at the open day.', writtenBy: OFFICER.email })],
      }),
    ]);
    // The enquiry from the record's email is in it, though the request named the phone.
    expect(data.enquiries.map((e: { reference: string }) => e.reference)).toContain(reference);
  });

  it('retention deletes a record with no enquiry of theirs left and no change for the retention period', async () => {
    const idle = await addRecord({ name: 'Ivy Idle', phones: '07911 120080' });
    const busy = await addRecord({ name: 'Bo Busy', phones: '07911 120081' });
    await apiEnquiry(h, { name: 'Bo Busy', phone: '07911 120081' });
    // Thirteen months on: Ivy's record is idle; Bo's enquiry is still open, so it still holds data.
    h.clock.set('2028-01-05T10:00:00Z');
    await h.services.privacy.sweep();
    const left = await h.database.db.selectFrom('journalist').select('id').where('id', 'in', [idle, busy]).execute();
    expect(left.map((r) => r.id)).toEqual([busy]);
  });
});
