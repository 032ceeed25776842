/**
 * The keypress on a page call, as the on-call officer meets it at night: 1 acknowledges and stops
 * escalation; any other key leaves the page to escalate, and says so; a second 1 on a page already
 * acknowledged says that instead of claiming a new acknowledgement. The desk records who
 * acknowledged (the number called). The callback refuses, with a 400 naming the parameter, a
 * call or page id that is not one, so a malformed callback never reaches the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiEnquiry } from '../support/enquiry.js';
import type { FakeTwilioRecord } from '../support/fake-twilio.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { nightRota } from '../support/rota.js';
import { kindsOf } from '../support/timeline.js';

// Christmas Eve 2026, 18:00: the office is closed.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const MINUTE = 60_000;

let h: Harness;
// A test may start over (a fresh night for another callback): one harness at a time.
const opened: Harness[] = [];
const closeAll = async () => {
  for (const harness of opened.splice(0)) await harness.close();
};
afterEach(closeAll);

/** `n` urgent enquiries out of hours whose page texts nobody answers, up to the first page call. */
async function untilFirstCall(n = 1): Promise<{ references: string[]; call: FakeTwilioRecord }> {
  await closeAll();
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0 } } });
  opened.push(h);
  await nightRota(h, { primary: ON_CALL, backup: BACKUP });
  const references: string[] = [];
  for (let i = 0; i < n; i++) {
    const { reference } = await apiEnquiry(h, {
      phone: `+4479111234${10 + i}`,
      subject: `Fire at the depot ${i + 1}`,
      urgent: true,
    });
    references.push(reference);
  }
  await h.twilio.waitForMessages(n);
  await h.jobs.settle();
  h.clock.advance(10 * MINUTE);
  const [call] = await h.twilio.waitForCalls(1);
  await h.jobs.settle();
  return { references, call };
}

/** The gather's action of a call's TwiML, as a path on the app. */
function gatherPath(call: FakeTwilioRecord): string {
  const action = /action="([^"]+)"/.exec(call.twiml!)![1].replace(/&amp;/g, '&');
  expect(action.startsWith(`${PUBLIC_BASE_URL}/twilio/voice?`)).toBe(true);
  return action.slice(PUBLIC_BASE_URL.length);
}

/** What Twilio would say from a TwiML answer. */
function said(xml: string): string {
  return [...xml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]).join(' ');
}

async function pages() {
  return h.database.db
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['page.id', 'enquiry.reference', 'page.status', 'page.acknowledged_by', 'page.ack_via'])
    .orderBy('page.id')
    .execute();
}

/** A signed keypress callback on `path`, as Twilio posts it for a call to `to`. */
async function press(
  path: string,
  digits: string,
  callee: { To?: string; Called?: string } = { To: ON_CALL, Called: ON_CALL },
) {
  const res = await h.webhook(path, {
    CallSid: 'CA0000000000000000000000000000beef',
    Digits: digits,
    From: '+447700100200',
    ...callee,
  });
  return { status: res.status, text: await res.text() };
}

