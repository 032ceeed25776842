import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { nightRota } from '../support/rota.js';
import { eventsOf, kindsOf } from '../support/timeline.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
// The shipped onCall.fallbackNumber: an 03 number, which cannot take texts (pages to it are calls).
const FALLBACK = '+443001234567';
const MOBILE_FALLBACK = '+447911250099';
const JOURNALIST = '+447911123401';
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(opts: { now?: string; config?: Record<string, unknown>; rota?: boolean } = {}) {
  h = await startHarness({
    now: opts.now ?? CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0, ...(opts.config ?? {}) } },
  });
  if (opts.rota !== false) await nightRota(h, { primary: ON_CALL, backup: BACKUP });
  return h;
}

async function urgentEnquiry(extra: Record<string, unknown> = {}) {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.json() as Promise<{ reference: string; pagedOnCall: boolean; nextStep: string }>;
}

function smsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

async function timeline(reference: string): Promise<string[]> {
  return kindsOf(h.database.db, reference);
}

/** The (only) page step with the delivery record of the outbound row that carried it. */
async function pageStepWithDelivery() {
  return h.database.db
    .selectFrom('page_step')
    .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
    .select(['page_step.state', 'outbound_message.provider_sid', 'outbound_message.provider_status'])
    .executeTakeFirstOrThrow();
}

/** An urgent enquiry whose page SMS nobody acknowledges until the first call rings. */
async function unansweredUntilFirstCall() {
  await start();
  await urgentEnquiry();
  await h.twilio.waitForMessages(1);
  await h.jobs.settle();
  h.clock.advance(10 * MINUTE);
  const [call] = await h.twilio.waitForCalls(1);
  await h.jobs.settle();
  return call;
}

function twimlText(xml: string): string {
  return (/<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? '').replace(/&amp;/g, '&');
}

