/**
 * The on-call officer's INFO text, CALL callback and how far back their pages still count,
 * pinned whole: written from the on-call actions mutation survivors
 * (src/oncall/oncall-actions.service.ts, src/oncall/oncall-actions.repository.ts). Each answer is
 * compared as a whole string, so a change of wording, format or cut shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventKind } from '../../src/enquiries/timeline.js';
import { INFO_DETAILS } from '../../src/oncall/oncall-actions.service.js';
import { spokenReference } from '../../src/voice/voice.twiml.js';
import { apiEnquiry } from '../support/enquiry.js';
import { answeringVerdict } from '../support/callback.js';
import { replyTo } from '../support/sms-reply.js';
import { PRESS_OFFICE_NUMBER, PUBLIC_BASE_URL, messageSid, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: the office is closed, so urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const FALLBACK = '+447911250099';
const JOURNALIST = '+447911123401';
const HOUR = 3_600_000;
const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const SAY = '<Say voice="alice" language="en-GB">';

let h: Harness;
afterEach(async () => h?.close());

async function start(opts: { onCall?: Record<string, unknown>; shifts?: Array<[string, string]> } = {}) {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0, fallbackNumber: FALLBACK, ...opts.onCall } },
  });
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  for (const [from, to] of opts.shifts ?? [['2026-12-01T00:00:00Z', '2027-01-05T09:00:00Z']]) {
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date(from),
      endsAt: new Date(to),
      createdBy: 'test',
    });
  }
}

async function urgentEnquiry(extra: Record<string, unknown> = {}): Promise<string> {
  const fields = { phone: JOURNALIST, subject: 'Fire at the depot', details: 'Need a line tonight', urgent: true };
  return (await apiEnquiry(h, { ...fields, ...extra })).reference;
}

/** Waits until `n` texts went out and their sends are recorded. */
async function paged(n: number) {
  await h.twilio.waitForMessages(n);
  await h.jobs.settle();
}

/** Texts `body` from `from` and returns the reply as the phone shows it. */
function text(from: string, body: string, sid = messageSid()): Promise<string> {
  return replyTo(h, from, body, sid);
}

async function events(reference: string, kind: EventKind) {
  return h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select(['enquiry_event.actor', 'enquiry_event.data'])
    .where('enquiry.reference', '=', reference)
    .where('enquiry_event.kind', '=', kind)
    .orderBy('enquiry_event.id')
    .execute();
}

