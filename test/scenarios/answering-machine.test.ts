/**
 * Page calls and voicemail boxes: escalation calls ask Twilio for asynchronous answering-machine
 * detection; a machine (or fax) answering counts as not answered, so the page moves on at once
 * instead of waiting out the acknowledgement timeout, and the call is hung up through the API.
 */
import { afterEach, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/log.js';
import type { FakeTwilioRecord } from '../support/fake-twilio.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: the office is closed.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(log?: Logger) {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0 } },
    ...(log ? { log } : {}),
  });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: BACKUP });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  await h.services.rota.addShift({ phone: BACKUP, role: 'backup', startsAt: from, endsAt: to, createdBy: 'test' });
}

/** An urgent enquiry out of hours whose page SMS nobody acknowledges, up to the first call (placed and recorded). */
async function untilFirstCall(log?: Logger): Promise<{ reference: string; call: FakeTwilioRecord }> {
  await start(log);
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  const { reference } = (await res.json()) as { reference: string };
  await h.twilio.waitForMessages(1);
  await h.jobs.settle();
  h.clock.advance(10 * MINUTE);
  const [call] = await h.twilio.waitForCalls(1);
  await h.jobs.settle();
  return { reference, call };
}

/**
 * Twilio's asynchronous answering-machine callback for `call` posted again (as Twilio does when it
 * thinks a callback failed): signed, and without a CallStatus.
 */
async function repeatVerdict(call: FakeTwilioRecord, who: string): Promise<number> {
  const res = await h.webhook('/twilio/status', {
    CallSid: call.sid,
    AccountSid: h.twilio.accountSid,
    AnsweredBy: who,
    MachineDetectionDuration: '2310',
  });
  return res.status;
}

/** The requests that hung up `call` through the REST API. */
function endRequests(call: FakeTwilioRecord) {
  return h.twilio.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === `/2010-04-01/Accounts/${h.twilio.accountSid}/Calls/${call.sid}.json` &&
      new URLSearchParams(r.body).get('Status') === 'completed',
  );
}

async function events(reference: string) {
  return h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select(['enquiry_event.kind', 'enquiry_event.data'])
    .where('enquiry.reference', '=', reference)
    .orderBy('enquiry_event.id')
    .execute();
}

async function kinds(reference: string): Promise<string[]> {
  return (await events(reference)).map((e) => e.kind);
}

async function pageStatus(): Promise<string> {
  return (await h.database.db.selectFrom('page').select('status').executeTakeFirstOrThrow()).status;
}

it('places the page call with asynchronous answering-machine detection reporting to the status callback', async () => {
  const { call } = await untilFirstCall();
  expect(call.to).toBe(ON_CALL);
  expect(call.params).toMatchObject({
    MachineDetection: 'Enable',
    AsyncAmd: 'true',
    AsyncAmdStatusCallback: `${PUBLIC_BASE_URL}/twilio/status`,
    AsyncAmdStatusCallbackMethod: 'POST',
  });
});

it('a voicemail box answering moves the page to the next step at once, hangs up, and says so on the timeline', async () => {
  const { reference, call } = await untilFirstCall();
  expect(h.twilio.calls).toHaveLength(1);
  const log = await h.twilio.answerCall(call, { answeredBy: 'machine_end_beep' });
  expect(log.steps.find((st) => st.kind === 'amd')?.status).toBe(204);

  // Hung up through the API while the summary played, so it is not left on the voicemail.
  expect(call.endedByApi).toBe(true);
  expect(log.ended).toBe('ended-by-api');
  // No clock advance: the next step (text and call to the backup) goes now, not after ten minutes.
  const calls = await h.twilio.waitForCalls(2);
  expect(calls[1].to).toBe(BACKUP);
  await h.jobs.settle();
  expect(h.twilio.messages.filter((m) => m.to === BACKUP)).toHaveLength(1);

  const timeline = await events(reference);
  const page = await h.database.db.selectFrom('page').select('id').executeTakeFirstOrThrow();
  expect(timeline.find((e) => e.kind === 'page_call_machine')?.data).toEqual({
    pageId: page.id,
    step: 1,
    sid: call.sid,
    answeredBy: 'machine_end_beep',
  });
  expect(timeline.find((e) => e.kind === 'escalated')?.data).toMatchObject({ pageId: page.id, fromStep: 1 });
  const k = timeline.map((e) => e.kind);
  expect(k.indexOf('page_call_machine')).toBeGreaterThan(k.indexOf('page_call_placed'));
  expect(k.filter((x) => x === 'escalated')).toHaveLength(1);
  expect(await pageStatus()).toBe('active');
});

it('a fax answering counts as a machine too', async () => {
  const { reference, call } = await untilFirstCall();
  await h.twilio.answerCall(call, { answeredBy: 'fax' });
  await h.twilio.waitForCalls(2);
  expect(call.endedByApi).toBe(true);
  expect(await kinds(reference)).toEqual(expect.arrayContaining(['page_call_machine', 'escalated']));
});

it('a person answering changes nothing: pressing 1 acknowledges and nothing escalates', async () => {
  const { reference, call } = await untilFirstCall();
  const log = await h.twilio.answerCall(call, { answeredBy: 'human', digits: ['1'] });
  expect(log.steps.find((st) => st.kind === 'amd')?.status).toBe(204);
  expect(log.said.join(' ')).toContain('Acknowledged');
  expect(call.endedByApi).toBeUndefined();
  h.clock.advance(30 * MINUTE);
  await h.jobs.settle();
  expect(h.twilio.calls).toHaveLength(1);
  expect(await pageStatus()).toBe('acknowledged');
  const k = await kinds(reference);
  expect(k).not.toContain('page_call_machine');
  expect(k).not.toContain('escalated');
});

