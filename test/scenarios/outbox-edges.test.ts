/**
 * The outbox's promises, each where a mutation test (issue 24, item 4: `npm run mutation --
 * --target outbox`) found no test that would notice it broken:
 *
 * - a text goes once per key, however often its job runs, and a text Twilio refuses is not
 *   tried again; a refusal for any reason but STOP (here: over 1,600 characters, 21617) does not
 *   mark the number as opted out;
 * - what Twilio reports of a journalist's text (delivered) reaches the enquiry's timeline;
 * - a call queued for on-call (an incident summary to a landline) runs ahead of calls and texts
 *   queued for journalists, as page texts do: the queue picks the lowest priority first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { queueCall, queueSms } from '../../src/outbox/outbox.service.js';
import { startHarness, type Harness } from '../support/harness.js';
import { eventsOf } from '../support/timeline.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const JOURNALIST = '+447911123477';

let h: Harness;
afterEach(async () => h?.close());

async function outboxRow(key: string) {
  return h.database.db
    .selectFrom('outbound_message')
    .select(['state', 'attempts', 'last_error', 'provider_sid'])
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
}

describe('a plain text in the outbox', () => {
  it('goes to Twilio once per key, however often its job runs', async () => {
    h = await startHarness({ now: WEDNESDAY_10AM });
    const message = { key: 'status-update:once', enquiryId: null, to: JOURNALIST, body: 'Your enquiry was updated.' };
    await h.services.outbox.sendMessage(message);
    await h.services.outbox.sendMessage(message);
    expect(h.twilio.messages.map((m) => m.body)).toEqual(['Your enquiry was updated.']);
    expect(await outboxRow(message.key)).toMatchObject({ state: 'sent', provider_sid: h.twilio.messages[0].sid });
  });

  it('refused by Twilio for its length is failed for good, tried once, and does not mark the number as opted out', async () => {
    h = await startHarness({ now: WEDNESDAY_10AM });
    const message = { key: 'status-update:long', enquiryId: null, to: JOURNALIST, body: 'x'.repeat(1601) };
    await h.services.outbox.sendMessage(message);
    await h.services.outbox.sendMessage(message);
    expect(h.twilio.requests.filter((r) => r.responseStatus >= 400).length).toBe(1);
    const row = await outboxRow(message.key);
    expect(row.state).toBe('failed');
    expect(row.last_error).toContain('21617');
    expect(await h.database.db.selectFrom('sms_opt_out').selectAll().execute()).toEqual([]);
    // The number still takes texts.
    await h.services.outbox.sendMessage({
      key: 'status-update:short',
      enquiryId: null,
      to: JOURNALIST,
      body: 'Short.',
    });
    expect(h.twilio.messages.map((m) => m.body)).toEqual(['Short.']);
  });
});

describe('a journalist’s text about an enquiry', () => {
  it('has Twilio’s delivery report on the enquiry’s timeline', async () => {
    h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Bridge repairs',
      details: 'When do they end?',
    });
    const { reference } = (await res.json()) as { reference: string };
    const enquiry = await h.database.db
      .selectFrom('enquiry')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    await h.services.outbox.sendMessage({
      key: 'reply:1',
      enquiryId: enquiry.id,
      to: JOURNALIST,
      body: 'The repairs end on Friday.',
    });
    const [sent] = h.twilio.messages.filter((m) => m.body?.startsWith('The repairs end on Friday.'));
    await h.twilio.progress(sent, ['sent', 'delivered']);
    expect(
      (await eventsOf(h.database.db, reference, 'sms_out_status')).map((e) => (e.data as { status: string }).status),
    ).toEqual(['sent', 'delivered']);
  });
});

describe('the send queue', () => {
  it('runs a call for on-call ahead of the calls and texts queued for journalists', async () => {
    h = await startHarness({ now: WEDNESDAY_10AM });
    const now = new Date(WEDNESDAY_10AM);
    await h.database.db.transaction().execute(async (tx) => {
      await queueSms(tx, { key: 'j-text', enquiryId: null, to: JOURNALIST, body: 'For a journalist.' }, now);
      await queueCall(
        tx,
        { key: 'j-call', enquiryId: null, to: JOURNALIST, twiml: '<Response><Say>For a journalist.</Say></Response>' },
        now,
      );
      await queueCall(
        tx,
        {
          key: 'oncall-call',
          enquiryId: null,
          to: '+447911200001',
          twiml: '<Response><Say>Incident summary.</Say></Response>',
          lane: 'page',
        },
        now,
      );
      await queueSms(
        tx,
        { key: 'oncall-text', enquiryId: null, to: '+447911200001', body: 'Incident summary.', lane: 'page' },
        now,
      );
    });
    // graphile-worker takes the lowest priority number first, then the oldest.
    const jobs = await h.database.db
      .selectFrom('graphile_worker.jobs' as never)
      .select(['key', 'priority'] as never)
      .orderBy('priority' as never)
      .orderBy('id' as never)
      .execute();
    expect((jobs as Array<{ key: string }>).map((j) => j.key)).toEqual([
      'oncall-call',
      'oncall-text',
      'j-text',
      'j-call',
    ]);
  });
});
