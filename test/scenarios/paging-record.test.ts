/**
 * What paging leaves on an enquiry's record, step by step, as the desk and a manager read it the
 * next morning: the page and its code, a step skipped and why, a page that ran out of steps (and
 * the log line the operator is alerted by), each escalation and its reason, each delivery receipt
 * with Twilio's error code, the acknowledgement and how it came, the hand-over at closing. And the
 * guards that keep a page from going twice or to the wrong place: a step run again, a step for a
 * page already acknowledged, a late failure of a step the page has moved past. Written from the
 * mutation run of src/oncall/paging.service.ts (docs/testing.md).
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startHarness, type Harness } from '../support/harness.js';
import { journalistPhone, pageOf as pageOfIn, urgentEnquiryFrom } from '../support/paging.js';
import { nightRota } from '../support/rota.js';
import { eventsOf } from '../support/timeline.js';

const SIX_PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
// The shipped onCall.fallbackNumber: an 03 number, which takes no texts.
const FALLBACK = '+443001234567';
const MINUTE = 60_000;

let h: Harness;
const urgentEnquiry = (n = 1) => urgentEnquiryFrom(h, n);
const pageOf = (reference: string) => pageOfIn(h, reference);
const logLines: string[] = [];
afterEach(async () => h?.close());

async function start(opts: { onCall?: Record<string, unknown>; backup?: boolean; now?: string } = {}) {
  logLines.length = 0;
  h = await startHarness({
    now: opts.now ?? SIX_PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0, ...(opts.onCall ?? {}) } },
    log: createLogger('info', { write: (line: string) => void logLines.push(line) }),
  });
  await nightRota(h, opts.backup === false ? { primary: ON_CALL } : { primary: ON_CALL, backup: BACKUP });
}

async function data(reference: string, kind: Parameters<typeof eventsOf>[2]) {
  return (await eventsOf(h.database.db, reference, kind)).map((e) => e.data);
}

/** An urgent enquiry whose page text nobody acknowledges until its call rings, ten minutes on. */
async function untilTheCall() {
  const ref = await urgentEnquiry();
  await h.twilio.waitForMessages(1);
  await h.jobs.settle();
  h.clock.advance(10 * MINUTE);
  const [call] = await h.twilio.waitForCalls(1);
  await h.jobs.settle();
  return { ref, call };
}

async function pageStepJobs() {
  return (await h.jobs.pending()).filter((j) => j.task_identifier === 'page_step');
}

describe('the page and its first step', () => {
  it('records the page with the code the text asks the officer to reply with', async () => {
    await start();
    const ref = await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    const page = await pageOf(ref);
    expect(await data(ref, 'page_created')).toEqual([{ pageId: page.id, shortCode: page.short_code }]);
    expect(sms.body).toContain(`Reply ACK ${page.short_code}`);
  });

  it('waits the first step’s own delay before it sends', async () => {
    await start({ onCall: { escalation: [{ action: 'sms', to: 'oncall', afterSeconds: 90 }] } });
    await urgentEnquiry();
    await h.jobs.settle();
    h.clock.advance(89_000);
    await h.jobs.settle();
    expect(h.twilio.messages).toEqual([]);
    h.clock.advance(1_000);
    await h.twilio.waitForMessages(1);
  });

  it('an enquiry that already has a page gets no second one', async () => {
    await start();
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const enquiry = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('reference', '=', ref)
      .executeTakeFirstOrThrow();
    await h.database.db.transaction().execute((tx) => h.services.paging.schedulePage(tx, enquiry, h.clock.now()));
    await h.jobs.settle();
    expect(await data(ref, 'page_created')).toHaveLength(1);
    expect(h.twilio.messages).toHaveLength(1);
  });
});