async function row(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

/** Where a callback step about `key` is, as Twilio is told it (the key URL-encoded in the query). */
function stepUrl(step: 'callback-connect' | 'callback-result', key: string, wait?: number): string {
  return `${PUBLIC_BASE_URL}/twilio/voice/${step}?key=${encodeURIComponent(key)}${wait === undefined ? '' : `&wait=${wait}`}`;
}

async function post(
  step: 'callback-connect' | 'callback-result',
  key: string,
  params: Record<string, string>,
  wait?: number,
) {
  return h.webhook(stepUrl(step, key, wait).slice(PUBLIC_BASE_URL.length), { CallSid: 'CA1', ...params });
}

/** Pages the officer about an urgent enquiry and has them text CALL; returns the reference and the callback's key. */
async function pagedThenCall(): Promise<{ ref: string; key: string; sid: string }> {
  const ref = await urgentEnquiry();
  await paged(1);
  const sid = messageSid();
  expect(await text(ON_CALL, 'CALL', sid)).toBe(
    `Press Desk: ringing you now to connect you to the journalist for ${ref}. Page acknowledged: escalation stopped.`,
  );
  await h.twilio.waitForCalls(1);
  await h.jobs.settle();
  return { ref, key: `callback:sms:${sid}`, sid };
}

/**
 * The officer texts CALL again about `ref` a minute later, the page already acknowledged; returns
 * the second callback's key once its call is placed. (Calls are paced at twilio.callsPerSecond
 * by the database's real clock: this waits out the first call's slot.)
 */
async function callAgain(ref: string): Promise<string> {
  h.clock.advance(60_000);
  await new Promise((r) => setTimeout(r, 1300));
  const sid = messageSid();
  expect(await text(ON_CALL, 'CALL', sid)).toBe(
    `Press Desk: ringing you now to connect you to the journalist for ${ref}.`,
  );
  await h.twilio.waitForCalls(2);
  await h.jobs.settle();
  return `callback:sms:${sid}`;
}

describe('the INFO text', () => {
  it('names the journalist and outlet, the contact details, the deadline, the subject and the details, each in its place', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_6PM });
    const ref = await urgentEnquiry({ email: 'ann@gazette.example' });
    const e = await row(ref);
    const now = new Date(CHRISTMAS_EVE_6PM);
    const info = (fields: Partial<typeof e>) => h.services.onCallActions.info({ ...e, ...fields }, now);
    const rest = 'No deadline given. Subject: Fire at the depot. Need a line tonight';

    expect(info({})).toBe(`${ref}: Ann Reporter, Evening Gazette (07911 123401, ann@gazette.example). ${rest}`);
    expect(info({ deadline: new Date('2026-12-24T21:30:00Z') })).toBe(
      `${ref}: Ann Reporter, Evening Gazette (07911 123401, ann@gazette.example). Deadline Thu 24 Dec 21:30. Subject: Fire at the depot. Need a line tonight`,
    );
    // No name: "Journalist"; no outlet: nothing after it, not even a comma.
    expect(info({ name: '', outlet: '' })).toBe(`${ref}: Journalist (07911 123401, ann@gazette.example). ${rest}`);
    expect(info({ name: '', outlet: 'Radio North' })).toBe(
      `${ref}: Journalist, Radio North (07911 123401, ann@gazette.example). ${rest}`,
    );
    // The phone alone, shown as a UK caller dials it; the email alone; neither.
    expect(info({ email: null })).toBe(`${ref}: Ann Reporter, Evening Gazette (07911 123401). ${rest}`);
    expect(info({ phone: null })).toBe(`${ref}: Ann Reporter, Evening Gazette (ann@gazette.example). ${rest}`);
    expect(info({ phone: null, email: null })).toBe(
      `${ref}: Ann Reporter, Evening Gazette (no contact details). ${rest}`,
    );
  });

  it('collapses runs of spaces and line breaks in the subject and details, and cuts details over 300 characters to 299 and "…"', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_6PM });
    const ref = await urgentEnquiry();
    // Text typed or pasted elsewhere (an email's body, the desk) keeps its line breaks and runs of spaces.
    const e = { ...(await row(ref)), name: '', outlet: '' };
    const now = new Date(CHRISTMAS_EVE_6PM);
    const info = (fields: Partial<typeof e>) => h.services.onCallActions.info({ ...e, ...fields }, now);
    const head = `${ref}: Journalist (07911 123401). No deadline given.`;

    expect(info({ subject: 'Fire  at   the\n depot', details: '  Need a line\n\ntonight,  please \n' })).toBe(
      `${head} Subject: Fire at the depot. Need a line tonight, please`,
    );

    expect(INFO_DETAILS).toBe(300);
    // Exactly 300 characters (once collapsed) are kept whole, however long the text was before.
    const words = (n: number) => 'crew '.repeat(Math.ceil(n / 5)).slice(0, n);
    const exactly300 = `${words(299)}x`;
    expect(exactly300).toHaveLength(300);
    expect(info({ details: exactly300 })).toBe(`${head} Subject: Fire at the depot. ${exactly300}`);
    expect(info({ details: exactly300.replace(/ /g, '\n  ') })).toBe(
      `${head} Subject: Fire at the depot. ${exactly300}`,
    );
    // One more and the start is shown: the first 299 characters and an ellipsis, 300 in all.
    const over = `${exactly300}y`;
    expect(info({ details: over })).toBe(`${head} Subject: Fire at the depot. ${exactly300.slice(0, 299)}…`);
    const long = 'A'.repeat(1000);
    expect(info({ details: long })).toBe(`${head} Subject: Fire at the depot. ${'A'.repeat(299)}…`);
  });

  it('by text, is recorded on the timeline and in the audit log as viewed by the officer via SMS', async () => {
    await start();
    const ref = await urgentEnquiry();
    await paged(1);
    expect(await text(ON_CALL, 'INFO')).toBe(
      `${ref}: Ann Reporter, Evening Gazette (07911 123401). No deadline given. Subject: Fire at the depot. Need a line tonight`,
    );
    const e = await row(ref);
    expect(await events(ref, 'oncall_viewed')).toEqual([{ actor: 'Olu On-Call', data: { via: 'sms' } }]);
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['user_id', 'user_email', 'enquiry_id', 'detail'])
      .where('action', '=', 'oncall.viewed')
      .execute();
    expect(audit).toEqual([{ user_id: null, user_email: 'Olu On-Call', enquiry_id: e.id, detail: { via: 'sms' } }]);
  });
});

