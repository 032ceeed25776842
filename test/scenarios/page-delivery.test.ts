/**
 * How a page reaches the on-call phone, as the enquiry's record and the outbox show it: a page
 * held for the phone's bundle says when the bundle goes; a bundle that went says on each enquiry
 * which message carried it and with how many others; a bundle Twilio refuses escalates every page
 * it carried at once; a held page nobody needs any more leaves the bundle on the record; a step
 * whose job runs again sends nothing again. Written from the mutation run of
 * src/oncall/paging.delivery.ts (docs/testing.md).
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { PageDelivery } from '../../src/oncall/paging.delivery.js';
import { startHarness, type Harness } from '../support/harness.js';
import { pageOf as pageOfIn, urgentEnquiryFrom } from '../support/paging.js';
import { nightRota } from '../support/rota.js';
import { eventsOf } from '../support/timeline.js';

// Christmas Eve 2026, 18:00 (UTC is London's time in December): the office is closed.
const SIX_PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const MOBILE_FALLBACK = '+447911250099';
const MINUTE = 60_000;

let h: Harness;
const urgentEnquiry = (n = 1) => urgentEnquiryFrom(h, n);
const pageOf = (reference: string) => pageOfIn(h, reference);
afterEach(async () => h?.close());

async function start(onCall: Record<string, unknown> = {}) {
  h = await startHarness({ now: SIX_PM, jobs: true, config: { onCall: { bundleSeconds: 120, ...onCall } } });
  await nightRota(h, { primary: ON_CALL, backup: BACKUP });
}

/** The page's steps, in order, with the outbound row that carried each. */
async function stepsOf(reference: string) {
  return h.database.db
    .selectFrom('page_step')
    .innerJoin('page', 'page.id', 'page_step.page_id')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
    .select([
      'page_step.step_index',
      'page_step.action',
      'page_step.state',
      'outbound_message.state as row_state',
      'outbound_message.provider_sid',
      'outbound_message.provider_status',
      'outbound_message.outcome_unknown',
      'outbound_message.last_error',
    ])
    .where('enquiry.reference', '=', reference)
    .orderBy('page_step.step_index')
    .orderBy('page_step.action')
    .execute();
}

/** One urgent enquiry paged at 18:00 (which opens the phone's window to 18:02), and two held behind it. */
async function oneSentTwoHeld(): Promise<{ first: string; held: string[] }> {
  const first = await urgentEnquiry(1);
  await h.twilio.waitForMessages(1);
  await h.jobs.settle();
  const held = [await urgentEnquiry(2), await urgentEnquiry(3)];
  await h.jobs.settle();
  expect(h.twilio.messages).toHaveLength(1);
  return { first, held };
}

