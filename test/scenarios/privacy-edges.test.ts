/**
 * The edges of subject access and erasure that the issue 24 mutation run of src/privacy/
 * (docs/testing.md "Mutation testing") found untested, each as a data protection officer or the
 * people around the journalist would notice it: who a request is about, as typed; a request
 * about someone with no enquiry; a second erasure of the same journalist, which must touch
 * nobody else's texts, digest lines or waiting jobs; what joined no enquiry but names them; the
 * export, enquiry by enquiry; an open enquiry closed as erased in office hours.
 */
import type { JobHelpers } from 'graphile-worker';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ackRecipientKey } from '../../src/enquiries/acknowledgement.js';
import { AppError } from '../../src/http/errors.js';
import { recordSent } from '../../src/email/email.repository.js';
import { queueSms } from '../../src/outbox/outbox.service.js';
import { eraseEnquiries } from '../../src/privacy/privacy.repository.js';
import { privacyTasks } from '../../src/privacy/privacy.tasks.js';
import { apiEnquiry } from '../support/enquiry.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const DPO = { userId: null, email: 'dpo@press.example' };
const ON_CALL = '+447911200001';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null, pageRateLimit: null } } });
});
beforeEach(() => h.clock.advance(60_000));
afterAll(async () => h?.close());

let people = 0;
/** A journalist of this test alone: their number (E.164 and as typed at home) and address. */
function journalist() {
  people += 1;
  const n = String(people).padStart(2, '0');
  return { phone: `+4479111235${n}`, national: `07911 1235${n}`, email: `jo.${n}@news.example` };
}

const enquiry = (fields: Record<string, unknown>) =>
  apiEnquiry(h, { name: 'Jo Reporter', outlet: 'Weekly Echo', subject: 'Depot fire', ...fields });

async function audited(action: string) {
  return h.database.db
    .selectFrom('audit_log')
    .select(['user_email', 'detail'])
    .where('action', '=', action)
    .where('user_email', '=', DPO.email)
    .orderBy('id')
    .execute();
}

/** A text to the press office number that joined no enquiry (an officer's command and its reply). */
async function orphanText(sid: string, from: string, body: string, reply: string): Promise<void> {
  await h.database.db
    .insertInto('sms_inbound')
    .values({ message_sid: sid, from_number: from, body, reply, enquiry_id: null, received_at: h.clock.now() })
    .execute();
}

async function orphanTexts(...sids: string[]) {
  return h.database.db
    .selectFrom('sms_inbound')
    .select(['message_sid', 'body', 'reply'])
    .where('message_sid', 'in', sids)
    .orderBy('message_sid')
    .execute();
}

/** The morning digest's text to a manager: one line an enquiry, starting with its reference. */
async function digestText(key: string, content: string): Promise<void> {
  await h.database.db
    .insertInto('outbound_message')
    .values({
      idempotency_key: key,
      enquiry_id: null,
      owner_kind: 'message',
      medium: 'sms',
      to_number: '+447911200009',
      content,
      state: 'sent',
      created_at: h.clock.now(),
    })
    .execute();
}

async function digestContent(key: string): Promise<string | null> {
  const r = await h.database.db
    .selectFrom('outbound_message')
    .select('content')
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
  return r.content;
}

describe('who a request is about, as the manager typed it', () => {
  const problem = (input: { phone?: string; email?: string }): AppError => {
    try {
      h.services.privacy.parseJournalist(input);
    } catch (err) {
      if (err instanceof AppError) return err;
      throw err;
    }
    throw new Error(`accepted ${JSON.stringify(input)}`);
  };

  it('takes a number and an address with spaces around them (pasted from an email)', () => {
    expect(h.services.privacy.parseJournalist({ phone: '  07911 123456 ', email: '  Jo@News.example  ' })).toEqual({
      phone: '+447911123456',
      email: 'Jo@News.example',
    });
  });

  it('asks for a number or an address when neither is given, or only spaces', () => {
    for (const input of [{}, { phone: '', email: '' }, { phone: '   ', email: ' ' }]) {
      const e = problem(input);
      expect(e.code).toBe('validation');
      expect(e.message).toBe('Say who the request is about');
      expect(e.details.fields).toEqual({ phone: 'Enter the journalist’s phone number or email address' });
    }
  });

  it('refuses an address with a space in it or words after it, rather than searching for part of it', () => {
    for (const email of ['jo smith@news.example', 'jo@news.example please', 'jo@@news.example']) {
      expect(problem({ email }).details.fields, email).toEqual({
        email: 'Enter an email address, like name@example.com',
      });
    }
  });
});

