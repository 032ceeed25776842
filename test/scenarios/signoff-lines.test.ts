/**
 * Issue 26, item 3, for an incident's lines: with `statements.signOff: incident`, a holding line
 * goes to journalists only once its exact words are signed off. The incident's approver is offered
 * first; the approver edits or approves on their link or by text; an unapproved line is neither
 * sent by the desk (unless a manager gives a reason) nor sent automatically to a newly linked
 * enquiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Tuesday 8 December 2026, 10:00 in London (GMT).
const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const SIO = '+447911200001';
const JOURNALIST = '+447911123456';
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const TEST = { userId: null, email: 'test' };
const LINK = /https:\/\/press\.example\.org(\/s\/[A-Za-z0-9_-]{22})/;
const LINE = 'We are aware of a cordon on Market Street and will say more at 12:00.';

let h: Harness;
afterEach(async () => h?.close());

const text = (html: string) => decodeEntities(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

async function start(signOff: 'incident' | 'urgent', config: Record<string, unknown> = {}) {
  h = await startHarness({
    now: TUESDAY_10AM,
    jobs: true,
    config: { intake: { rateLimit: null }, statements: { signOff }, ...config },
  });
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const now = h.clock.now();
  const colleague = (name: string, role: string, mobile: string) =>
    h.database.db
      .insertInto('colleague')
      .values({ name, role, mobile, email: null, usual_hours: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
  await colleague('Insp Amber', 'Duty inspector', '+447911200002');
  const { id: sio } = await colleague('Det Supt Grey', 'SIO', SIO);
  const incident = await h.services.incidents.declare(
    { name: 'Market St cordon', terms: 'cordon' },
    { kind: 'staff', actor: TEST },
  );
  const base = `/desk/incidents/${incident.id}`;
  // A manager names the SIO as the incident's approver.
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  expect((await mona.post(`${base}/approver`, { approver: sio })).status).toBe(303);
  const reference = await enquiry(JOURNALIST);
  const otto = await loginAs(h, OFFICER.email, OFFICER.password);
  expect((await otto.post(`${base}/lines`, { kind: 'holding', text: LINE })).status).toBe(303);
  const lineId = (await h.database.db.selectFrom('incident_line').select('id').executeTakeFirstOrThrow()).id;
  return { sio, base, lineId, otto, reference };
}

/** An enquiry about the cordon by the JSON API (linked to the incident at intake). */
async function enquiry(phone: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject: 'Police cordon in Market Street',
    details: 'What is happening at the cordon?',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function textsTo(to: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === to).map((m) => m.body ?? '');
}

/** Sends the line for sign-off to `approvers` by text from the incident page. */
function askToSignOff(client: DeskClient, base: string, lineId: string, approvers: string[]) {
  return client.post(`${base}/lines/${lineId}/signoff`, { approvers, via: 'sms' });
}