describe('steps that page nobody', () => {
  it('"next" with no backup on the rota is skipped, said so, and the fallback is paged at once', async () => {
    await start({ backup: false });
    const { ref } = await untilTheCall(); // step 1: the call
    h.clock.advance(10 * MINUTE); // step 2: the backup, who is not there; step 3, the fallback, at once
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    const page = await pageOf(ref);
    expect(await data(ref, 'page_step_skipped')).toEqual([
      { pageId: page.id, step: 2, to: 'next', reason: 'nobody new to page' },
    ]);
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL, FALLBACK]);
  });

  it('a step of an enquiry closed meanwhile (by a way that cancels no job) is skipped with the reason', async () => {
    await start();
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await sql`UPDATE enquiry SET status = 'closed' WHERE reference = ${ref}`.execute(h.database.db);
    h.clock.advance(10 * MINUTE);
    await h.jobs.settle();
    expect(h.twilio.calls).toEqual([]);
    const page = await pageOf(ref);
    expect(await data(ref, 'page_step_skipped')).toEqual([
      { pageId: page.id, step: 1, to: 'oncall', reason: 'the enquiry was closed' },
    ]);
    // Past the last step there is no "to": the record says none.
    await h.services.paging.runStep(page.id, 4);
    expect((await data(ref, 'page_step_skipped')).at(-1)).toEqual({
      pageId: page.id,
      step: 4,
      to: 'none',
      reason: 'the enquiry was closed',
    });
  });

  it('a call step to the fallback line is a call, and the record does not say "called instead"', async () => {
    await start({
      onCall: {
        escalation: [
          { action: 'sms', to: 'oncall', afterSeconds: 0 },
          { action: 'call', to: 'fallback' },
        ],
      },
    });
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(10 * MINUTE);
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    expect(h.twilio.calls.map((c) => c.to)).toEqual([FALLBACK]);
    expect(await data(ref, 'page_called_instead')).toEqual([]);
  });

  it('a text step to the fallback line is called instead, each step says so once, and a retried step not again', async () => {
    await start({
      onCall: {
        escalation: [
          { action: 'sms', to: 'fallback', afterSeconds: 0 },
          { action: 'sms', to: 'fallback', afterSeconds: 300 },
        ],
      },
    });
    const ref = await urgentEnquiry();
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    const page = await pageOf(ref);
    await h.services.paging.runStep(page.id, 0);
    h.clock.advance(5 * MINUTE);
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    expect(await data(ref, 'page_called_instead')).toEqual([
      { pageId: page.id, step: 0, to: 'fallback', reason: expect.any(String) },
      { pageId: page.id, step: 1, to: 'fallback', reason: expect.any(String) },
    ]);
    expect(h.twilio.messages).toEqual([]);
    expect(h.twilio.calls).toHaveLength(2);
  });

  it('a step whose text Twilio refuses while its call waits for the phone’s bundle does not escalate: the call is still to come', async () => {
    await start({
      onCall: {
        bundleSeconds: 120,
        escalation: [
          { action: 'call', to: 'oncall', afterSeconds: 0 },
          { action: 'sms+call', to: 'oncall', afterSeconds: 60 },
        ],
      },
    });
    const ref = await urgentEnquiry();
    await h.twilio.waitForCalls(1); // 18:00: the call opens the phone's call window to 18:02
    await h.jobs.settle();
    h.twilio.failNext(1, { status: 400, code: 21211, message: 'Invalid To number' });
    h.clock.advance(1 * MINUTE); // 18:01: the text is refused; the call is held to 18:02
    await h.jobs.settle();
    expect(await data(ref, 'escalated')).toEqual([]);
    expect((await pageOf(ref)).status).toBe('active');
    h.clock.advance(1 * MINUTE);
    await h.twilio.waitForCalls(2);
  });
});

describe('a page nobody acknowledges', () => {
  it('is marked exhausted with its number of steps, and the operator’s log says so without personal data', async () => {
    await start({ onCall: { escalation: [{ action: 'sms', to: 'oncall', afterSeconds: 0 }] } });
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(10 * MINUTE);
    await h.jobs.settle();
    const page = await pageOf(ref);
    expect(page.status).toBe('exhausted');
    expect(await data(ref, 'page_exhausted')).toEqual([{ pageId: page.id, steps: 1 }]);
    const line = logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'page not acknowledged after every escalation step');
    expect(line).toMatchObject({ level: 50, pageId: page.id, reference: ref });
    // Its job run again (a worker that stopped before marking it done) alerts nobody twice.
    await h.services.paging.runStep(page.id, 1);
    expect(logLines.filter((l) => l.includes('page not acknowledged after every escalation step'))).toHaveLength(1);
    expect(await data(ref, 'page_exhausted')).toHaveLength(1);
  });
});