describe('an urgent enquiry out of hours', () => {
  it('pages the person on the rota with the reference, outlet, journalist, deadline, subject and how to acknowledge', async () => {
    await start();
    const receipt = await urgentEnquiry({ deadline: '2026-12-24T21:30' });
    expect(receipt.pagedOnCall).toBe(true);
    expect(receipt.nextStep).toMatch(/on-call press officer is being alerted now/);
    const [sms] = await h.twilio.waitForMessages(1);
    expect(sms.to).toBe(ON_CALL);
    expect(sms.from).toBe('+447700100200');
    expect(sms.body).toContain(receipt.reference);
    expect(sms.body).toContain('Evening Gazette');
    expect(sms.body).toContain('Ann Reporter');
    // As the officer dials it (issue 23), not as stored.
    expect(sms.body).toContain('07911 123401');
    expect(sms.body).toContain('Deadline Thu 24 Dec 21:30');
    expect(sms.body).toContain('Fire at the depot');
    expect(sms.body).toMatch(/Reply ACK \d{4}/);
    expect(sms.statusCallback).toBe('https://press.example.org/twilio/status');
    await h.jobs.settle();
    expect(await timeline(receipt.reference)).toEqual(['received', 'page_created', 'page_sms_sent']);
  });

  it('pages the fallback number when nobody is on the rota: a call, since the shipped 03 number cannot take texts', async () => {
    await start({ rota: false });
    await urgentEnquiry();
    const [call] = await h.twilio.waitForCalls(1);
    expect(call.to).toBe(FALLBACK);
    await h.jobs.settle();
    expect(h.twilio.messages).toEqual([]);
  });

  it('texts a fallback number that is a mobile when nobody is on the rota', async () => {
    await start({ rota: false, config: { fallbackNumber: MOBILE_FALLBACK } });
    await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    expect(sms.to).toBe(MOBILE_FALLBACK);
    await h.jobs.settle();
    expect(h.twilio.calls).toEqual([]);
  });

  it('trims a long subject so the page fits two SMS segments', async () => {
    await start();
    await urgentEnquiry({ subject: 'Very long subject '.repeat(11).trim() });
    const [sms] = await h.twilio.waitForMessages(1);
    expect(sms.body!.length).toBeLessThanOrEqual(306);
    // Cut with "..." (a GSM text stays GSM: "…" would make it UCS-2, five segments).
    expect(sms.body).toMatch(/\.\.\.\s/);
    expect(sms.body).toMatch(/Reply ACK \d{4} to acknowledge\.$/);
  });

  it('stops escalation when the on-call officer replies ACK, and tells the journalist once', async () => {
    await start();
    const receipt = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const reply = await h.sms(ON_CALL, 'ack');
    expect(twimlText(await reply.text())).toContain(`acknowledged ${receipt.reference}`);
    await h.jobs.settle();
    expect(smsTo(JOURNALIST)).toHaveLength(1);
    expect(smsTo(JOURNALIST)[0].body).toContain(`we have your urgent enquiry ${receipt.reference}`);
    // Nothing more, however long we wait.
    h.clock.advance(60 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);
    expect(smsTo(ON_CALL)).toHaveLength(1);
    expect(await h.jobs.pending()).toEqual([]);
    const page = await h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    expect(page).toMatchObject({ status: 'acknowledged', acknowledged_by: ON_CALL, ack_via: 'sms' });
    expect(await timeline(receipt.reference)).toContain('acknowledged');
  });

  it('acknowledges by short code or reference', async () => {
    await start();
    const a = await urgentEnquiry({ subject: 'First' });
    const b = await urgentEnquiry({ subject: 'Second', phone: '+447911123402' });
    await h.twilio.waitForMessages(2);
    await h.jobs.settle(); // the sends are recorded (an ACK cannot arrive before a human read the text)
    const code = /ACK (\d{4})/.exec(smsTo(ON_CALL).find((m) => m.body!.includes(a.reference))!.body!)![1];
    expect(twimlText(await (await h.sms(ON_CALL, `ACK ${code}`)).text())).toContain(a.reference);
    expect(twimlText(await (await h.sms(ON_CALL, `ack ${b.reference.toLowerCase()}`)).text())).toContain(b.reference);
    const pages = await h.database.db.selectFrom('page').select('status').execute();
    expect(pages.map((p) => p.status)).toEqual(['acknowledged', 'acknowledged']);
  });

  it('without an ACK, rings the same person after the timeout, then pages the next contact, then the fallback line', async () => {
    await start();
    const receipt = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(9 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);

    h.clock.advance(1 * MINUTE);
    const [call] = await h.twilio.waitForCalls(1);
    expect(call.to).toBe(ON_CALL);
    expect(call.twiml).toContain('Press 1 to acknowledge');
    expect(call.twiml).toContain('Evening Gazette');
    await h.jobs.settle();

    h.clock.advance(10 * MINUTE);
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    expect(smsTo(BACKUP)).toHaveLength(1);
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL, BACKUP]);

    h.clock.advance(10 * MINUTE);
    await h.twilio.waitForCalls(3);
    await h.jobs.settle();
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL, BACKUP, FALLBACK]);
    expect(smsTo(FALLBACK)).toEqual([]);

    h.clock.advance(10 * MINUTE);
    await h.jobs.settle();
    const page = await h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    expect(page.status).toBe('exhausted');
    expect(await timeline(receipt.reference)).toEqual(expect.arrayContaining(['page_call_placed', 'page_exhausted']));
  });

  it('does not page the same phone twice when the on-call officer is also the backup: the next-contact step is skipped for the fallback line', async () => {
    await start({ rota: false });
    const from = new Date('2026-12-01T00:00:00Z');
    const to = new Date('2027-01-05T09:00:00Z');
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
    await h.services.rota.addShift({ phone: ON_CALL, role: 'backup', startsAt: from, endsAt: to, createdBy: 'test' });
    const receipt = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(10 * MINUTE);
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    h.clock.advance(10 * MINUTE);
    // The next contact is the same phone: skipped, and the fallback line is paged at once.
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL, FALLBACK]);
    expect(smsTo(ON_CALL)).toHaveLength(1);
    expect(smsTo(FALLBACK)).toEqual([]);
    expect(await timeline(receipt.reference)).toContain('page_step_skipped');
  });

  it('acknowledges when the on-call officer presses 1 on the call', async () => {
    const call = await unansweredUntilFirstCall();
    const gatherUrl = /action="([^"]+)"/.exec(call.twiml!)![1].replace(/&amp;/g, '&');
    const res = await h.webhook(gatherUrl.replace('https://press.example.org', ''), {
      CallSid: call.sid,
      Digits: '1',
      To: ON_CALL,
      From: '+447700100200',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Acknowledged');
    h.clock.advance(30 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(1);
    const page = await h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    expect(page).toMatchObject({ status: 'acknowledged', ack_via: 'voice' });
  });

  it('escalates at once when the page SMS is not delivered', async () => {
    await start();
    await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await h.twilio.sendStatusCallback(sms, 'undelivered')).toBe(204);
    const [call] = await h.twilio.waitForCalls(1);
    expect(call.to).toBe(ON_CALL);
    // No clock advance was needed.
  });

  it('escalates at once when the call is not answered', async () => {
    const call = await unansweredUntilFirstCall();
    expect(await h.twilio.sendStatusCallback(call, 'no-answer')).toBe(204);
    await h.twilio.waitForCalls(2);
    expect(smsTo(BACKUP)).toHaveLength(1);
  });

  it('escalates at once when the page SMS is reported failed', async () => {
    await start();
    await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await h.twilio.sendStatusCallback(sms, 'failed')).toBe(204);
    const [call] = await h.twilio.waitForCalls(1);
    expect(call.to).toBe(ON_CALL);
  });

  it.each(['busy', 'failed', 'canceled'])('escalates at once when the page call ends %s', async (status) => {
    const call = await unansweredUntilFirstCall();
    expect(await h.twilio.sendStatusCallback(call, status)).toBe(204);
    await h.twilio.waitForCalls(2);
    expect(smsTo(BACKUP)).toHaveLength(1);
  });

  it('a page\'s delivery status never moves backwards: a late "sent" after "delivered" leaves it delivered', async () => {
    await start();
    const receipt = await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await h.twilio.sendStatusCallback(sms, 'delivered')).toBe(204);
    expect(await h.twilio.sendStatusCallback(sms, 'sent')).toBe(204);
    expect(await pageStepWithDelivery()).toMatchObject({ provider_sid: sms.sid, provider_status: 'delivered' });
    // Both receipts are on the timeline.
    const receipts = await h.database.db
      .selectFrom('enquiry_event')
      .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
      .select(sql<string>`enquiry_event.data->>'status'`.as('status'))
      .where('enquiry.reference', '=', receipt.reference)
      .where('enquiry_event.kind', '=', 'delivery_receipt')
      .execute();
    expect(receipts.map((r) => r.status).sort()).toEqual(['delivered', 'sent']);
  });

  it('a late "sent" after "undelivered" neither undoes the failure nor the escalation', async () => {
    await start();
    await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await h.twilio.sendStatusCallback(sms, 'undelivered')).toBe(204);
    await h.twilio.waitForCalls(1);
    expect(await h.twilio.sendStatusCallback(sms, 'sent')).toBe(204);
    await h.jobs.settle();
    const sent = await h.database.db
      .selectFrom('outbound_message')
      .select('provider_status')
      .where('provider_sid', '=', sms.sid)
      .executeTakeFirstOrThrow();
    expect(sent.provider_status).toBe('undelivered');
    const page = await h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    expect(page.status).toBe('active');
    expect(h.twilio.calls).toHaveLength(1);
    expect(h.twilio.calls[0].to).toBe(ON_CALL);
  });

  it('retries a Twilio 500 with backoff and delivers exactly one SMS', async () => {
    await start();
    h.twilio.failNext(3, { status: 500 });
    const receipt = await urgentEnquiry();
    for (let i = 0; i < 3; i++) {
      await h.jobs.settle();
      await h.jobs.retryNow();
    }
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(1);
    expect(await timeline(receipt.reference)).toEqual(expect.arrayContaining(['page_delayed', 'page_sms_sent']));
  });

  it('does not send twice when Twilio took the message but the answer timed out', async () => {
    await start();
    h.twilio.delayNext(1, 12_000); // longer than the gateway's 10 s timeout
    await urgentEnquiry();
    await h.twilio.waitForMessages(1, 20_000); // the fake accepts it after the delay
    await h.jobs.settle(20_000);
    await h.jobs.retryNow();
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(1);
    const step = await pageStepWithDelivery();
    expect(step).toMatchObject({ state: 'sent', provider_sid: h.twilio.messages[0].sid });
  }, 40_000);

  it('moves straight to the next step when Twilio refuses the number', async () => {
    await start();
    h.twilio.failNext(1, { status: 400, code: 21211, message: 'Invalid To number' });
    const receipt = await urgentEnquiry();
    const [call] = await h.twilio.waitForCalls(1);
    expect(call.to).toBe(ON_CALL);
    expect(await timeline(receipt.reference)).toEqual(expect.arrayContaining(['page_failed', 'escalated']));
  });

  it('records delivery receipts on the timeline', async () => {
    await start();
    const receipt = await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await h.twilio.sendStatusCallback(sms, 'delivered');
    expect(await timeline(receipt.reference)).toContain('delivery_receipt');
    const step = await pageStepWithDelivery();
    expect(step.provider_status).toBe('delivered');
  });
});