describe('sign-off of an incident’s holding line (statements.signOff: incident)', () => {
  it('is refused until signed off; the incident’s approver is offered first, edits on their link, and the approved words go', async () => {
    const { sio, base, lineId, otto, reference } = await start('incident');

    const page = text((await otto.get(base)).body);
    expect(page).toContain('Signs off Det Supt Grey, SIO: offered first');
    expect(page).toContain('Needs sign-off before it is sent.');
    // A linked enquiry's response is offered to the same approver.
    const enquiryPage = (await otto.get(`/desk/enquiries/${reference}`)).body;
    const ticked = [...enquiryPage.matchAll(/id="approver-(\d+)"[^>]*checked/g)].map((m) => m[1]);
    expect(ticked).toEqual([sio]);
    expect(page).toContain('Det Supt Grey, SIO (the incident’s approver)');
    const html = (await otto.get(base)).body;
    expect(html).toMatch(new RegExp(`value="${sio}"[^>]*checked`));

    // Pressing send anyway (an old tab): refused, nothing sent.
    const early = await otto.post(`${base}/lines/${lineId}/send`);
    expect(early.status).toBe(422);
    expect(text(early.body)).toContain(
      'This line needs sign-off before it goes to journalists: send it for sign-off on the incident page.',
    );
    await h.jobs.settle();
    expect(await textsTo(JOURNALIST)).not.toContain(LINE);

    // Asking nobody is refused, naming the field.
    const nobody = await askToSignOff(otto, base, lineId, []);
    expect(nobody.status).toBe(422);
    expect(fieldError(nobody.body, 'line-signoff-approvers')).toBe('Choose who signs it off');

    expect((await askToSignOff(otto, base, lineId, [sio])).status).toBe(303);
    const [ask] = await textsTo(SIO);
    expect(ask).toContain('please sign off our holding line on “Market St cordon” before it goes to journalists.');
    expect(text((await otto.get(base)).body)).toContain(
      'Awaiting sign-off since Tue 8 Dec 10:00: Det Supt Grey (SIO), waiting.',
    );

    // The SIO edits the words on their link: the edited words become the line.
    const link = LINK.exec(ask)![1];
    const approverPage = decodeEntities(await (await h.app.request(link)).text());
    expect(approverPage).toContain('Sign off a holding line');
    expect(approverPage).toContain(LINE);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(approverPage)![1];
    const edited = 'Officers are at a cordon on Market Street. We will say more at 12:00.';
    expect((await h.postForm(`${link}/edit`, { _csrf: csrf, text: edited })).status).toBe(303);
    const line = await h.database.db.selectFrom('incident_line').select('text').executeTakeFirstOrThrow();
    expect(line.text).toBe(edited);
    expect(text((await otto.get(base)).body)).toContain('Signed off by Det Supt Grey (SIO) at Tue 8 Dec 10:00.');

    expect((await otto.post(`${base}/lines/${lineId}/send`)).status).toBe(303);
    expect(await textsTo(JOURNALIST)).toContain(edited);
  });

  it('is approved by text; an unapproved line is not sent automatically to a new arrival, an approved one is', async () => {
    const { sio, base, lineId, otto } = await start('incident', { incidents: { autoSendHoldingLine: true } });
    const LATE = '+447911123457';
    await enquiry(LATE);
    expect(await textsTo(LATE)).not.toContain(LINE);

    await askToSignOff(otto, base, lineId, [sio]);
    const code = /APPROVE (\d{4})/.exec((await textsTo(SIO))[0])![1];
    expect(await (await h.sms(SIO, `APPROVE ${code}`)).text()).toContain(
      'you approved our holding line on “Market St cordon”',
    );
    const LATER = '+447911123458';
    await enquiry(LATER);
    expect(await textsTo(LATER)).toContain(LINE);
  });

  it('a manager may send an unapproved line with a reason, which the audit log keeps; an officer may not', async () => {
    const { base, lineId, otto } = await start('incident');
    const refused = await otto.post(`${base}/lines/${lineId}/send`, { override: 'Urgent public safety' });
    expect(refused.status).toBe(422);
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const preview = text((await mona.get(`${base}/lines/${lineId}/send`)).body);
    expect(preview).toContain('As a manager you may send it without, giving your reason.');
    const noReason = await mona.post(`${base}/lines/${lineId}/send`);
    expect(text(noReason.body)).toContain('or give a reason to send it without.');
    expect((await mona.post(`${base}/lines/${lineId}/send`, { override: 'Public safety: road closed' })).status).toBe(
      303,
    );
    expect(await textsTo(JOURNALIST)).toContain(LINE);
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'detail'])
      .where('action', '=', 'statement.signoff_overridden')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      user_email: MANAGER.email,
      detail: { reason: 'Public safety: road closed', what: 'line', lineId },
    });
  });

  it('lines go as written where only urgent enquiries need sign-off', async () => {
    const { base, lineId, otto } = await start('urgent');
    expect(text((await otto.get(base)).body)).not.toContain('Needs sign-off');
    expect((await otto.post(`${base}/lines/${lineId}/send`)).status).toBe(303);
    expect(await textsTo(JOURNALIST)).toContain(LINE);
  });
});