describe('a page call, one enquiry', () => {
  it('pressing 1 says "Acknowledged." (not "1 of 1"), stops escalation and records the number called', async () => {
    const { references, call } = await untilFirstCall();
    const log = await h.twilio.answerCall(call, { answeredBy: 'human', digits: ['1'] });
    expect(log.said.join(' ')).toContain('Acknowledged. Escalation stopped. Please contact the journalist. Goodbye.');
    expect(await pages()).toEqual([
      expect.objectContaining({
        reference: references[0],
        status: 'acknowledged',
        acknowledged_by: ON_CALL,
        ack_via: 'voice',
      }),
    ]);
    h.clock.advance(30 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(1);
    expect(h.twilio.messages.filter((m) => m.to === BACKUP)).toEqual([]);
  });

  it('any other key acknowledges nothing, says the enquiry will be escalated, and it is', async () => {
    const { references, call } = await untilFirstCall();
    const log = await h.twilio.answerCall(call, { answeredBy: 'human', digits: ['2'] });
    expect(log.said.join(' ')).toContain('No acknowledgement recorded. The enquiry will be escalated. Goodbye.');
    expect(log.said.join(' ')).not.toContain('Acknowledged.');
    expect((await pages())[0]).toMatchObject({ status: 'active', acknowledged_by: null });
    expect(await kindsOf(h.database.db, references[0])).not.toContain('acknowledged');
    // The page goes on to the backup once the call's window is over.
    h.clock.advance(10 * MINUTE);
    await h.jobs.settle();
    await h.twilio.waitForMessages(2);
    expect(h.twilio.messages.filter((m) => m.to === BACKUP)).toHaveLength(1);
  });

  it('a second 1 (Twilio retrying, or the officer on a later call) says it was already acknowledged', async () => {
    const { call } = await untilFirstCall();
    const path = gatherPath(call);
    expect(said((await press(path, '1')).text)).toBe(
      'Acknowledged. Escalation stopped. Please contact the journalist. Goodbye.',
    );
    const again = await press(path, '1');
    expect(again.status).toBe(200);
    expect(said(again.text)).toBe('This page was already acknowledged. Goodbye.');
  });

  it('records the number called from Called when Twilio leaves out To, and "voice" when it names neither', async () => {
    const { call } = await untilFirstCall();
    await press(gatherPath(call), '1', { Called: ON_CALL });
    expect((await pages())[0]).toMatchObject({ status: 'acknowledged', acknowledged_by: ON_CALL });

    const second = await untilFirstCall();
    await press(gatherPath(second.call), '1', { To: BACKUP });
    expect((await pages())[0]).toMatchObject({ status: 'acknowledged', acknowledged_by: BACKUP });

    const third = await untilFirstCall();
    await press(gatherPath(third.call), '1', {});
    expect((await pages())[0]).toMatchObject({ status: 'acknowledged', acknowledged_by: 'voice', ack_via: 'voice' });
  });
});

describe('a call for several pages (page= once per enquiry read out)', () => {
  it('pressing 1 says how many of them it acknowledged; a page already acknowledged is not counted', async () => {
    const { references } = await untilFirstCall(3);
    const [first, second, third] = await pages();
    expect([first.reference, second.reference, third.reference].sort()).toEqual([...references].sort());
    // One of the three was acknowledged on its own call meanwhile.
    expect(said((await press(`/twilio/voice?page=${third.id}`, '1')).text)).toBe(
      'Acknowledged. Escalation stopped. Please contact the journalist. Goodbye.',
    );
    const res = await press(`/twilio/voice?page=${first.id}&page=${second.id}&page=${third.id}`, '1');
    expect(said(res.text)).toBe('Acknowledged 2 of 3. Escalation stopped. Please contact the journalist. Goodbye.');
    expect((await pages()).map((p) => p.status)).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
  });

  it('takes a thousand page ids and refuses more, or any id that is not one, naming `page`', async () => {
    const { call } = await untilFirstCall();
    const [page] = await pages();
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => `page=${i === 0 ? page.id : 9_000_000 + i}`).join('&');
    const refusals = [
      '/twilio/voice?page=',
      '/twilio/voice?page=abc',
      `/twilio/voice?page=${page.id}&page=12x`,
      `/twilio/voice?${many(1001)}`,
    ];
    for (const path of refusals) {
      const res = await press(path, '1');
      expect(res.status, path).toBe(400);
      expect(res.text, path).toContain('page must be a page id');
    }
    expect((await pages())[0].status).toBe('active');
    const thousand = await press(`/twilio/voice?${many(1000)}`, '1');
    expect(thousand.status).toBe(200);
    expect(said(thousand.text)).toBe(
      'Acknowledged 1 of 1000. Escalation stopped. Please contact the journalist. Goodbye.',
    );
    expect(call.to).toBe(ON_CALL);
  });
});

describe('a bundled call (bundle= the call, which names every page it was for)', () => {
  /** The outbound row of a page call: a bundle of one. */
  async function callRow(call: FakeTwilioRecord): Promise<string> {
    const row = await h.database.db
      .selectFrom('outbound_message')
      .select('id')
      .where('provider_sid', '=', call.sid)
      .executeTakeFirstOrThrow();
    return String(row.id);
  }

  it('pressing 1 acknowledges every page the call was for; again says they already were', async () => {
    const { call } = await untilFirstCall();
    const path = `/twilio/voice?bundle=${await callRow(call)}`;
    const first = await press(path, '1', { To: ON_CALL });
    expect(said(first.text)).toBe('Acknowledged 1 of 1. Escalation stopped. Please contact the journalists. Goodbye.');
    expect((await pages())[0]).toMatchObject({ status: 'acknowledged', acknowledged_by: ON_CALL, ack_via: 'voice' });
    expect(said((await press(path, '1')).text)).toBe('These pages were already acknowledged. Goodbye.');
  });

  it('any other key acknowledges nothing and says they will be escalated', async () => {
    const { call } = await untilFirstCall();
    const res = await press(`/twilio/voice?bundle=${await callRow(call)}`, '9');
    expect(res.status).toBe(200);
    expect(said(res.text)).toBe('No acknowledgement recorded. They will be escalated. Goodbye.');
    expect((await pages())[0].status).toBe('active');
  });

  it('records the number called from Called, then "voice"', async () => {
    const { call } = await untilFirstCall();
    await press(`/twilio/voice?bundle=${await callRow(call)}`, '1', { Called: BACKUP });
    expect((await pages())[0].acknowledged_by).toBe(BACKUP);
    const second = await untilFirstCall();
    await press(`/twilio/voice?bundle=${await callRow(second.call)}`, '1', {});
    expect((await pages())[0].acknowledged_by).toBe('voice');
  });

  it('refuses a call id that is not one, naming `bundle`, and acknowledges nothing', async () => {
    await untilFirstCall();
    for (const bundle of ['', 'abc', '12x', '-1']) {
      const res = await press(`/twilio/voice?bundle=${bundle}`, '1');
      expect(res.status, bundle).toBe(400);
      expect(res.text, bundle).toContain('bundle must be a call id');
    }
    expect((await pages())[0].status).toBe('active');
  });
});