describe('what does not page', () => {
  it('in hours nothing pages, even when urgent', async () => {
    await start({ now: WEDNESDAY_10AM });
    const receipt = await urgentEnquiry();
    expect(receipt.pagedOnCall).toBe(false);
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(0);
  });

  it('a non-urgent enquiry out of hours does not page', async () => {
    await start();
    const receipt = await urgentEnquiry({ urgent: false });
    expect(receipt.pagedOnCall).toBe(false);
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(0);
  });

  it('an ACK from a number that was not paged changes nothing and is refused politely', async () => {
    await start();
    await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const reply = twimlText(await (await h.sms('+447911999999', 'ACK')).text());
    expect(reply).toMatch(/no page to acknowledge/);
    const page = await h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    expect(page.status).toBe('active');
    expect(
      await h.database.db.selectFrom('enquiry').select('id').where('phone', '=', '+447911999999').execute(),
    ).toEqual([]);
    const inbound = await h.database.db
      .selectFrom('sms_inbound')
      .selectAll()
      .where('from_number', '=', '+447911999999')
      .execute();
    expect(inbound).toHaveLength(1);
  });

  it('a journalist whose text merely starts with "Acknowledged" gets an enquiry, not a refusal', async () => {
    await start();
    await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const reply = twimlText(
      await (await h.sms('+447911999988', 'Acknowledged, thanks. Can you also confirm when the A38 reopens?')).text(),
    );
    expect(reply).toMatch(/your enquiry reference is PD-/);
    const stored = await h.database.db
      .selectFrom('enquiry')
      .select(['details', 'channel'])
      .where('phone', '=', '+447911999988')
      .execute();
    expect(stored).toEqual([
      { details: 'Acknowledged, thanks. Can you also confirm when the A38 reopens?', channel: 'sms' },
    ]);
    // The on-call officer's page is untouched.
    expect((await h.database.db.selectFrom('page').select('status').executeTakeFirstOrThrow()).status).toBe('active');
  });
});

