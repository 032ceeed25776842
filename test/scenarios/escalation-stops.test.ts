/**
 * Issue 23, item 1: escalation stops when someone has it. Work by the paged officer (the link's
 * "I have it", a reply, a call, a note, the line recorded; the same by text) acknowledges the page
 * and says so; an enquiry answered, closed or withdrawn stops every step and leaves any bundle not
 * yet sent; the link shows whether escalation is still running.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const FALLBACK = '+443001234567';
const MINUTE = 60_000;
const LINK = new RegExp(`\\nOpen: ${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/[A-Za-z0-9_-]{22})\\n`);
const STATUS_LINK = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}/status/([A-Za-z0-9_-]{22})`);
const DESK = { userId: null, email: 'desk@press.example.org' };

let h: Harness;
afterEach(async () => h?.close());

async function start(bundleSeconds = 0) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds } } });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: BACKUP });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  await h.services.rota.addShift({ phone: BACKUP, role: 'backup', startsAt: from, endsAt: to, createdBy: 'test' });
}

async function urgentEnquiry(n = 1): Promise<{ reference: string; statusToken: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: `+4479111234${String(n).padStart(2, '0')}`,
    subject: 'Fire at the depot',
    details: 'Need a line tonight on how many crews are there.',
    urgent: true,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  return { reference: body.reference, statusToken: STATUS_LINK.exec(body.statusUrl)![1] };
}

function textsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

/** Lets `minutes` pass and runs whatever fell due. */
async function after(minutes: number) {
  h.clock.advance(minutes * MINUTE);
  await h.jobs.settle();
}

/** Opens the on-call link of the first page and reads its form fields. */
async function openLink(): Promise<{ path: string; html: string; fields: Record<string, string> }> {
  const path = LINK.exec(textsTo(ON_CALL)[0].body!)![1];
  const res = await h.app.request(path);
  expect(res.status).toBe(200);
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return { path, html, fields: { _csrf: field('_csrf'), reference: field('reference'), key: field('key') } };
}

async function submit(path: string, fields: Record<string, string>): Promise<string> {
  const res = await h.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  expect(res.status).toBe(303);
  const view = await h.app.request(res.headers.get('location')!);
  return view.text();
}

async function page() {
  return h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
}

/** The escalation panel's sentence on the link's view. */
function escalationText(html: string): string {
  return (
    /<section class="panel escalation[^"]*"[^>]*>\s*<h2[^>]*>Escalation<\/h2>\s*<p>([^<]*)<\/p>/.exec(html)?.[1] ??
    '(no escalation panel)'
  );
}

/** No call to anyone, and nothing to the backup or the out-of-hours line, 10, 20 and 30 minutes on. */
async function nothingEscalates() {
  for (const _ of [10, 20, 30]) {
    await after(10);
    expect(h.twilio.calls.map((c) => c.to)).toEqual([]);
    expect(textsTo(BACKUP)).toEqual([]);
    expect(textsTo(FALLBACK)).toEqual([]);
  }
}

