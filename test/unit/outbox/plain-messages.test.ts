/**
 * The outbox's own texts and calls (owner kind `message`: the desk's replies, the on-call
 * officer's callback call), against real PostgreSQL and the fake Twilio, each where a mutation
 * run (issue 24, docs/testing.md "What the outbox run found") found no test that would notice it
 * broken: a journalist gets a text once with a working status link, the timeline says sent or
 * refused and why, a callback call answered by a machine is hung up, Twilio's status of a text
 * (with its error code) reaches the timeline while a call's does not, a claimed row is claimed
 * again and looked up after a crash, and each message goes in its lane.
 */
import type { JobHelpers } from 'graphile-worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smtpSender } from '../../../src/email/smtp.sender.js';
import type { Logger } from '../../../src/log.js';
import { DeliveryStatusService, type StatusOwner } from '../../../src/outbox/delivery-status.js';
import type { OwnerKind } from '../../../src/outbox/outbox.tables.js';
import { SendError } from '../../../src/outbox/send-error.js';
import { claimRow, OutboxService, recordOnRow } from '../../../src/outbox/outbox.service.js';
import { outboxTasks } from '../../../src/outbox/outbox.tasks.js';
import { recordedCallSids } from '../../../src/outbox/outbox.repository.js';
import type { Medium, Sender } from '../../../src/outbox/senders.js';
import { outboxTimeline } from '../../../src/enquiries/outbox-timeline.js';
import { twilioSenders } from '../../../src/telephony/twilio.senders.js';
import type { Lane, SendLimiter } from '../../../src/outbox/send-limits.js';
import { apiEnquiry } from '../../support/enquiry.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../../support/harness.js';
import { eventsOf } from '../../support/timeline.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const STATUS_CALLBACK = `${PUBLIC_BASE_URL}/twilio/status`;
const SAY = '<Response><Say>The on-call press officer will call you back now.</Say></Response>';

let h: Harness;
beforeAll(async () => {
  // Twilio's rates are not what these tests are about (test/unit/outbox/send-limits-pacing.test.ts).
  h = await startHarness({
    now: WEDNESDAY_10AM,
    config: { intake: { rateLimit: null }, twilio: { smsPerSecond: 1000, callsPerSecond: 1000 } },
  });
});
beforeEach(() => h.clock.advance(60_000));
afterAll(async () => h?.close());

let phones = 0;
/** A journalist's number no other test of this file texts or calls. */
function journalistPhone(): string {
  phones += 1;
  return `+4479111234${String(phones).padStart(2, '0')}`;
}

const newEnquiry = (phone: string) => apiEnquiry(h, { phone });

async function outboxRow(key: string) {
  return h.database.db
    .selectFrom('outbound_message')
    .selectAll()
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
}