describe('texts held for a bundle', () => {
  it('each held page says when its bundle goes; once sent, each enquiry names the bundle text and how many it carried', async () => {
    await start();
    const { held } = await oneSentTwoHeld();
    for (const ref of held) {
      const page = await pageOf(ref);
      expect((await eventsOf(h.database.db, ref, 'page_bundled')).map((e) => e.data)).toEqual([
        { pageId: page.id, step: 0, action: 'sms', to: ON_CALL, sendsAt: '2026-12-24T18:02:00.000Z' },
      ]);
      expect((await stepsOf(ref)).map((s) => s.state)).toEqual(['waiting_bundle']);
    }

    h.clock.advance(2 * MINUTE);
    const [, bundle] = await h.twilio.waitForMessages(2);
    await h.jobs.settle();
    for (const ref of held) {
      const page = await pageOf(ref);
      // The officer acts on each by its code: every code is in the one text.
      expect(bundle.body).toContain(page.short_code);
      expect((await eventsOf(h.database.db, ref, 'page_sms_sent')).map((e) => e.data)).toEqual([
        { pageId: page.id, step: 0, to: ON_CALL, sid: bundle.sid, bundledWith: 2 },
      ]);
      expect(await stepsOf(ref)).toEqual([
        {
          step_index: 0,
          action: 'sms',
          state: 'sent',
          row_state: 'sent',
          provider_sid: bundle.sid,
          provider_status: 'queued',
          outcome_unknown: false,
          last_error: null,
        },
      ]);
    }
    // Their acknowledgement clock starts at the bundle: the call comes ten minutes after it, not before.
    h.clock.advance(9 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL]); // the first page's own call, at 18:10
  });

  it('a bundle left with nothing to send (every enquiry closed meanwhile) sends nothing and ends without an error', async () => {
    await start();
    const { held } = await oneSentTwoHeld();
    for (const ref of held)
      await sql`UPDATE enquiry SET status = 'closed' WHERE reference = ${ref}`.execute(h.database.db);
    h.clock.advance(2 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(1);
    expect((await h.jobs.pending()).filter((j) => j.last_error !== null)).toEqual([]);
    for (const ref of held) expect((await stepsOf(ref)).map((s) => s.state)).toEqual(['skipped']);
  });

  it('a held page whose enquiry closed without cancelling anything leaves the bundle, and its record says why', async () => {
    await start();
    const { held } = await oneSentTwoHeld();
    const [gone, kept] = held;
    await sql`UPDATE enquiry SET status = 'closed' WHERE reference = ${gone}`.execute(h.database.db);
    h.clock.advance(2 * MINUTE);
    const [, bundle] = await h.twilio.waitForMessages(2);
    await h.jobs.settle();

    expect(bundle.body).toContain(kept);
    expect(bundle.body).not.toContain(gone);
    const page = await pageOf(gone);
    expect((await eventsOf(h.database.db, gone, 'page_step_skipped')).map((e) => e.data)).toEqual([
      { pageId: page.id, step: 0, to: ON_CALL, reason: 'no longer needed when its bundle was sent' },
    ]);
    expect((await stepsOf(gone)).map((s) => s.state)).toEqual(['skipped']);
    expect((await eventsOf(h.database.db, gone, 'page_sms_sent')).length).toBe(0);
    expect((await stepsOf(kept)).map((s) => s.state)).toEqual(['sent']);
  });
});

describe('a bundle to a number nobody on the rota holds', () => {
  it('that does not fit the text links to the list of all, with nobody named as its holder', async () => {
    await start({
      fallbackNumber: MOBILE_FALLBACK,
      bundleSegments: 2,
      escalation: [{ action: 'sms', to: 'fallback', afterSeconds: 0 }],
    });
    await urgentEnquiry(1);
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    for (let n = 2; n <= 9; n++) await urgentEnquiry(n);
    await h.jobs.settle();
    h.clock.advance(2 * MINUTE);
    const [, bundle] = await h.twilio.waitForMessages(2);
    await h.jobs.settle();
    expect(bundle.to).toBe(MOBILE_FALLBACK);
    expect(bundle.body).toContain('https://press.example.org/m/list/');
    const links = await h.database.db.selectFrom('oncall_list_link').select(['phone', 'person_id']).execute();
    expect(links).toEqual([{ phone: MOBILE_FALLBACK, person_id: null }]);
    expect((await h.jobs.pending()).filter((j) => j.last_error !== null)).toEqual([]);
  });
});

describe('a bundle Twilio refuses', () => {
  it('records the refusal on every page it carried and moves each to its next step at once', async () => {
    await start();
    const { first, held } = await oneSentTwoHeld();
    h.twilio.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    h.clock.advance(2 * MINUTE);
    await h.jobs.settle();
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();

    for (const ref of held) {
      const page = await pageOf(ref);
      const failed = await eventsOf(h.database.db, ref, 'page_failed');
      expect(failed.map((e) => e.data)).toEqual([
        {
          pageId: page.id,
          step: 0,
          action: 'sms',
          to: ON_CALL,
          error: expect.stringContaining('unsubscribed recipient'),
        },
      ]);
      const [text] = await stepsOf(ref);
      expect(text).toMatchObject({ step_index: 0, state: 'failed', row_state: 'failed', outcome_unknown: false });
      expect(text.last_error).toContain('unsubscribed recipient');
      // The next step (a call) is due now, at 18:02, not ten minutes after a text that never went.
      expect((await stepsOf(ref)).some((s) => s.step_index === 1)).toBe(true);
    }
    // 18:02: one call rings now (the other is held for that call's window); the first page's own call is not due until 18:10.
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL]);
    expect((await stepsOf(first)).map((s) => s.step_index)).toEqual([0]);
  });
});