describe('escalation at once', () => {
  it('a page text Twilio refuses escalates with the reason on the record', async () => {
    await start();
    h.twilio.failNext(1, { status: 400, code: 21211, message: 'Invalid To number' });
    const ref = await urgentEnquiry();
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    const page = await pageOf(ref);
    expect(await data(ref, 'escalated')).toEqual([{ pageId: page.id, fromStep: 0, reason: 'Twilio refused the page' }]);
  });

  it('a text reported undelivered escalates once, with the status as the reason and Twilio’s code on the receipt, however many times it is reported', async () => {
    await start();
    const ref = await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await h.twilio.sendStatusCallback(sms, 'undelivered', { ErrorCode: '30003' });
    await h.twilio.sendStatusCallback(sms, 'failed', { ErrorCode: '30008' });
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    const page = await pageOf(ref);
    expect(await data(ref, 'escalated')).toEqual([{ pageId: page.id, fromStep: 0, reason: 'sms undelivered' }]);
    expect((await data(ref, 'delivery_receipt')).map((d) => [d.status, d.errorCode])).toEqual([
      ['undelivered', '30003'],
      ['failed', '30008'],
    ]);
    expect(h.twilio.calls).toHaveLength(1);
  });

  it('a late failure of a step the page has moved past escalates nothing', async () => {
    await start();
    const { ref } = await untilTheCall();
    await h.twilio.sendStatusCallback(h.twilio.messages[0], 'undelivered', { ErrorCode: '30003' });
    await h.jobs.settle();
    expect(await data(ref, 'escalated')).toEqual([]);
    expect(h.twilio.calls).toHaveLength(1);
    expect(h.twilio.messages).toHaveLength(1);
  });
});

describe('machines that answer', () => {
  it('each call a machine answers escalates from its own step', async () => {
    await start();
    const { ref, call: first } = await untilTheCall();
    await h.twilio.answerCall(first, { answeredBy: 'machine_start' });
    await h.jobs.settle();
    const [, second] = await h.twilio.waitForCalls(2); // step 2: the backup
    await h.jobs.settle();
    expect(second.to).toBe(BACKUP);
    await h.twilio.answerCall(second, { answeredBy: 'fax' });
    await h.jobs.settle();
    const page = await pageOf(ref);
    expect(await data(ref, 'escalated')).toEqual([
      { pageId: page.id, fromStep: 1, reason: 'call answered by machine_start' },
      { pageId: page.id, fromStep: 2, reason: 'call answered by fax' },
    ]);
    expect((await data(ref, 'page_call_machine')).map((d) => d.step)).toEqual([1, 2]);
  });

  it('a hang-up Twilio refuses is logged with the call and its pages, and the escalation stands', async () => {
    await start();
    const { ref, call } = await untilTheCall();
    h.twilio.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    await h.twilio.answerCall(call, { answeredBy: 'machine_start' });
    await h.jobs.settle();
    const page = await pageOf(ref);
    const warned = logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'could not end a page call a machine answered');
    expect(warned).toMatchObject({ level: 40, sid: call.sid, pageIds: [page.id], status: 500, twilioCode: 20500 });
    expect(await data(ref, 'escalated')).toHaveLength(1);
  });
});

