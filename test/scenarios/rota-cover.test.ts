/**
 * Issue 27, item 4: swaps and cover without a manager. An officer asks on the desk for cover of
 * one of their on-call shifts; each colleague who can be on call is texted their own accept link;
 * the first to accept becomes an override on the rota (so the next urgent enquiry pages them),
 * audited with both names, and the requester is texted; the others' links then say it is covered.
 * Nobody accepting `onCall.cover.escalateBeforeMinutes` before the shift tells the managers once.
 * The every-minute watch is called as its cron task would, after moving the clock.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { numbersVerified } from '../support/rota.js';
import { startHarness, type Harness } from '../support/harness.js';
import { coverFor } from '../../src/oncall/cover.service.js';

const SAM = '+447911200001';
const JO = '+447911200002';
const ALEX = '+447911200003';
const DUTY_MANAGER = '+447911300001';
const JOURNALIST = '+447911123401';
const TEST = { userId: null, email: 'test' };
const OFFICER = { name: 'Sam Patel', email: 'sam@press.example', password: 'correct horse battery 2' };
// Monday 7 December 2026, 10:00 (GMT: office time is UTC in December).
const MONDAY_10AM = '2026-12-07T10:00:00Z';
// Sam's weekend on call: Friday 11 December 17:00 to Monday 14 December 09:00.
const FRIDAY_5PM = '2026-12-11T17:00:00Z';
const MONDAY_9AM = '2026-12-14T09:00:00Z';

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({
    now: MONDAY_10AM,
    jobs: true,
    config: {
      desk: { escalationNumbers: [DUTY_MANAGER] },
      onCall: { bundleSeconds: 0, cover: { escalateBeforeMinutes: 240 } },
    },
  });
  await h.services.rota.addPerson({ name: 'Sam Patel', phone: SAM });
  await h.services.rota.addPerson({ name: 'Jo Smith', phone: JO });
  await h.services.rota.addPerson({ name: 'Alex Brown', phone: ALEX });
  await numbersVerified(h.database.db);
  await h.services.rota.addShift({
    phone: SAM,
    role: 'primary',
    startsAt: new Date(FRIDAY_5PM),
    endsAt: new Date(MONDAY_9AM),
    createdBy: 'test',
  });
  const sam = await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  await h.services.db.updateTable('app_user').set({ mobile: SAM }).where('id', '=', sam.id).execute();
}

function textsTo(phone: string): string[] {
  return h.twilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');
}

/** The accept link's token in the last text to `phone`. */
function linkTokenOf(phone: string): string {
  const m = /\/cover\/([A-Za-z0-9_-]{22})\b/.exec(textsTo(phone).at(-1) ?? '');
  expect(m, `a cover link texted to ${phone}`).toBeTruthy();
  return m?.[1] ?? '';
}