describe('the CALL callback', () => {
  it("rings the officer with a greeting naming the enquiry, and records the request with the text's MessageSid", async () => {
    await start();
    const { ref, key, sid } = await pagedThenCall();
    const [call] = h.twilio.calls;
    expect(call.to).toBe(ON_CALL);
    expect(call.twiml).toBe(
      `${XML}<Response>${SAY}Press Desk. Connecting you to the journalist for enquiry ${spokenReference(ref)}. Please hold.</Say>` +
        `<Redirect method="POST">${stepUrl('callback-connect', key)}</Redirect></Response>`,
    );
    expect(key).toBe(`callback:sms:${sid}`);
    expect(await events(ref, 'callback_requested')).toEqual([{ actor: 'Olu On-Call', data: { key, via: 'sms' } }]);
    const e = await row(ref);
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'enquiry_id', 'detail'])
      .where('action', '=', 'oncall.call')
      .execute();
    expect(audit).toEqual([{ user_email: 'Olu On-Call', enquiry_id: e.id, detail: { via: 'sms' } }]);
  });

  it('the connect step pauses for the verdict up to 8 times, then dials the journalist from the office number, limited to callbackMaxMinutes', async () => {
    await start({ onCall: { callbackMaxMinutes: 45 } });
    const { key } = await pagedThenCall();
    const dial =
      `${XML}<Response><Dial callerId="${PRESS_OFFICE_NUMBER}" timeout="30" timeLimit="${45 * 60}" ` +
      `action="${stepUrl('callback-result', key)}" method="POST"><Number>${JOURNALIST}</Number></Dial></Response>`;
    const connect = async (wait?: number) => {
      const res = await post('callback-connect', key, { CallStatus: 'in-progress' }, wait);
      expect(res.status).toBe(200);
      return res.text();
    };

    expect(await connect(7)).toBe(
      `${XML}<Response><Pause length="1"/><Redirect method="POST">${stepUrl('callback-connect', key)}&amp;wait=8</Redirect></Response>`,
    );
    // Eight seconds and still no verdict: a person who says nothing is rung through anyway.
    expect(await connect(8)).toBe(dial);

    // A person answered: dialled at once, without waiting.
    const verdict = await answeringVerdict(h, key, 'human', 1800);
    expect(verdict.status).toBe(204);
    expect(await connect()).toBe(dial);
  });

  it('once the enquiry was erased or its number changed to one Press Desk does not call, the officer hears so and the call ends', async () => {
    await start();
    const { ref, key } = await pagedThenCall();
    const gone = `${XML}<Response>${SAY}The journalist can no longer be called from Press Desk. Goodbye.</Say><Hangup/></Response>`;
    const connect = async () => (await post('callback-connect', key, { CallStatus: 'in-progress' }, 8)).text();
    const set = (fields: { phone?: string | null; email?: string; erased_at?: Date | null }) =>
      h.database.db.updateTable('enquiry').set(fields).where('reference', '=', ref).execute();

    await set({ phone: '+449098790000' }); // premium-rate
    expect(await connect()).toBe(gone);
    await set({ phone: null, email: 'ann@gazette.example' });
    expect(await connect()).toBe(gone);
    await set({ phone: JOURNALIST, erased_at: new Date() });
    expect(await connect()).toBe(gone);
    // The number as it is now is the one dialled.
    await set({ phone: '+447911123499', erased_at: null });
    expect(await connect()).toMatch(/<Number>\+447911123499<\/Number><\/Dial><\/Response>$/);
  });

  it("records how the journalist's leg ended once, as the officer who asked, and says goodbye only when they did not answer", async () => {
    await start();
    const { ref, key } = await pagedThenCall();
    const hangup = `${XML}<Response><Hangup/></Response>`;
    const result = async (k: string, status: string, seconds: string) => {
      const res = await post('callback-result', k, { DialCallStatus: status, DialCallDuration: seconds });
      return { status: res.status, body: await res.text() };
    };

    expect(await result(key, 'completed', '95')).toEqual({ status: 200, body: hangup });
    // Twilio retries: the same result again changes nothing and is still answered.
    expect(await result(key, 'completed', '95')).toEqual({ status: 200, body: hangup });
    expect(await events(ref, 'callback_ended')).toEqual([
      { actor: 'Olu On-Call', data: { key, status: 'completed', seconds: 95 } },
    ]);

    // A second CALL, a minute later, is a second callback with its own ending.
    const key2 = await callAgain(ref);
    expect(await result(key2, 'no-answer', '0')).toEqual({
      status: 200,
      body: `${XML}<Response>${SAY}The journalist did not answer. Goodbye.</Say><Hangup/></Response>`,
    });
    expect((await events(ref, 'callback_ended')).map((e) => e.data)).toEqual([
      { key, status: 'completed', seconds: 95 },
      { key: key2, status: 'no-answer', seconds: 0 },
    ]);

    // A key no callback of ours has is not found, at either step, and nothing is recorded.
    const nope = 'callback:sms:SMnope';
    expect(await result(nope, 'completed', '10')).toEqual({
      status: 404,
      body: expect.stringContaining('No such callback'),
    });
    const connectNope = await post('callback-connect', nope, { CallStatus: 'in-progress' });
    expect(connectNope.status).toBe(404);
    expect(await connectNope.text()).toContain('No such callback');
    expect(await events(ref, 'callback_ended')).toHaveLength(2);
  });
});

