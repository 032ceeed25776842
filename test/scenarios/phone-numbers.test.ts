/**
 * Issue 22, item 6: numbers Press Desk will text or call. Premium-rate, shared-cost, personal,
 * satellite numbers and numbers outside `twilio.allowedCountries` are refused at the form and API;
 * a text from one is still an enquiry, but nothing is ever sent back to it. The on-call callback
 * rings the journalist only once a person (not a voicemail box) answered the officer's phone, and
 * the bridge has a time limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventKind } from '../../src/enquiries/timeline.js';
import { answeringVerdict } from '../support/callback.js';
import { PUBLIC_BASE_URL, messageSid, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: the office is closed, so urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const JOURNALIST = '+447911123401';
const FRENCH_MOBILE = '+33612345678';
const ACTOR = { userId: null, email: 'test' };

let h: Harness;
afterEach(async () => h?.close());

async function start(config: Record<string, unknown> = {}) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0 }, ...config } });
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({
    phone: ON_CALL,
    role: 'primary',
    startsAt: new Date('2026-12-01T00:00:00Z'),
    endsAt: new Date('2027-01-05T09:00:00Z'),
    createdBy: 'test',
  });
}

const enquiry = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  subject: 'Fire at the depot',
  details: 'Need a line tonight',
};

function twimlText(xml: string): string {
  return (/<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&#39;|&apos;/g, "'");
}

async function text(from: string, body: string): Promise<string> {
  const res = await h.sms(from, body, messageSid());
  expect(res.status).toBe(200);
  return res.text();
}

async function kinds(reference: string): Promise<EventKind[]> {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select('enquiry_event.kind')
    .where('enquiry.reference', '=', reference)
    .orderBy('enquiry_event.id')
    .execute();
  return rows.map((r) => r.kind as EventKind);
}

async function eventData(reference: string, kind: EventKind) {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select('enquiry_event.data')
    .where('enquiry.reference', '=', reference)
    .where('enquiry_event.kind', '=', kind)
    .execute();
  return rows.map((r) => r.data);
}

describe("a journalist's number at the form and API", () => {
  const COSTLY =
    'We cannot call or text premium-rate, shared-cost, personal, pager or VoIP numbers: give a mobile or landline number, or an email address';
  const ABROAD = 'We can only call or text numbers in the United Kingdom: give a number there, or an email address';

  it.each([
    ['premium-rate', '09011 234567', COSTLY],
    ['shared-cost', '0845 123 4567', COSTLY],
    ['personal ("follow me")', '070 1234 5678', COSTLY],
    ['pager', '07640 123456', COSTLY],
    [
      'satellite (Iridium)',
      '+881 6 1234 5678',
      'We cannot call or text satellite numbers: give a mobile or landline number, or an email address',
    ],
    ['foreign (France)', '+33 6 12 34 56 78', ABROAD],
  ])('refuses a %s number with 422 naming the phone field', async (_kind, phone, message) => {
    await start();
    const res = await h.postJson('/api/enquiries', { ...enquiry, email: 'ann@gazette.example', phone });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: { code: 'validation', message: expect.any(String), fields: { phone: message } },
    });
    expect(await h.database.db.selectFrom('enquiry').select('id').execute()).toEqual([]);
  });

  it('re-shows the form with the reason beside the phone field', async () => {
    await start();
    const res = await h.postForm('/enquiries', { ...enquiry, email: 'ann@gazette.example', phone: '09011 234567' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(`<a href="#phone">${COSTLY}</a>`);
    expect(html).toMatch(new RegExp(`id="phone-error"[^>]*>[\\s\\S]*${COSTLY.slice(0, 40)}`));
    expect(html).toContain('value="09011 234567"');
  });

  it("takes UK mobiles and landlines, 03 numbers and the Crown Dependencies' +44 mobiles", async () => {
    await start();
    for (const phone of ['07911 123401', '020 7946 0000', '0300 123 4567', '07781 123456', '07624 123456']) {
      const res = await h.postJson('/api/enquiries', { ...enquiry, phone });
      expect(res.status, phone).toBe(201);
    }
  });

  it('takes a number from a country added to twilio.allowedCountries', async () => {
    await start({ twilio: { allowedCountries: ['GB', 'FR'] } });
    const res = await h.postJson('/api/enquiries', { ...enquiry, phone: '+33 6 12 34 56 78' });
    expect(res.status).toBe(201);
    const refused = await h.postJson('/api/enquiries', { ...enquiry, phone: '+49 1512 3456789' });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({
      phone:
        'We can only call or text numbers in the United Kingdom or France: give a number there, or an email address',
    });
  });
});

describe('a text from a number Press Desk does not text', () => {
  it('is taken and paged, but never answered: no reply, no acknowledgement notice, no status texts, no callback', async () => {
    await start();
    const twiml = await text(FRENCH_MOBILE, 'URGENT: fire at the port, need a line for the 7pm bulletin');
    expect(twiml).not.toContain('<Message>');
    const row = await h.database.db
      .selectFrom('enquiry')
      .select(['reference', 'urgent', 'phone'])
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ urgent: true, phone: FRENCH_MOBILE });

    // The page reaches on-call as for any urgent enquiry.
    const [page] = await h.twilio.waitForMessages(1);
    expect(page.to).toBe(ON_CALL);
    await h.jobs.settle();

    // On-call acknowledges: the journalist is not sent the "acknowledged" notice.
    expect(twimlText(await text(ON_CALL, 'ACK'))).toContain(row.reference);
    await h.jobs.settle();
    // CALL is refused in one sentence, and no call is placed.
    expect(twimlText(await text(ON_CALL, `CALL ${row.reference}`))).toBe(
      `Press Desk: ${row.reference} has a number Press Desk does not call (premium-rate, satellite or abroad): INFO gives the journalist's other contact details.`,
    );
    // Neither on-call nor the desk can text it.
    expect(twimlText(await text(ON_CALL, `REPLY ${row.reference} We are looking into it.`))).toBe(
      'Press Desk: this number does not take texts from Press Desk. Press Desk does not text premium-rate or satellite numbers, or numbers outside the countries it texts: reply by email instead.',
    );
    await expect(h.services.casework.replyBySms(row.reference, 'We are looking into it.', ACTOR)).rejects.toMatchObject(
      {
        code: 'validation',
        details: {
          fields: {
            reply:
              'Press Desk does not text premium-rate or satellite numbers, or numbers outside the countries it texts: reply by email instead',
          },
        },
      },
    );
    // The desk closes it: no status text either.
    await h.services.casework.setStatus(row.reference, 'closed', ACTOR);
    await h.jobs.settle();

    expect(h.twilio.messages.filter((m) => m.to === FRENCH_MOBILE)).toEqual([]);
    expect(h.twilio.calls).toEqual([]);
    expect(await kinds(row.reference)).not.toContain('callback_requested');
    expect(await kinds(row.reference)).not.toContain('reply_queued');
  });

  it('a retried webhook of that text is still not answered', async () => {
    await start();
    const sid = messageSid();
    const first = await h.sms(FRENCH_MOBILE, 'Question about the port closure', sid);
    const again = await h.sms(FRENCH_MOBILE, 'Question about the port closure', sid);
    expect(await first.text()).not.toContain('<Message>');
    expect(await again.text()).not.toContain('<Message>');
    expect(await h.database.db.selectFrom('enquiry').select('id').execute()).toHaveLength(1);
  });
});

describe('a call from a number Press Desk does not text', () => {
  it('leaves a message that becomes an enquiry, and no receipt text follows (a UK mobile gets one)', async () => {
    // Friday 27 November 2026, 19:30: the office is closed; a message for the morning.
    h = await startHarness({ now: '2026-11-27T19:30:00Z', jobs: true });
    const voice = `${PUBLIC_BASE_URL}/twilio/voice`;
    const foreign = await h.twilio.call({
      from: FRENCH_MOBILE,
      url: voice,
      caller: { digits: ['2'], message: { seconds: 20, transcript: 'About the port.' } },
    });
    const uk = await h.twilio.call({
      from: JOURNALIST,
      url: voice,
      caller: { digits: ['2'], message: { seconds: 20, transcript: 'About the vote.' } },
    });
    expect([foreign.error, uk.error]).toEqual([null, null]);
    // Only the caller Press Desk texts is told a text follows.
    const promise = 'We will also send the reference to you by text message.';
    const answer = (log: typeof uk) => log.steps.find((st) => st.url.endsWith('/twilio/voice/recording'))?.twiml ?? '';
    expect(answer(foreign)).toContain('Your message has been passed to the press office.');
    expect(answer(foreign)).not.toContain(promise);
    expect(answer(uk)).toContain(promise);
    await h.jobs.settle();
    const rows = await h.database.db.selectFrom('enquiry').select('phone').orderBy('id').execute();
    expect(rows).toEqual([{ phone: FRENCH_MOBILE }, { phone: JOURNALIST }]);
    expect(h.twilio.messages.map((m) => m.to)).toEqual([JOURNALIST]);
  });
});

describe('the on-call CALL callback', () => {
  async function pagedThenCall(): Promise<string> {
    const res = await h.postJson('/api/enquiries', { ...enquiry, phone: JOURNALIST, urgent: true });
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    // CALL is work on the enquiry: it acknowledges the page too (issue 23).
    expect(twimlText(await text(ON_CALL, 'CALL'))).toBe(
      `Press Desk: ringing you now to connect you to the journalist for ${reference}. Page acknowledged: escalation stopped.`,
    );
    return reference;
  }

  it("asks Twilio for answering-machine detection on the officer's leg, and limits the bridge to onCall.callbackMaxMinutes", async () => {
    await start({ onCall: { bundleSeconds: 0, callbackMaxMinutes: 45 } });
    const reference = await pagedThenCall();
    const [call] = await h.twilio.waitForCalls(1);
    expect(call.to).toBe(ON_CALL);
    expect(call.params).toMatchObject({
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: `${PUBLIC_BASE_URL}/twilio/status`,
    });
    await h.jobs.settle();

    const log = await h.twilio.answerCall(call, {
      answeredBy: 'human',
      parties: { [JOURNALIST]: { answers: true, talkSeconds: 90 } },
    });
    expect(log.dials).toHaveLength(1);
    expect(log.dials[0]).toMatchObject({ numbers: [JOURNALIST], bridged: true, duration: 90 });
    expect(log.dials[0].attributes.timeLimit).toBe('2700');
    expect(await eventData(reference, 'callback_answered')).toEqual([
      { key: expect.stringMatching(/^callback:sms:/), sid: call.sid, answeredBy: 'human' },
    ]);
  });

  it("a voicemail box answering the officer's phone is hung up and the journalist is never rung", async () => {
    await start();
    const reference = await pagedThenCall();
    const [call] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();

    const log = await h.twilio.answerCall(call, {
      answeredBy: 'machine_end_beep',
      parties: { [JOURNALIST]: { answers: true } },
    });
    expect(log.dials).toEqual([]);
    expect(log.parties[JOURNALIST]?.rang ?? false).toBe(false);
    expect(call.endedByApi).toBe(true);
    expect(await eventData(reference, 'callback_answered')).toEqual([
      { key: expect.stringMatching(/^callback:sms:/), sid: call.sid, answeredBy: 'machine_end_beep' },
    ]);
    expect(await kinds(reference)).not.toContain('callback_ended');
  });

  it('the connect step waits for the verdict, then hangs up on a machine without dialling', async () => {
    await start();
    await pagedThenCall();
    await h.jobs.settle();
    const key = (
      await h.database.db
        .selectFrom('outbound_message')
        .select('idempotency_key')
        .where('medium', '=', 'call')
        .executeTakeFirstOrThrow()
    ).idempotency_key;

    // No verdict yet: a one-second pause, then ask again.
    const waiting = await (
      await h.webhook(`/twilio/voice/callback-connect?key=${encodeURIComponent(key)}`, {
        CallSid: 'CA1',
        CallStatus: 'in-progress',
      })
    ).text();
    expect(waiting).toContain('<Pause length="1"/>');
    expect(waiting).toContain(`/twilio/voice/callback-connect?key=${encodeURIComponent(key)}&amp;wait=1</Redirect>`);
    expect(waiting).not.toContain('<Dial');

    const verdict = await answeringVerdict(h, key, 'machine_start', 2100);
    expect(verdict.status).toBe(204);
    const after = await (
      await h.webhook(`/twilio/voice/callback-connect?key=${encodeURIComponent(key)}&wait=1`, {
        CallSid: 'CA1',
        CallStatus: 'in-progress',
      })
    ).text();
    expect(after).toContain('<Hangup/>');
    expect(after).not.toContain('<Dial');
  });
});