describe('an acknowledgement', () => {
  it('by keypress on a call that carried no page acknowledges nothing, and says so', async () => {
    await start();
    const res = await h.webhook('/twilio/voice?bundle=999999', {
      CallSid: 'CA'.padEnd(34, '0'),
      Digits: '1',
      To: ON_CALL,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('These pages were already acknowledged.');
  });

  it('records how it came, leaves no step job queued, and tells each journalist once', async () => {
    await start({ onCall: { bundleSeconds: 120 } });
    const refs = [await urgentEnquiry(1), await urgentEnquiry(2)];
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(2 * MINUTE);
    await h.twilio.waitForMessages(2);
    await h.jobs.settle();
    expect(await pageStepJobs()).not.toEqual([]);
    await h.sms(ON_CALL, 'ACK');
    await h.jobs.settle();
    expect(await pageStepJobs()).toEqual([]);
    for (const [i, ref] of refs.entries()) {
      expect(await data(ref, 'acknowledged')).toEqual([{ pageId: (await pageOf(ref)).id, via: 'sms' }]);
      expect(h.twilio.messages.filter((m) => m.to === journalistPhone(i + 1))).toHaveLength(1);
    }
  });

  it('after the last step, leaves no job to mark the page exhausted', async () => {
    await start({ onCall: { escalation: [{ action: 'sms', to: 'oncall', afterSeconds: 0 }] } });
    await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect((await pageStepJobs()).map((j) => j.key)).toEqual(['page:1:step:1']);
    await h.sms(ON_CALL, 'ACK');
    await h.jobs.settle();
    expect(await pageStepJobs()).toEqual([]);
  });

  it('a step job that runs for a page already acknowledged sends nothing', async () => {
    await start();
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await h.sms(ON_CALL, 'ACK');
    await h.jobs.settle();
    const sent = h.twilio.messages.length;
    await h.services.paging.runStep((await pageOf(ref)).id, 1);
    expect(h.twilio.calls).toEqual([]);
    expect(h.twilio.messages).toHaveLength(sent);
  });

  it('a step job for a page no longer on record does nothing, and does not fail', async () => {
    await start();
    await expect(h.services.paging.runStep('999999999', 0)).resolves.toBeUndefined();
    expect(h.twilio.messages).toEqual([]);
  });

  it('the notice to a journalist of an enquiry no longer on record is not sent, and does not fail', async () => {
    await start();
    await expect(h.services.paging.notifyJournalistOfAck('999999999')).resolves.toBeUndefined();
    expect(h.twilio.messages).toEqual([]);
  });
});

describe('a journalist who withdraws', () => {
  it('stops the escalation: the record says so and no step job is left', async () => {
    await start();
    const res = await h.postJson('/api/enquiries', {
      name: 'Reporter 1',
      outlet: 'Evening Gazette',
      phone: '+447911123401',
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    const { reference, statusUrl } = (await res.json()) as { reference: string; statusUrl: string };
    const statusToken = statusUrl.split('/status/')[1];
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await h.services.statusPages.withdraw(statusToken, 'Story dropped')).toBe(true);
    expect(await data(reference, 'escalation_stopped')).toEqual([
      { pageId: (await pageOf(reference)).id, reason: 'the enquiry was withdrawn' },
    ]);
    expect(await pageStepJobs()).toEqual([]);
  });
});

describe('the hand-over at closing', () => {
  it('pages an urgent enquiry nobody picked up in hours, saying why', async () => {
    await start({ now: '2026-12-02T16:55:00Z' });
    const ref = await urgentEnquiry();
    h.clock.advance(6 * MINUTE); // 17:01, closed
    expect(await h.services.paging.handOverAtClosing()).toBe(1);
    expect(await data(ref, 'handed_to_on_call')).toEqual([
      { reason: 'urgent and not picked up when the office closed' },
    ]);
  });

  it('does nothing while paging is off', async () => {
    h = await startHarness({
      now: '2026-12-02T16:55:00Z',
      jobs: true,
      env: { TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' },
    });
    await nightRota(h, { primary: ON_CALL });
    const ref = await urgentEnquiry();
    h.clock.advance(6 * MINUTE);
    expect(await h.services.paging.handOverAtClosing()).toBe(0);
    expect(await data(ref, 'handed_to_on_call')).toEqual([]);
    expect(await h.database.db.selectFrom('page').selectAll().execute()).toEqual([]);
  });
});