describe('two callbacks on one enquiry', () => {
  it('a voicemail box that took the first call does not hang up the second: each waits for its own verdict', async () => {
    await start();
    const { ref, key } = await pagedThenCall();
    const verdict = await answeringVerdict(h, key, 'machine_end_beep', 2100);
    expect(verdict.status).toBe(204);
    const hangup = `${XML}<Response><Hangup/></Response>`;
    expect(await (await post('callback-connect', key, { CallStatus: 'in-progress' })).text()).toBe(hangup);

    // The officer tries again a minute later.
    const key2 = await callAgain(ref);
    expect(await (await post('callback-connect', key2, { CallStatus: 'in-progress' })).text()).toBe(
      `${XML}<Response><Pause length="1"/><Redirect method="POST">${stepUrl('callback-connect', key2)}&amp;wait=1</Redirect></Response>`,
    );
  });
});

describe("what was sent to the on-call officer's phone counts back to the start of their shift", () => {
  // onCall.linkHours 2: without the shift, a page older than two hours no longer counts.
  const INFO_OF = (ref: string) =>
    `${ref}: Ann Reporter, Evening Gazette (07911 123401). No deadline given. Subject: Fire at the depot. Need a line tonight`;

  it('a page sent at the very first moment of a shift that began 20 hours ago still counts for its officer', async () => {
    await start({ onCall: { linkHours: 2 }, shifts: [[CHRISTMAS_EVE_6PM, '2026-12-26T09:00:00Z']] });
    const ref = await urgentEnquiry();
    await paged(1);
    const sent = await h.database.db
      .selectFrom('outbound_message')
      .select('sent_at')
      .where('to_number', '=', ON_CALL)
      .execute();
    expect(sent).toEqual([{ sent_at: new Date(CHRISTMAS_EVE_6PM) }]);
    expect(await text(ON_CALL, 'ACK')).toBe(
      `Press Desk: acknowledged ${ref} (Evening Gazette). Escalation stopped. Please contact the journalist.`,
    );
    // Exactly linkHours later, when a link sent with the page expires, the shift still holds it.
    h.clock.advance(2 * HOUR);
    expect(await text(ON_CALL, 'INFO')).toBe(INFO_OF(ref));
    h.clock.advance(18 * HOUR);
    expect(await text(ON_CALL, 'INFO')).toBe(INFO_OF(ref));
  });

  it('with a later override on top of the shift, the earliest start counts', async () => {
    await start({ onCall: { linkHours: 2 }, shifts: [[CHRISTMAS_EVE_6PM, '2026-12-26T09:00:00Z']] });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      override: true,
      startsAt: new Date('2026-12-25T13:00:00Z'),
      endsAt: new Date('2026-12-25T16:00:00Z'),
      createdBy: 'test',
    });
    h.clock.set('2026-12-25T04:00:00Z'); // 10 hours into the shift
    const ref = await urgentEnquiry();
    await paged(1);
    await text(ON_CALL, 'ACK');
    h.clock.set('2026-12-25T14:00:00Z'); // 20 hours into the shift, 1 hour into the override
    expect(await text(ON_CALL, 'INFO')).toBe(INFO_OF(ref));
  });

  it('a shift that began more recently than linkHours ago does not cut them short: a page from before it still counts', async () => {
    // 18:00 to 20:00, then again from 20:00: paged at 19:30, asked at 21:00 (1 hour into the second shift).
    await start({
      onCall: { linkHours: 2 },
      shifts: [
        [CHRISTMAS_EVE_6PM, '2026-12-24T20:00:00Z'],
        ['2026-12-24T20:00:00Z', '2026-12-25T08:00:00Z'],
      ],
    });
    // Their day as backup (the next contact) is no shift of theirs on call: it stretches nothing.
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'backup',
      startsAt: new Date('2026-12-24T06:00:00Z'),
      endsAt: new Date('2026-12-25T08:00:00Z'),
      createdBy: 'test',
    });
    h.clock.set('2026-12-24T19:30:00Z');
    const ref = await urgentEnquiry();
    await paged(1);
    await text(ON_CALL, 'ACK');
    h.clock.set('2026-12-24T21:00:00Z');
    expect(await text(ON_CALL, 'INFO')).toBe(INFO_OF(ref));
    // And two hours after the page it is over, as its link is: the shift began after it.
    h.clock.set('2026-12-24T21:30:00Z');
    expect(await text(ON_CALL, 'INFO')).toBe(
      'Press Desk: you have no open page, so say which enquiry, e.g. INFO PD-7KM-4QX.',
    );
  });
});