describe('calls held for a bundle', () => {
  it('the call of a single page names its page for the keypress; a bundled call is placed for each page it reads, asking Twilio to detect a machine', async () => {
    await start({
      escalation: [
        { action: 'call', to: 'oncall', afterSeconds: 0 },
        { action: 'call', to: 'next' },
      ],
    });
    const first = await urgentEnquiry(1);
    const [single] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    const firstPage = await pageOf(first);
    const action = /action="([^"]+)"/.exec(single.twiml!)![1].replace(/&amp;/g, '&');
    expect(action).toBe(`https://press.example.org/twilio/voice?page=${firstPage.id}`);
    expect(single.params.MachineDetection).toBe('Enable');

    const held = [await urgentEnquiry(2), await urgentEnquiry(3)];
    await h.jobs.settle();
    for (const ref of held)
      expect((await eventsOf(h.database.db, ref, 'page_bundled')).map((e) => e.data)).toEqual([
        {
          pageId: (await pageOf(ref)).id,
          step: 0,
          action: 'call',
          to: ON_CALL,
          sendsAt: '2026-12-24T18:02:00.000Z',
        },
      ]);
    h.clock.advance(2 * MINUTE);
    const [, bundle] = await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    expect(bundle.params.MachineDetection).toBe('Enable');
    for (const ref of held) {
      expect((await eventsOf(h.database.db, ref, 'page_call_placed')).map((e) => e.data)).toEqual([
        { pageId: (await pageOf(ref)).id, step: 0, to: ON_CALL, sid: bundle.sid, bundledWith: 2 },
      ]);
      expect(await eventsOf(h.database.db, ref, 'page_sms_sent')).toEqual([]);
    }
    expect(h.twilio.messages).toEqual([]);
  });
});

describe('a single page text', () => {
  it('refused: the record keeps Twilio’s code and the message, and the step and its row are failed, not unknown', async () => {
    await start({ bundleSeconds: 0 });
    h.twilio.failNext(1, { status: 400, code: 21211, message: 'Invalid To number' });
    const ref = await urgentEnquiry(1);
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    const page = await pageOf(ref);
    const [failed] = await eventsOf(h.database.db, ref, 'page_failed');
    expect(failed.data).toEqual({
      pageId: page.id,
      step: 0,
      action: 'sms',
      to: ON_CALL,
      error: expect.stringContaining('Invalid To number'),
      twilioCode: 21211,
    });
    const [text] = await stepsOf(ref);
    expect(text).toMatchObject({ step_index: 0, action: 'sms', state: 'failed', row_state: 'failed' });
    expect(text.outcome_unknown).toBe(false);
  });

  it('delayed by a Twilio error: the record says which step and what went wrong, and the retry sends it once', async () => {
    await start({ bundleSeconds: 0 });
    h.twilio.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    const ref = await urgentEnquiry(1);
    await h.jobs.settle();
    const page = await pageOf(ref);
    const [delayed] = await eventsOf(h.database.db, ref, 'page_delayed');
    expect(delayed.data).toEqual({
      pageId: page.id,
      step: 0,
      action: 'sms',
      to: ON_CALL,
      error: expect.stringContaining('Internal Server Error'),
    });
    await h.jobs.retryNow();
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(1);
    expect((await stepsOf(ref)).map((s) => s.state)).toEqual(['sent']);
  });
});

describe('a bundle text Twilio refuses for now', () => {
  it('keeps the error on its row, known not to have gone, and goes on the retry', async () => {
    await start();
    const { held } = await oneSentTwoHeld();
    h.twilio.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    h.clock.advance(2 * MINUTE);
    await h.jobs.settle();
    const [waiting] = await stepsOf(held[0]);
    expect(waiting).toMatchObject({ state: 'waiting_bundle', row_state: 'sending', outcome_unknown: false });
    expect(waiting.last_error).toContain('Internal Server Error');
    await h.jobs.retryNow();
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(2);
    expect((await stepsOf(held[1])).map((s) => [s.state, s.last_error])).toEqual([['sent', null]]);
  });
});