async function open(token: string): Promise<{ status: number; text: string; csrf: string }> {
  const res = await h.app.request(`/cover/${token}`);
  const html = await res.text();
  return {
    status: res.status,
    text: decodeEntities(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')),
    csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
  };
}

/** Opens the link and presses Accept, as the colleague's phone would. */
async function accept(token: string): Promise<Response> {
  const page = await open(token);
  return h.postForm(`/cover/${token}/accept`, { _csrf: page.csrf });
}

/** Sam, signed in, asks for cover of the whole weekend from the desk's cover page. */
async function askForCover(): Promise<DeskClient> {
  const sam = await loginAs(h, OFFICER.email, OFFICER.password);
  const page = decodeEntities((await sam.get('/desk/cover')).body);
  expect(page).toContain('On call: Fri 11 Dec 17:00 to Mon 14 Dec 09:00');
  const res = await sam.post('/desk/cover', {
    role: 'primary',
    shift: `primary-${Date.parse(FRIDAY_5PM)}`,
    from: '2026-12-11T17:00',
    to: '2026-12-14T09:00',
    note: 'Family wedding',
  });
  expect(res.status, res.body.slice(0, 500)).toBe(303);
  await h.jobs.settle();
  return sam;
}

async function urgentEnquiry() {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return res.json() as Promise<{ reference: string }>;
}

describe('cover without a manager', () => {
  it('the second colleague to be asked accepts: the next urgent enquiry pages them, and the first colleague’s link says it is covered', async () => {
    await start();
    await askForCover();
    expect(textsTo(JO)).toEqual([
      expect.stringMatching(
        /^Press Office: Sam Patel asks for cover of their on-call shift from Fri 11 Dec 17:00 to Mon 14 Dec 09:00\. To take it: http\S+\/cover\/[A-Za-z0-9_-]{22}$/,
      ),
    ]);
    expect(textsTo(ALEX)).toHaveLength(1);
    expect(textsTo(SAM)).toEqual([]);
    const joToken = linkTokenOf(JO);
    const alexToken = linkTokenOf(ALEX);
    expect(joToken).not.toBe(alexToken);

    // Jo looks but does not accept yet; the page says who, when, and the note.
    const joView = await open(joToken);
    expect(joView.status).toBe(200);
    expect(joView.text).toContain(
      'Sam Patel asks for someone to be on call for Press Office from Fri 11 Dec 17:00 to Mon 14 Dec 09:00',
    );
    expect(joView.text).toContain('Their note: Family wedding');
    expect(joView.text).toContain('Accept: I will cover it');

    // Tuesday: Alex accepts.
    h.clock.set('2026-12-08T19:30:00Z');
    const res = await accept(alexToken);
    expect(res.status).toBe(303);
    await h.jobs.settle();
    expect((await open(alexToken)).text).toContain('you are on the rota for that time now');
    expect(textsTo(SAM)).toEqual([
      'Press Office: Alex Brown has taken your on-call shift from Fri 11 Dec 17:00 to Mon 14 Dec 09:00. The rota now shows them.',
    ]);

    // Jo's link now says so, and accepting from it changes nothing.
    const after = await open(joToken);
    expect(after.text).toContain('This shift is already covered by Alex Brown.');
    expect(after.text).not.toContain('Accept: I will cover it');
    expect((await h.postForm(`/cover/${joToken}/accept`, { _csrf: joView.csrf })).status).toBe(303);
    expect((await open(joToken)).text).toContain('already covered by Alex Brown');
    const overrides = await h.services.db
      .selectFrom('rota_entry')
      .innerJoin('person', 'person.id', 'rota_entry.person_id')
      .select(['person.name', 'rota_entry.note'])
      .where('is_override', '=', true)
      .execute();
    expect(overrides).toEqual([{ name: 'Alex Brown', note: 'Cover for Sam Patel' }]);

    // The audit log names both.
    const { rows } = await sql<{ action: string; detail: Record<string, unknown> }>`
      SELECT action, detail FROM audit_log WHERE action LIKE 'rota.cover_%' ORDER BY id`.execute(h.services.db);
    expect(rows.map((r) => r.action)).toEqual(['rota.cover_requested', 'rota.cover_accepted']);
    expect(rows[1].detail).toMatchObject({ requester: 'Sam Patel', coveredBy: 'Alex Brown', role: 'primary' });

    // Sam's page shows the request covered; the managers are never told.
    const sam = await loginAs(h, OFFICER.email, OFFICER.password);
    expect(decodeEntities((await sam.get('/desk/cover')).body)).toContain('covered by Alex Brown');
    h.clock.set('2026-12-11T13:00:00Z');
    expect(await coverFor(h.services).escalateDue()).toBe(0);

    // Friday 18:00, out of hours: an urgent enquiry pages Alex, not Sam.
    h.clock.set('2026-12-11T18:00:00Z');
    const { reference } = await urgentEnquiry();
    await h.jobs.settle();
    const pages = h.twilio.messages.filter((m) => (m.body ?? '').includes(reference));
    expect(pages.map((m) => m.to)).toEqual([ALEX]);
  });

  it('tells the managers once, at the right minute, when nobody accepts; the links stop working when the shift starts', async () => {
    await start();
    await askForCover();
    const joToken = linkTokenOf(JO);
    const watchAt = async (at: string) => {
      h.clock.set(at);
      const n = await coverFor(h.services).escalateDue();
      await h.jobs.settle();
      return n;
    };
    // 240 minutes before Friday 17:00 is 13:00.
    expect(await watchAt('2026-12-11T12:59:00Z')).toBe(0);
    expect(textsTo(DUTY_MANAGER)).toEqual([]);
    expect(await watchAt('2026-12-11T13:00:00Z')).toBe(1);
    expect(await watchAt('2026-12-11T13:01:00Z')).toBe(0);
    expect(textsTo(DUTY_MANAGER)).toEqual([
      `Press Office: nobody has taken Sam Patel's on-call shift from Fri 11 Dec 17:00 to Mon 14 Dec 09:00, which they asked colleagues to cover. They stay on the rota unless you change it: ${h.services.config.publicBaseUrl.replace(/\/+$/, '')}/desk/rota`,
    ]);

    // Still open just before the start; from the start the link opens nothing.
    h.clock.set('2026-12-11T16:59:00Z');
    expect((await open(joToken)).status).toBe(200);
    h.clock.set(FRIDAY_5PM);
    expect((await open(joToken)).status).toBe(404);
    expect((await h.postForm(`/cover/${joToken}/accept`, { _csrf: 'x' })).status).toBeGreaterThanOrEqual(403);
    const overrides = await h.services.db
      .selectFrom('rota_entry')
      .select('id')
      .where('is_override', '=', true)
      .execute();
    expect(overrides).toEqual([]);
  });

  it('two colleagues accepting at the same moment give one winner', async () => {
    await start();
    await askForCover();
    const [jo, alex] = [linkTokenOf(JO), linkTokenOf(ALEX)];
    const [a, b] = await Promise.all([open(jo), open(alex)]);
    const results = await Promise.all([
      h.postForm(`/cover/${jo}/accept`, { _csrf: a.csrf }),
      h.postForm(`/cover/${alex}/accept`, { _csrf: b.csrf }),
    ]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const overrides = await h.services.db
      .selectFrom('rota_entry')
      .select('person_id')
      .where('is_override', '=', true)
      .execute();
    expect(overrides).toHaveLength(1);
    await h.jobs.settle();
    expect(textsTo(SAM)).toHaveLength(1);
  });

  it('an unknown or malformed token gets 404', async () => {
    await start();
    expect((await open('AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await open('not-a-token')).status).toBe(404);
    const page = await open('AAAAAAAAAAAAAAAAAAAAAA');
    expect(page.text).toContain('This link no longer works');
  });

  it('a cancelled request cannot be accepted', async () => {
    await start();
    const sam = await askForCover();
    const token = linkTokenOf(JO);
    // Jo opened the link before Sam cancelled, and presses Accept after.
    const { csrf } = await open(token);
    const page = decodeEntities((await sam.get('/desk/cover')).body);
    const id = /action="\/desk\/cover\/(\d+)\/cancel"/.exec(page)?.[1];
    expect(id).toBeTruthy();
    expect((await sam.post(`/desk/cover/${id}/cancel`)).status).toBe(303);
    expect((await open(token)).text).toContain('Sam Patel no longer needs cover for this shift.');
    expect((await h.postForm(`/cover/${token}/accept`, { _csrf: csrf })).status).toBe(303);
    expect((await open(token)).text).toContain('no longer needs cover');
    expect(await h.services.db.selectFrom('rota_entry').select('id').where('is_override', '=', true).execute()).toEqual(
      [],
    );
  });
});