describe('at closing time', () => {
  it('hands an urgent enquiry nobody picked up in hours to the on-call officer; one being worked stays with the desk', async () => {
    await start({ now: '2026-12-23T16:55:00Z' }); // Wednesday, five minutes before closing
    const untouched = await urgentEnquiry({ subject: 'Late urgent one', deadline: '2026-12-23T19:00' });
    const taken = await urgentEnquiry({
      subject: 'Being worked',
      deadline: '2026-12-23T19:00',
      phone: '+447911123402',
    });
    expect(untouched.pagedOnCall).toBe(false);
    const officer = await h.services.users.create(
      { email: 'late@press.example', password: 'late-shift-password', name: 'Late Officer', role: 'officer' },
      { userId: null, email: 'test' },
    );
    await h.services.casework.assign(taken.reference, officer.id, { userId: officer.id, email: officer.email });

    expect(await h.services.paging.handOverAtClosing()).toBe(0); // still open
    h.clock.set('2026-12-23T17:05:00Z');
    expect(await h.services.paging.handOverAtClosing()).toBe(1);
    const [sms] = await h.twilio.waitForMessages(1);
    expect(sms.to).toBe(ON_CALL);
    expect(sms.body).toContain(untouched.reference);
    expect(await timeline(untouched.reference)).toContain('handed_to_on_call');
    // The record says it came to need the on-call officer; the one being worked does not.
    const needs = await h.database.db
      .selectFrom('enquiry')
      .select(['reference', 'needs_on_call'])
      .orderBy('reference')
      .execute();
    expect(Object.fromEntries(needs.map((r) => [r.reference, r.needs_on_call]))).toEqual({
      [untouched.reference]: true,
      [taken.reference]: false,
    });
    // Running again changes nothing.
    expect(await h.services.paging.handOverAtClosing()).toBe(0);
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.body!.includes(taken.reference))).toHaveLength(0);
  });
});

