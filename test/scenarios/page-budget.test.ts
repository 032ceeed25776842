/**
 * Every channel counts against the page budget (issue 22, item 4): `intake.pageRateLimit` holds
 * back an urgent email (new, or a reply that makes its enquiry urgent), a deadline moved on the
 * status page, a text, and "press 1" on the phone line out of hours, each counted by what
 * identifies its sender there. Past the budget the enquiry is stored and urgent but not paged,
 * as the web form does, and the desk and the morning digest see why.
 */
import type Mail from 'nodemailer/lib/mailer';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/email-parse.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { composeTo, newId } from '../support/mail.js';

// Wednesday 2 December 2026, 22:00 in London: closed until Thursday 09:00.
const WEDNESDAY_10PM = '2026-12-02T22:00:00Z';
// Thursday 3 December 2026, 09:00: the office opens.
const THURSDAY_9AM = '2026-12-03T09:00:00Z';
const ON_CALL = { name: 'Kim Lee', phone: '+447911200001' };
const OFFICE = 'Press Office <press.office@press.example.org>';
const VOICE_URL = `${PUBLIC_BASE_URL}/twilio/voice`;
const JOURNALIST_PHONE = '+447911123401';
const ONE_PAGE = { points: 1, durationSeconds: 3600 };

let h: Harness;
let uid = 0;
afterEach(async () => h?.close());

async function start(config: Record<string, unknown> = {}) {
  h = await startHarness({
    now: WEDNESDAY_10PM,
    config: { onCall: { bundleSeconds: 0 }, intake: { pageRateLimit: ONE_PAGE }, ...config },
  });
  await h.services.rota.addPerson(ON_CALL);
  await h.services.rota.addShift({
    phone: ON_CALL.phone,
    role: 'primary',
    startsAt: new Date('2026-11-01T00:00:00Z'),
    endsAt: new Date('2027-01-31T09:00:00Z'),
    createdBy: 'test',
  });
}

/** An email arrives in the shared mailbox and is taken by intake; returns its enquiry's id. */
async function email(opts: Mail.Options & { messageId: string }): Promise<string> {
  const mail = await parseEmail(await composeTo(OFFICE, opts), {
    maxAttachmentBytes: 1_000_000,
    maxMessageBytes: 10_000_000,
  });
  uid += 1;
  const r = await h.services.emailIntake.receive({ mailbox: 'INBOX', uidValidity: '1', uid }, mail);
  return r.enquiryId!;
}

async function enquiry(id: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function byReference(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

/** Whether the enquiry has a page (the on-call phone was or will be rung about it). */
async function paged(id: string): Promise<boolean> {
  return Boolean(await h.database.db.selectFrom('page').select('id').where('enquiry_id', '=', id).executeTakeFirst());
}

/** Why the enquiry was not paged, as its timeline says ([] when nothing was withheld). */
async function withheld(id: string): Promise<unknown[]> {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .select('data')
    .where('enquiry_id', '=', id)
    .where('kind', '=', 'page_withheld')
    .execute();
  return rows.map((r) => r.data);
}

describe('email', () => {
  it('a second urgent email from the same address (any case, any +tag) is stored urgent but not paged; another sender still pages', async () => {
    await start();
    const first = await email({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'URGENT: fire at the depot',
      text: 'Casualties?',
      messageId: newId('b1'),
    });
    const second = await email({
      from: 'Ann Reporter <ANN+night@Gazette.example>',
      subject: 'URGENT: road closures',
      text: 'Which roads?',
      messageId: newId('b2'),
    });
    const other = await email({
      from: 'Bo Writer <bo@herald.example>',
      subject: 'URGENT: evacuation',
      text: 'How many homes?',
      messageId: newId('b3'),
    });

    expect(await paged(first)).toBe(true);
    expect(await enquiry(second)).toMatchObject({ urgent: true, needs_on_call: true, out_of_hours: true });
    expect(await paged(second)).toBe(false);
    expect(await withheld(second)).toEqual([{ reason: 'page_limit' }]);
    expect(await paged(other)).toBe(true);
    // The closing-time handover leaves the held-back one alone, as it does for the form's.
    expect(await h.services.paging.handOverAtClosing()).toBe(0);
  });

  it('a reply that makes its enquiry urgent spends from the same budget', async () => {
    await start();
    const calmId = newId('calm');
    const calm = await email({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'Budget figures',
      text: 'No rush.',
      messageId: calmId,
    });
    const urgent = await email({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'URGENT: fire at the depot',
      text: 'Casualties?',
      messageId: newId('u'),
    });
    expect(await paged(urgent)).toBe(true);

    await email({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'Re: Budget figures - now URGENT',
      text: 'It is urgent now.',
      messageId: newId('up'),
      inReplyTo: calmId,
    });
    expect(await enquiry(calm)).toMatchObject({ urgent: true, needs_on_call: true });
    expect(await paged(calm)).toBe(false);
    expect(await withheld(calm)).toEqual([{ reason: 'page_limit' }]);
  });

  it('the morning digest lists the enquiry held back, saying why it was not paged', async () => {
    await start();
    await email({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'URGENT: fire at the depot',
      text: 'Casualties?',
      messageId: newId('d1'),
    });
    const held = await enquiry(
      await email({
        from: 'Ann Reporter <ann@gazette.example>',
        subject: 'URGENT: road closures',
        text: 'Which roads?',
        messageId: newId('d2'),
      }),
    );
    h.clock.set(THURSDAY_9AM);
    const id = await h.services.digest.generateIfDue();
    const digest = await h.database.db
      .selectFrom('handover_digest')
      .select('summary')
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    const item = (
      digest.summary as { items: Array<{ reference: string; urgent: boolean; page: unknown; overnight: string[] }> }
    ).items.find((i) => i.reference === held.reference);
    expect(item).toMatchObject({
      urgent: true,
      page: null,
      overnight: ["Wed 2 Dec 22:00 not paged (sender's page limit reached)"],
    });
  });
});

describe('the status page', () => {
  it('a deadline moved out of hours spends from the journalist’s budget, shared with their email', async () => {
    await start();
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      email: 'ann@gazette.example',
      subject: 'Road closures',
      details: 'Which roads are shut?',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { reference: string; statusUrl: string; pagedOnCall: boolean };
    expect(body.pagedOnCall).toBe(false);
    const token = body.statusUrl.split('/status/')[1];

    const urgent = await email({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'URGENT: fire at the depot',
      text: 'Casualties?',
      messageId: newId('s1'),
    });
    expect(await paged(urgent)).toBe(true);

    // 08:00 tomorrow, before the office opens: urgent now, but her budget is spent.
    expect(await h.services.statusPages.changeDeadline(token, '2026-12-03T08:00')).toBe(true);
    const e = await byReference(body.reference);
    expect(e).toMatchObject({ urgent: true, urgent_reason: 'deadline', needs_on_call: true });
    expect(await paged(e.id)).toBe(false);
    expect(await withheld(e.id)).toEqual([{ reason: 'page_limit' }]);
  });

  it('within the budget, a moved deadline still pages', async () => {
    await start();
    const res = await h.postJson('/api/enquiries', {
      name: 'Cy Editor',
      outlet: 'Weekly',
      email: 'cy@weekly.example',
      subject: 'Bridge repairs',
      details: 'When?',
    });
    const body = (await res.json()) as { reference: string; statusUrl: string };
    expect(await h.services.statusPages.changeDeadline(body.statusUrl.split('/status/')[1], '2026-12-03T08:00')).toBe(
      true,
    );
    expect(await paged((await byReference(body.reference)).id)).toBe(true);
  });
});

describe('SMS', () => {
  it('a second urgent text from the same number, as a new enquiry, is not paged past the budget', async () => {
    // A budget longer than the SMS thread window, so the second text starts a new enquiry.
    await start({ intake: { pageRateLimit: { points: 1, durationSeconds: 3 * 86_400 } } });
    await h.sms(JOURNALIST_PHONE, 'URGENT fire at the depot, casualties?');
    h.clock.set('2026-12-03T23:00:00Z');
    await h.sms(JOURNALIST_PHONE, 'URGENT another fire, at the docks');
    const rows = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('phone', '=', JOURNALIST_PHONE)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.urgent, r.needs_on_call])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect([await paged(rows[0].id), await paged(rows[1].id)]).toEqual([true, false]);
    expect(await withheld(rows[1].id)).toEqual([{ reason: 'page_limit' }]);
  });
});