describe('work through the link acknowledges the page', () => {
  it('the walk-through: link opened, reply sent, "Record and mark answered", no ACK: no call, no backup, no fallback', async () => {
    await start();
    const { reference } = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();

    const link = await openLink();
    expect(escalationText(link.html)).toBe(
      'Not yet acknowledged: your phone will ring at Thu 24 Dec 18:10, and the backup will be paged at Thu 24 Dec 18:20.',
    );
    expect(link.html).toContain('I have it');

    const replied = await submit(`${link.path}/reply`, { ...link.fields, reply: 'Calling you in five minutes.' });
    expect(replied).toContain(
      'Your reply is queued: the journalist gets it by SMS from the press office number. The page is acknowledged: escalation stopped.',
    );
    expect(escalationText(replied)).toBe('Escalation stopped: acknowledged by you at Thu 24 Dec 18:00.');
    const answered = await submit(`${link.path}/done`, { ...link.fields, response: 'Four crews attended.' });
    expect(answered).toContain('Response recorded and the enquiry marked answered.');

    expect(await page()).toMatchObject({ status: 'acknowledged', ack_via: 'link', acknowledged_by: 'Olu On-Call' });
    await nothingEscalates();
    expect(
      (
        await h.database.db
          .selectFrom('enquiry')
          .select('status')
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('answered');
  });

  it('"I have it" acknowledges the page and the view says so', async () => {
    await start();
    await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const link = await openLink();
    // Opening it is only reading: the page is still waiting.
    expect((await page()).status).toBe('active');

    const view = await submit(`${link.path}/ack`, link.fields);
    expect(view).toContain('You have it: escalation stopped, nobody else is paged about this enquiry.');
    expect(escalationText(view)).toBe('Escalation stopped: acknowledged by you at Thu 24 Dec 18:00.');
    expect(view).not.toContain('>I have it<');
    expect(await page()).toMatchObject({ status: 'acknowledged', ack_via: 'link' });
    await nothingEscalates();
  });
});

describe('an enquiry that no longer needs an answer stops escalating', () => {
  it('answered from the desk: no call, no backup, no fallback, and the link says why', async () => {
    await start();
    const { reference } = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();

    await h.services.casework.setStatus(reference, 'answered', DESK);
    expect(await h.jobs.pending()).toEqual([]);
    await nothingEscalates();
    expect(escalationText((await openLink()).html)).toBe('Escalation stopped: the enquiry is answered.');
  });

  it('closed by a way that cancels no job: the step itself sees it at send time and sends nothing', async () => {
    await start();
    const { reference } = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();

    await sql`UPDATE enquiry SET status = 'closed' WHERE reference = ${reference}`.execute(h.database.db);
    await nothingEscalates();
  });
});

describe('a bundle not yet sent', () => {
  it('leaves out an enquiry the journalist withdrew 35 seconds before the window ended', async () => {
    await start(120);
    await urgentEnquiry(1); // 18:00:00, sent at once; the phone's window runs to 18:02:00
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(30_000);
    const withdrawn = await urgentEnquiry(2);
    const kept = await urgentEnquiry(3);
    await h.jobs.settle();
    expect(textsTo(ON_CALL)).toHaveLength(1);

    h.clock.advance(55_000); // 18:01:25, 35 s before the bundle goes
    expect(await h.services.statusPages.withdraw(withdrawn.statusToken, 'We dropped the story')).toBe(true);
    h.clock.advance(35_000);
    await h.jobs.settle();

    const texts = textsTo(ON_CALL);
    expect(texts).toHaveLength(2);
    expect(texts[1].body).toContain(kept.reference);
    expect(texts[1].body).not.toContain(withdrawn.reference);
  });

  it('of only withdrawn enquiries sends nothing, even when their status changed without cancelling anything', async () => {
    await start(120);
    await urgentEnquiry(1);
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(30_000);
    const withdrawn = await urgentEnquiry(2);
    await h.jobs.settle();

    h.clock.advance(55_000);
    await sql`UPDATE enquiry SET status = 'withdrawn' WHERE reference = ${withdrawn.reference}`.execute(h.database.db);
    h.clock.advance(35_000);
    await h.jobs.settle();

    expect(textsTo(ON_CALL)).toHaveLength(1);
    expect(h.twilio.calls).toEqual([]);
  });
});

describe('work by text acknowledges the page', () => {
  it('NOTE from the on-call phone acknowledges, and the reply says so', async () => {
    await start();
    const { reference } = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();

    const res = await h.sms(ON_CALL, `NOTE ${reference} Spoke to the fire service`);
    expect(await res.text()).toContain(
      `Press Desk: note added to ${reference}. Page acknowledged: escalation stopped.`,
    );
    expect(await page()).toMatchObject({ status: 'acknowledged', ack_via: 'sms' });
    await nothingEscalates();
  });

  it('INFO is reading, not having it: the page still escalates', async () => {
    await start();
    const { reference } = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();

    expect(await (await h.sms(ON_CALL, `INFO ${reference}`)).text()).not.toContain('acknowledged');
    expect((await page()).status).toBe('active');
    await after(10);
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL]);
  });
});