describe('storms', () => {
  it('bundles further pages to the same phone within the window into one SMS, and one ACK acknowledges them and the page before', async () => {
    await start({ config: { bundleSeconds: 120 } });
    const first = await urgentEnquiry({ subject: 'First incident' });
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const more = [];
    for (let i = 0; i < 3; i++)
      more.push(await urgentEnquiry({ subject: `Follow-on ${i}`, phone: `+44791112341${i}` }));
    await h.jobs.settle();
    expect(smsTo(ON_CALL)).toHaveLength(1);

    h.clock.advance(2 * MINUTE);
    await h.twilio.waitForMessages(2);
    await h.jobs.settle();
    const bundle = smsTo(ON_CALL)[1].body!;
    expect(bundle).toMatch(/^URGENT: 3 more media enquiries:/);
    for (const r of more) expect(bundle).toContain(r.reference);
    expect(bundle).not.toContain(first.reference);

    // The first page's timer runs from its own SMS: its call comes 10 minutes after it, the bundle's not yet.
    h.clock.advance(8 * MINUTE);
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(1);
    expect(h.twilio.calls[0].twiml).toContain('Evening Gazette');

    // One ACK answers every page the phone was sent (issue 22): the bundle, and the page before it.
    const ackSid = 'SMackall000000000000000000000000001';
    const reply = twimlText(await (await h.sms(ON_CALL, 'ACK', ackSid)).text());
    // Each named with its outlet, all four fitting the reply: none counted as "and N more".
    const listed = /^Press Desk: acknowledged 4 enquiries: (.*)\. Escalation stopped\.$/.exec(reply)?.[1] ?? reply;
    expect(listed.split(', ').sort()).toEqual([first, ...more].map((r) => `${r.reference} (Evening Gazette)`).sort());
    // Every enquiry's record shows the officer's ACK, from their phone.
    for (const r of [first, ...more]) {
      const acks = await eventsOf(h.database.db, r.reference, 'sms_in');
      expect(acks.map((e) => ({ actor: e.actor, data: e.data }))).toEqual([
        { actor: ON_CALL, data: { body: 'ACK', messageSid: ackSid, ack: true } },
      ]);
    }
    const statuses = await h.database.db.selectFrom('page').select('status').execute();
    expect(statuses.map((s) => s.status)).toEqual(['acknowledged', 'acknowledged', 'acknowledged', 'acknowledged']);
    h.clock.advance(30 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(1);
  });
});