describe('the phone line out of hours', () => {
  it('"press 1" rings the on-call phone once within the budget; the next call from that number leaves a message instead', async () => {
    await start();
    const first = await h.twilio.call({
      from: JOURNALIST_PHONE,
      url: VOICE_URL,
      caller: { digits: ['1'] },
      parties: { [ON_CALL.phone]: { answers: true, digits: ['1'], talkSeconds: 60 } },
    });
    expect(first.dials.map((d) => d.numbers)).toEqual([[ON_CALL.phone]]);

    const second = await h.twilio.call({
      from: JOURNALIST_PHONE,
      url: VOICE_URL,
      caller: { digits: ['1'], message: { seconds: 20, transcript: 'Calling again about the fire.' } },
      parties: { [ON_CALL.phone]: { answers: true, digits: ['1'] } },
    });
    expect(second.error).toBeNull();
    expect(second.dials).toEqual([]);
    expect(second.said.join(' ')).toContain('Your message will be marked urgent for the press office.');
    expect(second.said.join(' ')).not.toContain('passed to the on-call press officer straight away');
  });

  it('a withheld number that presses 1 is asked for a message, which is stored urgent but pages nobody', async () => {
    await start();
    const log = await h.twilio.call({
      from: 'anonymous',
      url: VOICE_URL,
      caller: { digits: ['1'], message: { seconds: 20, transcript: 'Fire at the depot.' } },
      parties: { [ON_CALL.phone]: { answers: true, digits: ['1'] } },
    });
    expect(log.error).toBeNull();
    expect(log.dials).toEqual([]);
    const [e] = await h.database.db.selectFrom('enquiry').selectAll().execute();
    expect(e).toMatchObject({ channel: 'voice', phone: null, urgent: true, needs_on_call: true });
    expect(await paged(e.id)).toBe(false);
    expect(await withheld(e.id)).toEqual([{ reason: 'no_sender' }]);
    // The answer to the message gives the honest next step: nobody is being alerted, ring the line.
    const answer = log.steps.find((s) => s.url.endsWith('/twilio/voice/recording'))!.twiml;
    expect(answer).toContain('the on-call press officer is not being alerted automatically');
  });

  it('with voice.outOfHoursUrgent "message", a withheld number is not promised the on-call officer', async () => {
    await start({ voice: { outOfHoursUrgent: 'message' } });
    const log = await h.twilio.call({
      from: 'anonymous',
      url: VOICE_URL,
      caller: { digits: ['1'], message: { seconds: 20, transcript: 'Fire.' } },
    });
    expect(log.said.join(' ')).toContain('Your message will be marked urgent for the press office.');
    const [e] = await h.database.db.selectFrom('enquiry').selectAll().execute();
    expect(await paged(e.id)).toBe(false);
    expect(await withheld(e.id)).toEqual([{ reason: 'no_sender' }]);
  });
});