it('an unknown verdict leaves it to the keypress: no keypress, the page waits out its timeout', async () => {
  const { reference, call } = await untilFirstCall();
  await h.twilio.answerCall(call, { answeredBy: 'unknown' });
  await h.jobs.settle();
  expect(call.endedByApi).toBeUndefined();
  expect(h.twilio.calls).toHaveLength(1);
  expect(await kinds(reference)).not.toContain('page_call_machine');
  h.clock.advance(10 * MINUTE);
  await h.twilio.waitForCalls(2);
});

it('a machine answer after the page was acknowledged does not escalate', async () => {
  const { reference, call } = await untilFirstCall();
  await h.sms(ON_CALL, 'ACK');
  expect(await pageStatus()).toBe('acknowledged');
  await h.jobs.settle();
  const texts = h.twilio.messages.length;

  await h.twilio.answerCall(call, { answeredBy: 'machine_start' });
  await h.jobs.settle();
  h.clock.advance(30 * MINUTE);
  await h.jobs.settle();
  expect(h.twilio.calls).toHaveLength(1);
  expect(h.twilio.messages).toHaveLength(texts);
  expect(await pageStatus()).toBe('acknowledged');
  expect(await kinds(reference)).not.toContain('escalated');
  expect(await h.jobs.pending()).toEqual([]);
  // The enquiry is not read on to the voicemail box all the same.
  expect(await kinds(reference)).toContain('page_call_machine');
  expect(call.endedByApi).toBe(true);
});

it('a repeated verdict, and the call status that follows, escalate once', async () => {
  const { reference, call } = await untilFirstCall();
  // The verdict, the hang-up and the 'completed' status that follows it.
  await h.twilio.answerCall(call, { answeredBy: 'machine_start' });
  // Twilio retries a callback it thinks failed: two at once, then another, then a late status.
  expect(await Promise.all([repeatVerdict(call, 'machine_start'), repeatVerdict(call, 'machine_start')])).toEqual([
    204, 204,
  ]);
  expect(await repeatVerdict(call, 'machine_end_silence')).toBe(204);
  expect(await h.twilio.sendStatusCallback(call, 'no-answer')).toBe(204);
  await h.twilio.waitForCalls(2);
  await h.jobs.settle();
  expect(await h.twilio.sendStatusCallback(call, 'no-answer')).toBe(204);
  await h.jobs.settle();

  expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL, BACKUP]);
  expect(h.twilio.messages.filter((m) => m.to === BACKUP)).toHaveLength(1);
  const k = await kinds(reference);
  expect(k.filter((x) => x === 'page_call_machine')).toHaveLength(1);
  expect(k.filter((x) => x === 'escalated')).toHaveLength(1);
  expect(endRequests(call)).toHaveLength(1);
  // The backup's step keeps its own acknowledgement timer: one next step queued, ten minutes on.
  const pending = await h.jobs.pending();
  expect(pending).toHaveLength(1);
  expect(pending[0].run_at.getTime() - Date.now()).toBeGreaterThan(9 * MINUTE);
});

it('a call that cannot be hung up is logged, and the page escalates all the same', async () => {
  const lines: string[] = [];
  const { reference, call } = await untilFirstCall(
    createLogger('warn', { write: (line: string) => void lines.push(line) }),
  );
  h.twilio.setDown(true);
  expect(await repeatVerdict(call, 'machine_start')).toBe(204);
  expect(endRequests(call)).toHaveLength(1);
  expect(endRequests(call)[0].responseStatus).toBe(500);
  const logged = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'could not end a page call a machine answered');
  expect(logged).toMatchObject({ sid: call.sid, status: 500, twilioCode: 20500 });
  // Ids only: not the number rung, nor what the call said.
  expect(JSON.stringify(logged)).not.toContain(ON_CALL.slice(1));
  h.twilio.setDown(false);
  // The next step may have been tried while Twilio was down: it is retried, not lost.
  for (let i = 0; i < 3 && h.twilio.calls.length < 2; i++) {
    await h.jobs.settle();
    await h.jobs.retryNow();
  }
  await h.twilio.waitForCalls(2);
  expect(await kinds(reference)).toEqual(expect.arrayContaining(['page_call_machine', 'escalated']));
});

it('a verdict about a call we did not place is answered 204 and changes nothing', async () => {
  const { reference } = await untilFirstCall();
  const before = await kinds(reference);
  const res = await h.webhook('/twilio/status', {
    CallSid: `CA${'0'.repeat(32)}`,
    AccountSid: h.twilio.accountSid,
    AnsweredBy: 'machine_start',
    MachineDetectionDuration: '900',
  });
  expect(res.status).toBe(204);
  await h.jobs.settle();
  expect(await kinds(reference)).toEqual(before);
  expect(h.twilio.calls).toHaveLength(1);
});

it("refuses a callback with neither a status nor a verdict, or a verdict that is not Twilio's", async () => {
  const { call } = await untilFirstCall();
  expect((await h.webhook('/twilio/status', { CallSid: call.sid, AccountSid: h.twilio.accountSid })).status).toBe(400);
  expect(
    (
      await h.webhook('/twilio/status', {
        CallSid: call.sid,
        AccountSid: h.twilio.accountSid,
        AnsweredBy: 'machine; DROP',
      })
    ).status,
  ).toBe(400);
  await h.jobs.settle();
  expect(h.twilio.calls).toHaveLength(1);
});