describe('a malformed callback step is refused with a 400 naming what is wrong, and records nothing', () => {
  it('a key that is not a callback key, at either step', async () => {
    await start();
    const { ref, key } = await pagedThenCall();
    const bad = [
      '',
      'callback:',
      `x${key}`,
      `${key} `,
      'callback:sms:SM$1',
      'callback:sms:SM/../1',
      `callback:${'a'.repeat(191)}`,
    ];
    for (const k of bad) {
      for (const [step, params] of [
        ['callback-connect', { CallStatus: 'in-progress' }],
        ['callback-result', { DialCallStatus: 'completed', DialCallDuration: '5' }],
      ] as const) {
        const res = await post(step, k, params);
        expect(res.status, `${step} ${JSON.stringify(k)}`).toBe(400);
        expect(await res.text(), `${step} ${JSON.stringify(k)}`).toContain('key must name a callback');
      }
    }
    // The longest key allowed is a key: not found, not refused.
    expect((await post('callback-result', `callback:${'a'.repeat(190)}`, { DialCallStatus: 'completed' })).status).toBe(
      404,
    );
    expect(await events(ref, 'callback_ended')).toEqual([]);
  });

  it('wait must be a whole number of one or two digits; DialCallStatus is required; a bad duration is left out', async () => {
    await start();
    const { ref, key } = await pagedThenCall();
    for (const wait of ['', 'x', '-1', '1.5', '100']) {
      const res = await h.webhook(
        `/twilio/voice/callback-connect?key=${encodeURIComponent(key)}&wait=${encodeURIComponent(wait)}`,
        { CallSid: 'CA1', CallStatus: 'in-progress' },
      );
      expect(res.status, wait).toBe(400);
      expect(await res.text(), wait).toContain('wait must be a small whole number');
    }
    expect((await post('callback-connect', key, { CallStatus: 'in-progress' }, 99)).status).toBe(200);

    const noStatus = await post('callback-result', key, { DialCallDuration: '5' });
    expect(noStatus.status).toBe(400);
    expect(await noStatus.text()).toContain('DialCallStatus is required');
    expect(await events(ref, 'callback_ended')).toEqual([]);

    // A duration that is not a count of seconds (nor one of at most six digits) is recorded as
    // unknown, not as a number.
    const res = await post('callback-result', key, { DialCallStatus: 'completed', DialCallDuration: '-12' });
    expect(res.status).toBe(200);
    const key2 = await callAgain(ref);
    expect(
      (await post('callback-result', key2, { DialCallStatus: 'completed', DialCallDuration: '1234567' })).status,
    ).toBe(200);
    expect((await events(ref, 'callback_ended')).map((e) => e.data)).toEqual([
      { key, status: 'completed', seconds: null },
      { key: key2, status: 'completed', seconds: null },
    ]);
  });
});