describe('a request about someone with no enquiry', () => {
  it('exports nothing, lists nothing open, erases nothing, and both requests are on the record', async () => {
    const nobody = { phone: '+447911000999', email: null };
    expect(await h.services.privacy.openEnquiriesOf(nobody)).toEqual([]);
    const exported = await h.services.privacy.export(nobody, DPO);
    expect(exported.enquiries).toEqual([]);
    expect(exported.smsOptOut).toBeNull();
    expect(await h.services.privacy.erase(nobody, DPO)).toEqual({ erased: 0, references: [], closed: [] });
    expect((await audited('journalist.exported')).at(-1)?.detail).toEqual({ enquiries: 0 });
    expect((await audited('journalist.erased')).at(-1)?.detail).toEqual({ enquiries: 0 });
  });
});

describe('erasing a journalist', () => {
  it('erases texts that joined no enquiry but name them (their number as typed at home, spaced or not, or their address in any case), and their acknowledgement counters', async () => {
    const jo = journalist();
    await enquiry({ phone: jo.phone, email: jo.email });
    await orphanText('SMorphan-spaced', ON_CALL, `INFO ${jo.national}`, 'No enquiry found');
    await orphanText('SMorphan-joined', ON_CALL, `INFO ${jo.national.replace(' ', '')}`, 'No enquiry found');
    await orphanText('SMorphan-email', ON_CALL, `INFO ${jo.email.toUpperCase()}`, 'No enquiry found');
    await orphanText('SMorphan-other', ON_CALL, 'INFO 07700 900123', 'No enquiry found');
    const counters = [ackRecipientKey({ phone: jo.phone }), ackRecipientKey({ email: jo.email })];
    for (const key of counters)
      await sql`INSERT INTO rate_limit (key, points) VALUES (${key}, 1)`.execute(h.database.db);

    await h.services.privacy.erase({ phone: jo.phone, email: jo.email }, DPO);

    expect(await orphanTexts('SMorphan-email', 'SMorphan-joined', 'SMorphan-other', 'SMorphan-spaced')).toEqual([
      { message_sid: 'SMorphan-email', body: '[erased]', reply: '[erased]' },
      { message_sid: 'SMorphan-joined', body: '[erased]', reply: '[erased]' },
      { message_sid: 'SMorphan-other', body: 'INFO 07700 900123', reply: 'No enquiry found' },
      { message_sid: 'SMorphan-spaced', body: '[erased]', reply: '[erased]' },
    ]);
    const left = await sql<{ key: string }>`SELECT key FROM rate_limit WHERE key = ANY(${counters}::text[])`.execute(
      h.database.db,
    );
    expect(left.rows).toEqual([]);
  });

  it('erases their lines of the morning digest’s text and keeps everyone else’s', async () => {
    const jo = journalist();
    const mine = await enquiry({ phone: jo.phone, subject: 'Depot fire' });
    const other = await enquiry({ phone: journalist().phone, subject: 'Road closed' });
    await digestText(
      'digest:one',
      `Overnight: 2 enquiries\n${mine.reference} URGENT by 14:00: Depot fire\n${other.reference}: Road closed`,
    );
    await h.services.privacy.erase({ phone: jo.phone, email: null }, DPO);
    expect(await digestContent('digest:one')).toBe(
      `Overnight: 2 enquiries\n${mine.reference}: [erased]\n${other.reference}: Road closed`,
    );
  });

  it('a second time, when everything of theirs is already erased, touches nobody else: texts to the desk, the digest’s text, jobs waiting', async () => {
    const jo = journalist();
    const theirs = await enquiry({ phone: jo.phone });
    await h.services.privacy.erase({ phone: jo.phone, email: null }, DPO);

    // Someone else's command and the reply it got, the digest, and a reply to another journalist waiting to go.
    const other = journalist();
    const others = await enquiry({ phone: other.phone, subject: 'Road closed' });
    await orphanText('SMsecond-other', ON_CALL, `NOTE ${others.reference} called back`, `Noted on ${others.reference}`);
    await digestText('digest:two', `Overnight: 1 enquiry\n${others.reference}: Road closed`);
    const later = new Date(h.clock.now().getTime() + 3_600_000);
    await h.database.db
      .transaction()
      .execute((tx) =>
        queueSms(tx, { key: 'second:later', enquiryId: others.id, to: other.phone, body: 'We will call at 4.' }, later),
      );

    expect(await h.services.privacy.erase({ phone: jo.phone, email: null }, DPO)).toEqual({
      erased: 0,
      references: [],
      closed: [],
    });
    // And erasing their enquiry again by id (idempotent: a retried sweep, a second request by
    // reference), when nothing of it is left to name it by.
    expect(await h.database.db.transaction().execute((tx) => eraseEnquiries(tx, [theirs.id], h.clock.now()))).toBe(0);

    expect(await orphanTexts('SMsecond-other')).toEqual([
      {
        message_sid: 'SMsecond-other',
        body: `NOTE ${others.reference} called back`,
        reply: `Noted on ${others.reference}`,
      },
    ]);
    expect(await digestContent('digest:two')).toBe(`Overnight: 1 enquiry\n${others.reference}: Road closed`);
    const waiting = await sql<{ key: string }>`SELECT key FROM graphile_worker.jobs WHERE key = 'second:later'`.execute(
      h.database.db,
    );
    expect(waiting.rows).toEqual([{ key: 'second:later' }]);
  });

  it('with an enquiry open in office hours: closed as erased, the change on its timeline, and its working time to close kept for reports', async () => {
    const jo = journalist();
    const open = await enquiry({ phone: jo.phone });
    const received = h.clock.now();
    h.clock.set(new Date(received.getTime() + 150 * 60_000)); // two and a half working hours later

    expect(await h.services.privacy.erase({ phone: jo.phone, email: null }, DPO)).toEqual({
      erased: 1,
      references: [open.reference],
      closed: [open.reference],
    });
    const row = await h.database.db
      .selectFrom('enquiry')
      .select(['status', 'close_working_s'])
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'erased', close_working_s: 150 * 60 });
    const changes = await h.database.db
      .selectFrom('enquiry_event')
      .select('data')
      .where('enquiry_id', '=', open.id)
      .where('kind', '=', 'status_changed')
      .execute();
    expect(changes.map((c) => c.data)).toEqual([{ from: 'new', to: 'erased' }]);
    // On the record once, against the enquiry: no second entry as if nobody had been found.
    const entries = await h.database.db
      .selectFrom('audit_log')
      .select(['enquiry_id', 'detail'])
      .where('action', '=', 'journalist.erased')
      .where('at', '=', h.clock.now())
      .execute();
    expect(entries).toEqual([{ enquiry_id: open.id, detail: {} }]);
  });
});