describe('a bundle text whose answer timed out', () => {
  it('is found on its retry and not sent again; a page held meanwhile is not counted as in it, and goes in the next bundle', async () => {
    await start();
    const { held } = await oneSentTwoHeld();
    h.twilio.delayNext(1, 12_000); // longer than the gateway's 10 s timeout: Twilio has it, Press Desk does not know
    h.clock.advance(2 * MINUTE);
    const [, bundle] = await h.twilio.waitForMessages(2, 20_000);
    await h.jobs.settle(20_000);
    // 18:02, the bundle's outcome unknown: another urgent enquiry is held behind it.
    const late = await urgentEnquiry(4);
    await h.jobs.settle();
    expect((await stepsOf(late)).map((s) => s.state)).toEqual(['waiting_bundle']);

    // The bundle's retry is due by the end of the late page's window (18:04) at the latest.
    h.clock.advance(2 * MINUTE);
    await h.jobs.retryNow();
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(2);
    for (const ref of held) {
      expect((await stepsOf(ref)).map((s) => [s.state, s.provider_sid])).toEqual([['sent', bundle.sid]]);
      expect((await eventsOf(h.database.db, ref, 'page_sms_sent')).map((e) => e.data.bundledWith)).toEqual([2]);
    }
    expect(bundle.body).not.toContain(late);
    expect((await stepsOf(late)).map((s) => s.state)).toEqual(['waiting_bundle']);
    expect(await eventsOf(h.database.db, late, 'page_sms_sent')).toEqual([]);

    // The window the found bundle opened ends at 18:06: the late one goes then, in a bundle of its own.
    h.clock.advance(2 * MINUTE);
    const [, , next] = await h.twilio.waitForMessages(3);
    await h.jobs.settle();
    expect(next.body).toContain(late);
    expect(next.body).not.toContain(held[0]);
    expect((await stepsOf(late)).map((s) => [s.state, s.provider_sid])).toEqual([['sent', next.sid]]);
  }, 40_000);
});

describe('a retried page text', () => {
  it('is sent on its retry at once, not held for the window its own first attempt opened', async () => {
    await start();
    h.twilio.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    const ref = await urgentEnquiry(1);
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(0);
    await h.jobs.retryNow(); // still 18:00, inside the two minutes the first attempt started
    await h.jobs.settle();
    expect(h.twilio.messages).toHaveLength(1);
    expect((await stepsOf(ref)).map((s) => s.state)).toEqual(['sent']);
    expect(await eventsOf(h.database.db, ref, 'page_bundled')).toEqual([]);
  });
});

describe('a step checked again as it is claimed', () => {
  it('sends nothing for a page acknowledged after its job read it', async () => {
    await start({ bundleSeconds: 0 });
    const ref = await urgentEnquiry(1);
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const db = h.database.db;
    const page = await db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    const enquiry = await db.selectFrom('enquiry').selectAll().where('reference', '=', ref).executeTakeFirstOrThrow();
    await db.transaction().execute((tx) => h.services.paging.acknowledge(tx, [page.id], { by: ON_CALL, via: 'sms' }));
    // The job of step 1 read the page while it was still active; the claim sees the acknowledgement.
    const delivery = new PageDelivery({ db, config: h.config, clock: h.services.clock, outbox: h.services.outbox });
    const contact = { personId: null, name: 'Olu On-Call', phone: ON_CALL, source: 'shift' as const };
    expect(await delivery.deliverStep(page, enquiry, 1, 'call', contact)).toBe('skipped');
    expect(h.twilio.calls).toEqual([]);
    expect((await stepsOf(ref)).map((s) => s.step_index)).toEqual([0]);
  });
});

describe('a step whose job runs again', () => {
  it('sends nothing again once sent, held for a bundle, or refused', async () => {
    await start();
    const { first, held } = await oneSentTwoHeld();
    // A job can run twice (a worker that stops after sending, before it marks the job done).
    await h.services.paging.runStep((await pageOf(first)).id, 0);
    await h.services.paging.runStep((await pageOf(held[0])).id, 0);
    expect(h.twilio.messages).toHaveLength(1);
    expect((await stepsOf(held[0])).map((s) => s.state)).toEqual(['waiting_bundle']);
    expect((await eventsOf(h.database.db, held[0], 'page_bundled')).length).toBe(1);

    h.twilio.failNext(1, { status: 400, code: 21211, message: 'Invalid To number' });
    h.clock.advance(2 * MINUTE);
    await h.jobs.settle();
    const sentBefore = h.twilio.messages.length;
    await h.services.paging.runStep((await pageOf(held[1])).id, 0);
    expect(h.twilio.messages).toHaveLength(sentBefore);
    expect((await stepsOf(held[1])).find((s) => s.step_index === 0)?.state).toBe('failed');
  });
});
