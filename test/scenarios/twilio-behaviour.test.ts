/**
 * Issue 24, item 1: Press Desk against a fake Twilio that behaves like Twilio. Bundles with a
 * typographic ellipsis stay within their segment budget as Twilio counts segments; delivery
 * callbacks that arrive out of Twilio's order leave the furthest status recorded; a voicemail
 * box's verdict that comes seconds into the page call, or after it, still moves the page on at
 * once; every reply to an inbound text is messaging TwiML Twilio accepts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { smsSize } from '../../src/incidents/holding-line.service.js';
import { twilioSegments } from '../support/fake-twilio-model.js';
import { startHarness, type Harness } from '../support/harness.js';
import { NIGHT_ROTA, nightRota } from '../support/rota.js';
import { repliesOf, smsWithReply } from '../support/sms-reply.js';
import { kindsOf } from '../support/timeline.js';

const { primary: ON_CALL, backup: BACKUP } = NIGHT_ROTA;
const JOURNALIST = '+447911123401';
let h: Harness;
afterEach(async () => h?.close());

/** Christmas Eve 2026, 18:00 (the office closed), the night rota on, pages not bundled unless `config` says otherwise. */
async function start(config: Record<string, unknown> = { onCall: { bundleSeconds: 0 } }) {
  h = await startHarness({ now: '2026-12-24T18:00:00Z', jobs: true, config });
  await nightRota(h);
}

async function urgentEnquiry(subject = 'Fire at the depot', phone = JOURNALIST): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject,
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function providerStatus(sid: string): Promise<string | null> {
  return (
    await h.database.db
      .selectFrom('outbound_message')
      .select('provider_status')
      .where('provider_sid', '=', sid)
      .executeTakeFirstOrThrow()
  ).provider_status;
}

const kinds = (reference: string) => kindsOf(h.database.db, reference);
const minutes = (n: number) => h.clock.advance(n * 60_000);

describe('segments as Twilio counts them', () => {
  it('a storm whose subjects carry typographic ellipses: every bundle is within the configured segments as Twilio bills them, and Press Desk counted the same', async () => {
    await start({ intake: { rateLimit: null, pageRateLimit: null } });
    const budget = h.config.onCall.bundleSegments;
    expect(h.config.onCall.bundleSeconds).toBeGreaterThan(0); // the shipped bundling default
    await urgentEnquiry('Fire at the depot… casualties?');
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    for (let i = 0; i < 12; i++)
      await urgentEnquiry(`Road closures… and diversions ${i} – “urgent”`, `+4479111${String(20_000 + i)}`);
    await h.jobs.settle();
    minutes(3);
    await h.jobs.settle();
    const texts = h.twilio.messages.filter((m) => m.to === ON_CALL);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts.some((m) => m.body!.startsWith('URGENT: 12 more media enquiries'))).toBe(true);
    for (const m of texts) {
      const twilio = twilioSegments(m.body!);
      expect(smsSize(m.body!).segments, m.body).toBe(twilio.segments);
      expect(twilio.segments, m.body).toBeLessThanOrEqual(Math.max(2, budget));
    }
  });
});

describe('status callbacks out of order', () => {
  it('a page SMS reported delivered before sent ends delivered', async () => {
    await start();
    await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await h.twilio.progress(sms, undefined, { reorder: true })).toEqual([204, 204]);
    expect(h.twilio.webhooks.filter((w) => w.kind === 'status').map((w) => w.params.MessageStatus)).toEqual([
      'delivered',
      'sent',
    ]);
    expect(await providerStatus(sms.sid)).toBe('delivered');
  });

  it("an on-call officer's REPLY to the journalist, reported delivered before sent, ends delivered", async () => {
    await start();
    const reference = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const answer = await smsWithReply(h, ON_CALL, `REPLY ${reference} We are on it, a line within the hour.`);
    expect(answer.replies).toHaveLength(1);
    await h.jobs.settle();
    const [reply] = h.twilio.messages.filter((m) => m.to === JOURNALIST && m.body!.includes('We are on it'));
    await h.twilio.progress(reply, undefined, { reorder: true });
    expect(await providerStatus(reply.sid)).toBe('delivered');
  });

  it('in order, the status is the last one posted', async () => {
    await start();
    await urgentEnquiry();
    const [sms] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await h.twilio.progress(sms, ['sent']);
    expect(await providerStatus(sms.sid)).toBe('sent');
    await h.twilio.progress(sms, ['delivered']);
    expect(await providerStatus(sms.sid)).toBe('delivered');
  });
});

describe('an answering machine heard of late', () => {
  /** An urgent enquiry whose page SMS nobody acknowledges, up to the first call. */
  async function untilFirstCall() {
    await start();
    const reference = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    minutes(10);
    const [call] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    return { reference, call };
  }

  it('machine_start a few seconds in, while the summary plays: the page moves to the backup at once and the call is hung up', async () => {
    const { reference, call } = await untilFirstCall();
    const log = await h.twilio.answerCall(call, { answeredBy: 'machine_start' });
    // The summary had started on the voicemail before the verdict came.
    expect(log.said.length).toBeGreaterThan(0);
    expect(log.steps.find((s) => s.kind === 'amd')?.status).toBe(204);
    expect(call.endedByApi).toBe(true);
    const calls = await h.twilio.waitForCalls(2);
    expect(calls[1].to).toBe(BACKUP);
    await h.jobs.settle();
    const k = await kinds(reference);
    expect(k).toContain('page_call_machine');
    expect(k.filter((x) => x === 'escalated')).toHaveLength(1);
  });

  it('machine_start after the whole TwiML was read to the voicemail: still escalates at once, and only once with the completed status', async () => {
    const { reference, call } = await untilFirstCall();
    const log = await h.twilio.answerCall(call, { answeredBy: 'machine_start', amdDelayMs: 120_000 });
    expect(log.ended).toBe('completed');
    expect(h.twilio.webhooks.filter((w) => w.params.CallSid === call.sid).map((w) => w.kind)).toEqual([
      'amd',
      'status',
    ]);
    const calls = await h.twilio.waitForCalls(2);
    expect(calls[1].to).toBe(BACKUP);
    await h.jobs.settle();
    const k = await kinds(reference);
    expect(k.filter((x) => x === 'escalated')).toHaveLength(1);
  });
});

describe('replies to inbound texts are messaging TwiML Twilio sends', () => {
  it("HELP, INFO, REPLY, ACK, an unknown word and a journalist's text each get a valid reply of at most 1,600 characters", async () => {
    await start();
    const reference = await urgentEnquiry('A subject … with “quotes” & <angle brackets> '.repeat(3).trim());
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    for (const body of [
      'HELP',
      `INFO ${reference}`,
      `REPLY ${reference} On it & more <soon>.`,
      'Whatever',
      `ACK ${reference}`,
    ]) {
      const r = await smsWithReply(h, ON_CALL, body);
      expect(r.status, body).toBe(200);
      expect(r.replies.length, body).toBeGreaterThan(0);
    }
    await smsWithReply(h, '+447911555666', 'Hello, I am a journalist with a question about the depot fire.');
    for (const r of repliesOf(h.twilio))
      for (const m of r.replies) expect(m.body.length, r.body).toBeLessThanOrEqual(1600);
    expect(repliesOf(h.twilio).find((r) => r.body === 'HELP')?.replies[0].body).toContain('Press Desk commands');
  });
});