describe('a subject access export', () => {
  it('lists under each enquiry only its own texts, emails, calls and timeline, the texts sent to the journalist only, with no internal ids', async () => {
    const kim = journalist();
    const first = await enquiry({ phone: kim.phone, email: kim.email, subject: 'Bridge repairs' });
    const second = await enquiry({ phone: kim.phone, subject: 'Bus lanes' });
    await h.services.outbox.sendMessage({ key: 'export:one', enquiryId: first.id, to: kim.phone, body: 'Reply one.' });
    await h.services.outbox.sendMessage({ key: 'export:two', enquiryId: second.id, to: kim.phone, body: 'Reply two.' });
    // The on-call officer's callback call about the first: a call, not a text Kim received.
    await h.services.outbox.placeCall({
      key: 'export:call',
      enquiryId: first.id,
      to: ON_CALL,
      twiml: '<Response><Say>Connecting you.</Say></Response>',
    });
    await h.sms(kim.phone, 'Any news on the bridge?', 'SMexportkim0000000000000000000001');
    await recordSent(h.database.db, {
      messageId: '<export-one@press.example.org>',
      enquiryId: first.id,
      to: [{ name: '', address: kim.email }],
      subject: `Your enquiry ${first.reference}`,
      body: 'Our answer',
      inReplyTo: null,
      references: [],
      at: h.clock.now(),
    });
    await h.database.db
      .insertInto('voice_call')
      .values({
        call_sid: 'CAexportkim00000000000000000000001',
        from_number: kim.phone,
        started_at: h.clock.now(),
        out_of_hours: false,
        stage: 'done',
        enquiry_id: second.id,
        outcome: 'voicemail',
        transcription: 'About the bus lanes again.',
      })
      .execute();

    const exported = await h.services.privacy.export({ phone: kim.phone, email: null }, DPO);
    expect((await audited('journalist.exported')).at(-1)?.detail).toEqual({ enquiries: exported.enquiries.length });

    const texted = await h.database.db
      .selectFrom('sms_inbound')
      .select(['enquiry_id', 'body'])
      .where('message_sid', '=', 'SMexportkim0000000000000000000001')
      .executeTakeFirstOrThrow();
    for (const e of exported.enquiries) {
      const json = JSON.stringify(e);
      expect(json).not.toContain('enquiry_id');
      const events = await h.database.db
        .selectFrom('enquiry_event')
        .select(['at', 'kind', 'data'])
        .where('enquiry_id', '=', e.id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      expect(e.timeline, e.reference).toEqual(events);
      expect(
        e.smsReceived.map((x) => x.body),
        e.reference,
      ).toEqual(texted.enquiry_id === e.id ? ['Any news on the bridge?'] : []);
    }
    const byRef = (reference: string) => exported.enquiries.find((e) => e.reference === reference)!;
    expect(byRef(first.reference).smsSent.map((x) => x.body)).toEqual(['Reply one.']);
    expect(byRef(second.reference).smsSent.map((x) => x.body)).toEqual(['Reply two.']);
    expect(byRef(first.reference).emails.map((x) => x.subject)).toEqual([`Your enquiry ${first.reference}`]);
    expect(byRef(second.reference).emails).toEqual([]);
    expect(byRef(first.reference).phoneCalls).toEqual([]);
    expect(byRef(second.reference).phoneCalls).toEqual([
      expect.objectContaining({ from_number: kim.phone, transcription: 'About the bus lanes again.' }),
    ]);
  });
});

// Last: it moves the clock a year on, past every other test's enquiries.
describe('the daily retention task', () => {
  it('erases what is past its retention period, says how many in the worker’s log and the audit log, and logs nothing on a day with nothing due', async () => {
    const lines: string[] = [];
    const helpers = { logger: { info: (line: string) => void lines.push(line) } } as unknown as JobHelpers;
    const sweep = privacyTasks(h.services.privacy).retention_sweep;
    if (!sweep) throw new Error('no retention_sweep task');
    const closed = await enquiry({ phone: journalist().phone });
    await h.services.casework.setStatus(closed.reference, 'closed', DPO);
    const closedAt = h.clock.now();

    h.clock.set(new Date(closedAt.getTime() + 400 * 24 * 3_600_000)); // 13 months and more
    await sweep({}, helpers);
    expect(lines).toEqual([expect.stringMatching(/^retention: erased personal data from [1-9]\d* enquiries$/)]);
    const erased = Number(/from (\d+)/.exec(lines[0])?.[1]);
    const cutoff = DateTime.fromJSDate(h.clock.now()).minus({ months: h.config.retention.monthsAfterClose });
    const entries = await h.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'retention.erased')
      .execute();
    expect(entries.map((e) => e.detail)).toEqual([{ enquiries: erased, closedBefore: cutoff.toUTC().toISO() }]);

    await sweep({}, helpers);
    expect(lines).toHaveLength(1);
  });
});