const textsTo = (phone: string) => h.twilio.messages.filter((m) => m.to === phone);
const callsTo = (phone: string) => h.twilio.calls.filter((c) => c.to === phone);
const hangUps = (sid: string) =>
  h.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/Calls/${sid}.json`));

async function until(what: string, done: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * An outbox whose process dies while sending `medium`: before Twilio is asked, or after Twilio
 * took it but before the answer is recorded (its `deliver` never returns).
 */
function dyingOutbox(medium: 'sms' | 'call', when: 'before Twilio' | 'after Twilio'): OutboxService {
  const real: Record<Medium, Sender> = {
    ...twilioSenders(h.services.gateway, (phone) => recordedCallSids(h.database.db, phone)),
    email: smtpSender(h.config.email),
  };
  const dies: Sender = {
    ...real[medium],
    send: async (m) => {
      if (when === 'after Twilio') await real[medium].send(m);
      return new Promise(() => undefined);
    },
  };
  return new OutboxService({
    timeline: outboxTimeline,
    db: h.database.db,
    clock: h.clock.fn,
    senders: { ...real, [medium]: dies },
    statusCallback: STATUS_CALLBACK,
  });
}

describe('a journalist’s text about an enquiry', () => {
  it('goes once, with a working status link, and the timeline says it was sent', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    const message = {
      key: 'reply:link',
      enquiryId: enquiry.id,
      to: phone,
      body: `We have your enquiry. Follow it here: ${PUBLIC_BASE_URL}/status/[link]`,
    };
    await h.services.outbox.sendMessage(message);
    await h.services.outbox.sendMessage(message);

    const sent = textsTo(phone).filter((m) => m.body?.startsWith('We have your enquiry.'));
    expect(sent).toHaveLength(1);
    const link = sent[0].body!.split('Follow it here: ')[1];
    expect(link).not.toContain('[link]');
    expect((await h.app.request(new URL(link).pathname)).status).toBe(200);
    const events = await eventsOf(h.database.db, enquiry.reference, 'sms_out');
    expect(events.map((e) => e.data)).toEqual([
      // The timeline keeps the text as stored: no working link is written down.
      { to: phone, body: message.body, sid: sent[0].sid, key: message.key },
    ]);
    // The desk shows "(queued)" beside it until Twilio's first callback; its outcome is known, so
    // nothing is looked up at Twilio should it ever be claimed again.
    expect(await outboxRow(message.key)).toMatchObject({
      state: 'sent',
      provider_sid: sent[0].sid,
      provider_status: 'queued',
      outcome_unknown: false,
    });
  });

  it('refused by Twilio: the timeline says so, with Twilio’s reason', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    await h.services.outbox.sendMessage({
      key: 'reply:long',
      enquiryId: enquiry.id,
      to: phone,
      body: 'x'.repeat(1601),
    });
    const [refused] = await eventsOf(h.database.db, enquiry.reference, 'sms_out_failed');
    expect(refused.data).toEqual({ to: phone, error: expect.stringContaining('21617') });
    expect(await eventsOf(h.database.db, enquiry.reference, 'sms_out')).toEqual([]);
    // Refused for good, and Twilio said so: there is nothing at Twilio to look for.
    expect(await outboxRow('reply:long')).toMatchObject({ state: 'failed', outcome_unknown: false });
  });

  it('has Twilio’s error code on the timeline when Twilio could not deliver it', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    await h.services.outbox.sendMessage({
      key: 'reply:lost',
      enquiryId: enquiry.id,
      to: phone,
      body: 'Lost on the way.',
    });
    const [sent] = textsTo(phone).filter((m) => m.body === 'Lost on the way.');
    await h.twilio.sendStatusCallback(sent, 'undelivered', { ErrorCode: '30003' });
    const statuses = await eventsOf(h.database.db, enquiry.reference, 'sms_out_status');
    expect(statuses.map((e) => e.data)).toEqual([{ sid: sent.sid, status: 'undelivered', errorCode: '30003' }]);
  });

  it('tried again after Twilio answered with an error: the text as first stored goes, without a look-up first', async () => {
    const phone = journalistPhone();
    h.twilio.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    await expect(
      h.services.outbox.sendMessage({ key: 'reply:retry', enquiryId: null, to: phone, body: 'First wording.' }),
    ).rejects.toThrow();
    const failed = await outboxRow('reply:retry');
    expect(failed).toMatchObject({ state: 'sending', outcome_unknown: false });
    expect(failed.last_error).toBeTruthy();

    const before = h.twilio.requests.length;
    // The job runs again, its payload changed meanwhile: what was stored is what goes.
    await h.services.outbox.sendMessage({ key: 'reply:retry', enquiryId: null, to: phone, body: 'Second wording.' });
    expect(textsTo(phone).map((m) => m.body)).toEqual(['First wording.']);
    expect(h.twilio.requests.slice(before).filter((r) => r.method === 'GET')).toEqual([]);
  });
});

describe('a text about no enquiry', () => {
  it('goes exactly as written, with nothing filled in, and its delivery report is recorded', async () => {
    const phone = journalistPhone();
    const body = `A test text naming ${PUBLIC_BASE_URL}/status/[link] as it is.`;
    await h.services.outbox.sendMessage({ key: 'plain:no-enquiry', enquiryId: null, to: phone, body });
    const [sent] = textsTo(phone);
    expect(sent.body).toBe(body);
    expect(await outboxRow('plain:no-enquiry')).toMatchObject({ state: 'sent', provider_sid: sent.sid });
    await h.twilio.progress(sent, ['sent', 'delivered']);
    expect((await outboxRow('plain:no-enquiry')).provider_status).toBe('delivered');
  });
});

describe('after the process died mid-send', () => {
  const plain = {
    sms: {
      send: (outbox: OutboxService, key: string, to: string) =>
        outbox.sendMessage({ key, enquiryId: null, to, body: `The text ${key}.` }),
      atTwilio: textsTo,
    },
    call: {
      send: (outbox: OutboxService, key: string, to: string) =>
        outbox.placeCall({ key, enquiryId: null, to, twiml: SAY }),
      atTwilio: callsTo,
    },
  };

  /** The process dies sending `medium`'s message `key` to a new phone (returned once the claim, or Twilio, has it). */
  async function diedSending(medium: 'sms' | 'call', when: 'before Twilio' | 'after Twilio', key: string) {
    const phone = journalistPhone();
    void plain[medium].send(dyingOutbox(medium, when), key, phone);
    if (when === 'after Twilio') await until('Twilio to take it', () => plain[medium].atTwilio(phone).length === 1);
    else await until('the claim', async () => (await outboxRow(key).catch(() => null))?.attempts === 1);
    return phone;
  }

  it.each(['sms', 'call'] as const)(
    'a message (%s) Twilio already took is found and recorded, not sent again',
    async (medium) => {
      const key = `crash:${medium}-taken`;
      const phone = await diedSending(medium, 'after Twilio', key);
      await plain[medium].send(h.services.outbox, key, phone);
      const [taken, ...more] = plain[medium].atTwilio(phone);
      expect(more).toEqual([]);
      expect(await outboxRow(key)).toMatchObject({ state: 'sent', provider_sid: taken.sid });
    },
  );

  it('a text Twilio never saw is sent once', async () => {
    const key = 'crash:text-not-taken';
    const phone = await diedSending('sms', 'before Twilio', key);
    await plain.sms.send(h.services.outbox, key, phone);
    expect(textsTo(phone).map((m) => m.body)).toEqual([`The text ${key}.`]);
    expect(await outboxRow(key)).toMatchObject({ state: 'sent', provider_sid: textsTo(phone)[0].sid });
  });

  it('a call Twilio never saw is placed, even when another call to the same phone was placed meanwhile', async () => {
    const key = 'crash:call-not-placed';
    const phone = await diedSending('call', 'before Twilio', key);
    await plain.call.send(h.services.outbox, 'other-call', phone);
    await plain.call.send(h.services.outbox, key, phone);
    const [other, own] = callsTo(phone);
    expect(callsTo(phone)).toHaveLength(2);
    expect(await outboxRow('other-call')).toMatchObject({ provider_sid: other.sid });
    expect(await outboxRow(key)).toMatchObject({ state: 'sent', provider_sid: own.sid });
  });
});

describe('the on-call officer’s callback call', () => {
  it('answered by a machine: hung up once, and the timeline says a machine answered', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    const key = 'callback:machine';
    await h.services.outbox.placeCall({ key, enquiryId: enquiry.id, to: phone, twiml: SAY, detectMachine: true });
    const [call] = callsTo(phone);
    expect(call.params.MachineDetection).toBe('Enable');
    expect((await eventsOf(h.database.db, enquiry.reference, 'call_out')).map((e) => e.data)).toEqual([
      { to: phone, sid: call.sid, key },
    ]);
    await h.twilio.answerCall(call, { answeredBy: 'machine_start' });
    expect(call.endedByApi).toBe(true);
    // Twilio posts the verdict again: nothing more is said or done.
    await h.services.deliveryStatus.handleAnswer({ sid: call.sid, answeredBy: 'machine_start' });
    expect(hangUps(call.sid)).toHaveLength(1);
    const answered = await eventsOf(h.database.db, enquiry.reference, 'callback_answered');
    expect(answered.map((e) => e.data)).toEqual([{ key, sid: call.sid, answeredBy: 'machine_start' }]);
  });

  it('called back a second time: the second call’s answer is said and acted on too', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    for (const key of ['callback:first', 'callback:second']) {
      await h.services.outbox.placeCall({ key, enquiryId: enquiry.id, to: phone, twiml: SAY, detectMachine: true });
      h.clock.advance(60_000);
    }
    const [first, second] = callsTo(phone);
    await h.twilio.answerCall(first, { answeredBy: 'human' });
    await h.twilio.answerCall(second, { answeredBy: 'machine_end_beep' });
    expect(second.endedByApi).toBe(true);
    const answered = await eventsOf(h.database.db, enquiry.reference, 'callback_answered');
    expect(answered.map((e) => e.data)).toEqual([
      { key: 'callback:first', sid: first.sid, answeredBy: 'human' },
      { key: 'callback:second', sid: second.sid, answeredBy: 'machine_end_beep' },
    ]);
  });

  it('answered by a person: the call goes on, and the timeline says a person answered', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    await h.services.outbox.placeCall({
      key: 'callback:human',
      enquiryId: enquiry.id,
      to: phone,
      twiml: SAY,
      detectMachine: true,
    });
    const [call] = callsTo(phone);
    await h.twilio.answerCall(call, { answeredBy: 'human' });
    expect(call.endedByApi).toBeFalsy();
    const answered = await eventsOf(h.database.db, enquiry.reference, 'callback_answered');
    expect(answered.map((e) => (e.data as { answeredBy: string }).answeredBy)).toEqual(['human']);
  });

  it('its call status adds nothing to the timeline (the dial reports how it ended)', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    await h.services.outbox.placeCall({ key: 'callback:status', enquiryId: enquiry.id, to: phone, twiml: SAY });
    const [call] = callsTo(phone);
    await h.twilio.progress(call);
    expect((await outboxRow('callback:status')).provider_status).toBe('completed');
    expect(await eventsOf(h.database.db, enquiry.reference, 'sms_out_status')).toEqual([]);
  });

  it('refused by Twilio: the timeline says so, with Twilio’s error code', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    const twiml = `<Response><Say>${'x'.repeat(4001)}</Say></Response>`;
    await h.services.outbox.placeCall({ key: 'callback:refused', enquiryId: enquiry.id, to: phone, twiml });
    const [refused] = await eventsOf(h.database.db, enquiry.reference, 'call_out_failed');
    expect(refused.data).toEqual({ to: phone, error: expect.stringContaining('32018') });
  });
});

describe('a call about no enquiry', () => {
  it('is placed without answering-machine detection unless asked, and a machine’s answer leaves it playing', async () => {
    const phone = journalistPhone();
    await h.services.outbox.placeCall({ key: 'summary:said', enquiryId: null, to: phone, twiml: SAY });
    const [call] = callsTo(phone);
    expect(call.params.MachineDetection).toBeUndefined();
    await h.services.deliveryStatus.handleAnswer({ sid: call.sid, answeredBy: 'machine_start' });
    expect(hangUps(call.sid)).toEqual([]);
  });
});

describe('an owner’s outbound row (claimRow)', () => {
  it('is created claimed; claimed again it takes the new text, counts the attempt, and says when to look first', async () => {
    const claim = (existingId: string | null, to: string, content: string) =>
      h.database.db.transaction().execute((tx) =>
        claimRow(tx, existingId, {
          ownerKind: 'message',
          medium: 'sms',
          key: 'claim:row',
          to,
          content,
          at: h.clock.now(),
        }),
      );
    const first = await claim(null, '+447911000001', 'one');
    expect(first.lookUpFirst).toBe(false);
    // The first attempt's process died before recording anything: its outcome is unknown.
    expect(await claim(first.id, '+447911000002', 'two')).toEqual({ id: first.id, lookUpFirst: true });
    expect(await outboxRow('claim:row')).toMatchObject({ attempts: 2, to_number: '+447911000002', content: 'two' });
    // Twilio answered that attempt with an error: it has nothing to look for.
    await recordOnRow(h.database.db, first.id, { outcome_unknown: false, last_error: 'Twilio 500' });
    expect(await claim(first.id, '+447911000002', 'two')).toEqual({ id: first.id, lookUpFirst: false });
    expect(await outboxRow('claim:row')).toMatchObject({ attempts: 3, outcome_unknown: true });
  });

  it('claimed again after its row is gone: fails naming the row, rather than going out as a first attempt', async () => {
    const claim = h.database.db.transaction().execute((tx) =>
      claimRow(tx, '999999999', {
        ownerKind: 'message',
        medium: 'sms',
        key: 'claim:gone',
        to: '+447911000003',
        content: 'three',
        at: h.clock.now(),
      }),
    );
    await expect(claim).rejects.toThrow('outbound message 999999999 does not exist');
  });
});

describe('the sending lane', () => {
  function laneRecordingOutbox() {
    const lanes: string[] = [];
    const limiter = {
      acquire: async (medium: Medium, lane: Lane) => void lanes.push(`${medium} ${lane}`),
    } as unknown as SendLimiter;
    const sender: Sender = {
      send: async () => ({ sid: `SX${lanes.length}`, status: 'queued' }),
      findEarlier: async () => null,
    };
    const outbox = new OutboxService({
      timeline: outboxTimeline,
      db: h.database.db,
      clock: h.clock.fn,
      senders: { sms: sender, call: sender, email: sender },
      statusCallback: STATUS_CALLBACK,
      limiter,
    });
    return { outbox, lanes };
  }

  it('is a journalist’s unless a text or call is marked as a page; emails go as a journalist’s', async () => {
    const { outbox, lanes } = laneRecordingOutbox();
    await outbox.sendMessage({ key: 'lane:text', enquiryId: null, to: '+447911000010', body: 'To a journalist.' });
    await outbox.sendMessage({
      key: 'lane:page-text',
      enquiryId: null,
      to: '+447911000011',
      body: 'Page.',
      lane: 'page',
    });
    await outbox.placeCall({ key: 'lane:call', enquiryId: null, to: '+447911000010', twiml: SAY });
    await outbox.placeCall({ key: 'lane:page-call', enquiryId: null, to: '+447911000011', twiml: SAY, lane: 'page' });
    await outbox.sendEmail({ key: 'lane:email', enquiryId: null, to: 'ann@example.org', content: '{}' });
    expect(lanes).toEqual(['sms journalist', 'sms page', 'call journalist', 'call page', 'email journalist']);
  });

  it('the outbox’s tasks send what their jobs carry, each by its medium', async () => {
    const { outbox, lanes } = laneRecordingOutbox();
    const tasks = outboxTasks(outbox);
    const helpers = {} as JobHelpers;
    await tasks.send_email({ key: 'task:email', enquiryId: null, to: 'ann@example.org', content: '{}' }, helpers);
    await tasks.send_sms({ key: 'task:text', enquiryId: null, to: '+447911000012', body: 'Text.' }, helpers);
    await tasks.place_call({ key: 'task:call', enquiryId: null, to: '+447911000012', twiml: SAY }, helpers);
    expect(lanes).toEqual(['email journalist', 'sms journalist', 'call journalist']);
    expect(await outboxRow('task:email')).toMatchObject({
      medium: 'email',
      state: 'sent',
      to_number: 'ann@example.org',
    });
  });
});

describe('Twilio’s callbacks about rows Press Desk does not know, or cannot act on', () => {
  function routed(owners: Partial<Record<OwnerKind, StatusOwner>> = {}) {
    const logs: string[] = [];
    const log = {
      warn: (o: object, m: string) => void logs.push(`warn ${m} ${JSON.stringify(o)}`),
      error: (o: object, m: string) => void logs.push(`error ${m} ${JSON.stringify(o)}`),
      info: () => undefined,
      debug: () => undefined,
    } as unknown as Logger;
    const service = new DeliveryStatusService({
      db: h.database.db,
      clock: h.clock.fn,
      log,
      owners: { page_step: h.services.outbox, message: h.services.outbox, ...owners },
    });
    return { service, logs };
  }

  /** A callback call of owner `message` that Twilio has, as `sid`. */
  async function placedCall(sid: string, enquiryId: string | null = null) {
    const id = await h.database.db.transaction().execute(async (tx) => {
      const r = await claimRow(tx, null, {
        ownerKind: 'message',
        medium: 'call',
        key: `routed:${sid}`,
        to: journalistPhone(),
        content: SAY,
        at: h.clock.now(),
      });
      await recordOnRow(tx, r.id, { state: 'sent', outcome_unknown: false, provider_sid: sid });
      return r.id;
    });
    if (enquiryId)
      await h.database.db.updateTable('outbound_message').set({ enquiry_id: enquiryId }).where('id', '=', id).execute();
  }

  it('a delivery status for an unknown SID is logged (ids only) and otherwise ignored', async () => {
    const { service, logs } = routed();
    await service.handle({ sid: 'SMunknown00000000000000000000000', status: 'delivered', medium: 'sms' });
    expect(logs).toEqual([
      'warn status callback for an unknown SID {"sid":"SMunknown00000000000000000000000","status":"delivered"}',
    ]);
  });

  it('an answering-machine verdict for an unknown SID, or a text’s, is logged and ignored', async () => {
    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    await h.services.outbox.sendMessage({ key: 'routed:text', enquiryId: enquiry.id, to: phone, body: 'A text.' });
    const [text] = textsTo(phone).filter((m) => m.body === 'A text.');
    const { service, logs } = routed();
    await service.handleAnswer({ sid: 'CAunknown00000000000000000000000', answeredBy: 'machine_start' });
    await service.handleAnswer({ sid: text.sid, answeredBy: 'machine_start' });
    expect(logs).toEqual([
      'warn answering-machine callback for an unknown SID {"sid":"CAunknown00000000000000000000000","answeredBy":"machine_start"}',
      `warn answering-machine callback for an unknown SID {"sid":"${text.sid}","answeredBy":"machine_start"}`,
    ]);
    expect(await eventsOf(h.database.db, enquiry.reference, 'callback_answered')).toEqual([]);
  });

  it('a verdict on a call whose owner does not ask for one is ignored, and a person’s answer leaves nothing to do', async () => {
    await placedCall('CAnoverdict0000000000000000000000');
    const noVerdicts = routed({ message: { onStatus: async () => undefined } });
    await noVerdicts.service.handleAnswer({ sid: 'CAnoverdict0000000000000000000000', answeredBy: 'machine_start' });
    expect(noVerdicts.logs).toEqual([]);

    const phone = journalistPhone();
    const enquiry = await newEnquiry(phone);
    await placedCall('CAhuman000000000000000000000000000', enquiry.id);
    const { service, logs } = routed();
    await service.handleAnswer({ sid: 'CAhuman000000000000000000000000000', answeredBy: 'human' });
    expect(logs).toEqual([]);
    expect(await eventsOf(h.database.db, enquiry.reference, 'callback_answered')).toHaveLength(1);
  });

  it('a hang-up that fails is logged (ids and the error’s name only) and does not fail the callback', async () => {
    await placedCall('CAhangupfails000000000000000000000');
    const failing: StatusOwner = {
      onStatus: async () => undefined,
      onAnswered: async () => async () => {
        throw new SendError('Twilio 20404: not found', { retryable: false });
      },
    };
    const { service, logs } = routed({ message: failing });
    await service.handleAnswer({ sid: 'CAhangupfails000000000000000000000', answeredBy: 'machine_start' });
    expect(logs).toEqual([
      'error work after an answering-machine callback failed {"sid":"CAhangupfails000000000000000000000","err":"SendError"}',
    ]);
  });

  it('work after a verdict that fails with something that is not an error is logged as unknown, never as what it said', async () => {
    await placedCall('CAhangupodd00000000000000000000000');
    const odd: StatusOwner = {
      onStatus: async () => undefined,
      // A library that rejects with a bare value (here one that names a number) instead of an Error.
      onAnswered: async () => () => Promise.reject('no route to +447911000004'),
    };
    const { service, logs } = routed({ message: odd });
    await service.handleAnswer({ sid: 'CAhangupodd00000000000000000000000', answeredBy: 'machine_start' });
    expect(logs).toEqual([
      'error work after an answering-machine callback failed {"sid":"CAhangupodd00000000000000000000000","err":"unknown"}',
    ]);
  });
});
