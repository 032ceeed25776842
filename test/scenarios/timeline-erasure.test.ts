/**
 * Erasure of the timeline follows each event kind's own declaration of its personal fields
 * (`PERSONAL_FIELDS` in src/enquiries/timeline.ts). A sample of EVERY kind (the map is over the
 * kind union, so a new kind does not compile without one) carries the journalist's data wherever
 * that kind holds it; after erasure none of it may survive anywhere in `enquiry_event`. A new kind
 * that stores, say, `from` or `subject` without declaring it personal fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/enquiries/timeline.views.js';
import { addEvent, insertEnquiryWithEvent, listEvents } from '../../src/enquiries/enquiries.repository.js';
import { FIELD_CLASS, type EventData, type EventKind, type FieldClass } from '../../src/enquiries/timeline.js';
import { eraseEnquiries } from '../../src/privacy/privacy.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const JOURNALIST = {
  name: 'Jess Journalist',
  phone: '+447911123480',
  email: 'jess.journalist@news.example',
  text: 'Off the record: the minister resigned',
};
const SAID = `${JOURNALIST.text}. Ring ${JOURNALIST.name} on ${JOURNALIST.phone} or ${JOURNALIST.email}`;

/** One entry of each kind, filled with the journalist's data wherever that kind holds some. */
const SAMPLES = {
  received: {
    channel: 'sms',
    outOfHours: true,
    urgent: true,
    urgentReason: 'journalist',
    pagedOnCall: true,
    nextStep: `We will reply to ${JOURNALIST.phone}`,
  },
  sms_in: { body: SAID, messageSid: 'SM0001' },
  sms_out: {
    to: JOURNALIST.phone,
    body: `Dear ${JOURNALIST.name}, about ${JOURNALIST.text}`,
    sid: 'SM0002',
    key: 'reply:1',
  },
  sms_out_status: { sid: 'SM0002', status: 'delivered', errorCode: null },
  sms_out_failed: { to: JOURNALIST.phone, error: `The 'To' number ${JOURNALIST.phone} is not a valid phone number` },
  reply_queued: { body: `Dear ${JOURNALIST.name}, ${JOURNALIST.text}`, key: 'reply:1' },
  page_created: { pageId: '1', shortCode: 'K7' },
  page_sms_sent: { pageId: '1', step: 0, to: '+447911123999', name: 'Kim Lee', source: 'shift', sid: 'SM0003' },
  page_call_placed: { pageId: '1', step: 1, to: '+447911123999', name: 'Kim Lee', source: 'shift', sid: 'CA0001' },
  page_bundled: { pageId: '1', step: 0, action: 'sms', to: '+447911123999', sendsAt: '2026-01-01T02:00:00.000Z' },
  page_delayed: { pageId: '1', step: 0, action: 'sms', to: '+447911123999', error: 'timeout' },
  page_failed: { pageId: '1', step: 0, action: 'sms', to: '+447911123999', error: 'refused', twilioCode: 21211 },
  page_step_skipped: { pageId: '1', step: 2, to: 'next', reason: 'nobody new to page' },
  page_called_instead: { pageId: '1', step: 3, to: 'fallback', reason: 'no_texts' },
  sms_opt_out: { change: 'stop', keyword: 'STOP' },
  page_withheld: { reason: 'page_limit' },
  escalated: { pageId: '1', fromStep: 0, reason: 'call no-answer' },
  handed_to_on_call: { reason: 'urgent and not picked up when the office closed' },
  page_exhausted: { pageId: '1', steps: 4 },
  escalation_stopped: { pageId: '1', reason: 'the enquiry was answered' },
  delivery_receipt: { pageId: '1', step: 0, action: 'sms', sid: 'SM0003', status: 'delivered', errorCode: null },
  acknowledged: { pageId: '1', via: 'sms' },
  assigned: { to: 'Kim Lee', topic: 'Flooding' },
  topics_changed: { added: [{ id: '1', name: 'Flooding' }], removed: [], source: 'rule' },
  status_changed: { from: 'new', to: 'in_progress' },
  note: { text: SAID },
  response_recorded: {
    text: `Told ${JOURNALIST.name}: ${JOURNALIST.text}`,
    released: true,
    reasons: ['Family not yet informed'],
    withheld: `The name of ${JOURNALIST.name}'s neighbour`,
    decidedBy: 'Det Supt Grey (SIO)',
  },
  urgency_changed: {
    urgent: true,
    reason: `Deadline brought forward: ${JOURNALIST.name} rang from ${JOURNALIST.phone}`,
  },
  page_call_machine: { pageId: '1', step: 1, sid: 'CA0004', answeredBy: 'machine_start' },
  call_in: { callSid: 'CA0005', from: JOURNALIST.phone, outOfHours: true, outcome: 'voicemail' },
  voicemail: { callSid: 'CA0005', recordingSid: 'RE0001', seconds: 42 },
  transcription: { recordingSid: 'RE0001', text: `This is ${JOURNALIST.name}: ${JOURNALIST.text}` },
  call_connected: { callSid: 'CA0006', to: '+447700900222', name: 'Kim Lee', seconds: 95 },
  recording_deleted: { recordingSid: 'RE0001' },
  callback_requested: { key: 'sms:SM0009', via: 'sms' },
  call_out: { to: '+447700900222', sid: 'CA0007', key: 'sms:SM0009' },
  call_out_failed: { to: '+447700900222', error: 'Calling +447700900222 failed' },
  callback_ended: { key: 'sms:SM0009', status: 'completed', seconds: 240 },
  callback_answered: { key: 'callback:sms:SM0009', sid: 'CA0009', answeredBy: 'machine_start' },
  oncall_viewed: { via: 'link' },
  email_in: {
    emailId: '1',
    from: `${JOURNALIST.name} <${JOURNALIST.email}>`,
    subject: JOURNALIST.text,
    body: SAID,
    attachments: [
      { id: '1', filename: `${JOURNALIST.name} - notes.pdf`, contentType: 'application/pdf', size: 1200, stored: true },
    ],
    auto: false,
    followsUp: 'PD-TLE-000',
  },
  email_reply_queued: { to: JOURNALIST.email, body: `Dear ${JOURNALIST.name}, ${JOURNALIST.text}` },
  email_out: { to: JOURNALIST.email, messageId: '<pd.1@press.example>', key: 'email-ack:1' },
  email_out_failed: { to: JOURNALIST.email, error: `Mailbox ${JOURNALIST.email} unknown` },
  email_bounce: {
    emailId: '2',
    bouncedMessageId: '<reply-1@press.example.org>',
    recipient: JOURNALIST.email,
    status: '5.1.1',
    diagnostic: `smtp; 550 5.1.1 <${JOURNALIST.email}>: mailbox unavailable`,
  },
  journalist_added: { text: `This is ${JOURNALIST.name} again: ${JOURNALIST.text}`, chase: false },
  deadline_changed: { from: null, to: '2026-01-01T06:00:00.000Z', urgent: true },
  withdrawn: { reason: `${JOURNALIST.name} found it elsewhere` },
  response_released: { released: true },
  updates_changed: { on: false },
  incident_linked: { incidentId: '1', name: 'Market St cordon', how: 'auto' },
  incident_unlinked: { incidentId: '1', name: 'Market St cordon' },
  incident_line_sent: {
    incidentId: '1',
    lineId: '1',
    kind: 'holding',
    text: 'We are aware of an incident on Market Street.',
    to: JOURNALIST.phone,
  },
  incident_summary: { incidentId: '1', to: JOURNALIST.phone, key: 'incident-summary:1:2026-01-01T05:00:00.000Z' },
  incident_summary_failed: {
    incidentId: '1',
    key: 'incident-summary:1:2026-01-01T05:00:00.000Z',
    to: JOURNALIST.phone,
    error: `The 'To' number ${JOURNALIST.phone} is not a valid mobile number`,
    code: '21614',
    paged: true,
  },
  deadline_warning: { respondBy: '2026-01-01T06:00:00.000Z', by: 'deadline' },
  deadline_breached: { respondBy: '2026-01-01T06:00:00.000Z', by: 'target' },
  question_asked: {
    questionId: '1',
    to: [{ name: `${JOURNALIST.name}'s SIO`, via: 'email' }],
    text: JOURNALIST.text,
    due: '2026-01-01T05:00:00.000Z',
  },
  question_answered: {
    questionId: '1',
    from: `${JOURNALIST.name}'s SIO`,
    via: 'email',
    text: JOURNALIST.text,
    attachments: [
      { id: '1', filename: `${JOURNALIST.name}.pdf`, contentType: 'application/pdf', size: 1, stored: true },
    ],
  },
  question_overdue: { questionId: '1', due: '2026-01-01T05:00:00.000Z' },
  question_withdrawn: { questionId: '1' },
  signoff_requested: { to: [{ name: `${JOURNALIST.name}'s SIO`, via: 'sms' }], text: JOURNALIST.text },
  signoff_decided: {
    by: `${JOURNALIST.name}'s SIO`,
    decision: 'approved_with_edits',
    via: 'link',
    text: JOURNALIST.text,
    comment: `Do not name ${JOURNALIST.name}`,
  },
  draft_changed: { voided: 'approval' },
  signoff_overridden: { reason: `${JOURNALIST.name} is on deadline` },
  merged_in: { from: 'PD-TLE-002', moved: 3, told: 'sms' },
  merged_away: { into: 'PD-TLE-003' },
  merge_undone: { from: 'PD-TLE-002', into: 'PD-TLE-001' },
  split_out: { to: 'PD-TLE-004', told: 'email' },
  split_from: { from: 'PD-TLE-005', told: null },
} satisfies { [K in EventKind]: EventData[K] };

/** The journalist's enquiry row, received at `at`. */
function journalistEnquiry(reference: string, at: Date) {
  return {
    reference,
    channel: 'sms',
    name: JOURNALIST.name,
    outlet: 'Daily Planet',
    email: JOURNALIST.email,
    phone: JOURNALIST.phone,
    subject: JOURNALIST.text,
    details: SAID,
    deadline: null,
    urgent: true,
    urgent_reason: 'journalist',
    out_of_hours: true,
    needs_on_call: true,
    respond_by: null,
    received_at: at,
    updated_at: at,
  } as const;
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('timeline erasure by declared personal fields', () => {
  it("leaves none of the journalist's data in any kind of timeline entry, and keeps the rest", async () => {
    const at = new Date('2026-01-01T01:00:00Z');
    const enquiry = await insertEnquiryWithEvent(t.db, journalistEnquiry('PD-TLE-001', at), {
      kind: 'received',
      data: SAMPLES.received,
    });
    if (!enquiry) throw new Error('reference taken');
    for (const kind of Object.keys(SAMPLES) as EventKind[]) {
      if (kind === 'received') continue;
      await addEvent(t.db, { enquiryId: enquiry.id, at, kind, data: SAMPLES[kind] } as Parameters<typeof addEvent>[1]);
    }
    const before = await listEvents(t.db, enquiry.id);
    expect(new Set(before.map((e) => e.kind))).toEqual(new Set(Object.keys(SAMPLES)));
    // Every kind is worded for the desk, before and after erasure.
    for (const e of before) expect(describeEvent(e).title).not.toBe('');

    await t.db.transaction().execute((tx) => eraseEnquiries(tx, [enquiry.id], new Date('2027-01-01T00:00:00Z')));

    const stored = await t.pool.query<{ kind: string; data: Record<string, unknown>; actor: string | null }>(
      'SELECT kind, data, actor FROM enquiry_event WHERE enquiry_id = $1',
      [enquiry.id],
    );
    const text = JSON.stringify(stored.rows).toLowerCase();
    for (const value of [
      JOURNALIST.name,
      JOURNALIST.phone,
      JOURNALIST.email,
      JOURNALIST.text,
      JOURNALIST.phone.slice(3),
    ]) {
      expect(text, `"${value}" survived erasure`).not.toContain(value.toLowerCase());
    }
    // What is not personal stays for the figures and the audit trail.
    const sms = stored.rows.find((r) => r.kind === 'sms_in')!;
    expect(sms.data).toEqual({ messageSid: 'SM0001', erased: true });
    const withheld = stored.rows.find((r) => r.kind === 'page_withheld')!;
    expect(withheld.data).toEqual({ reason: 'page_limit' });
    for (const e of await listEvents(t.db, enquiry.id)) expect(describeEvent(e).title).not.toBe('');
  });

  // Driven by FIELD_CLASS alone: a field added to a kind (and classified, or it does not compile)
  // is written and checked here without editing this test.
  it('removes every field classified personal, of every kind, and leaves every kept field as it was', async () => {
    const at = new Date('2026-01-02T01:00:00Z');
    const MARKER = 'zq-personal-marker';
    const classes = FIELD_CLASS as Record<EventKind, Record<string, FieldClass>>;
    const kinds = Object.keys(classes) as EventKind[];
    // Erasure works on the stored JSON whatever a field's type, so a string stands for every value.
    const sampleValue = (kind: EventKind, f: string, c: FieldClass) =>
      c === 'personal' ? `${MARKER} ${kind}.${f}` : `kept ${kind}.${f}`;
    const dataOf = (kind: EventKind) =>
      Object.fromEntries(Object.entries(classes[kind]).map(([f, c]) => [f, sampleValue(kind, f, c)]));
    const enquiry = await insertEnquiryWithEvent(t.db, journalistEnquiry('PD-TLE-002', at), {
      kind: 'received',
      data: dataOf('received') as unknown as EventData['received'],
    });
    if (!enquiry) throw new Error('reference taken');
    for (const kind of kinds) {
      if (kind === 'received') continue;
      await addEvent(t.db, { enquiryId: enquiry.id, at, kind, data: dataOf(kind) } as Parameters<typeof addEvent>[1]);
    }

    await t.db.transaction().execute((tx) => eraseEnquiries(tx, [enquiry.id], new Date('2027-01-01T00:00:00Z')));

    const stored = await t.pool.query<{ kind: EventKind; data: Record<string, unknown> }>(
      'SELECT kind, data FROM enquiry_event WHERE enquiry_id = $1',
      [enquiry.id],
    );
    expect(stored.rows.map((r) => r.kind).sort()).toEqual([...kinds].sort());
    expect(JSON.stringify(stored.rows)).not.toContain(MARKER);
    for (const { kind, data } of stored.rows) {
      const kept = Object.entries(classes[kind]).filter(([, c]) => c === 'kept');
      const hadPersonal = kept.length < Object.keys(classes[kind]).length;
      const keptData = Object.fromEntries(kept.map(([f]) => [f, sampleValue(kind, f, 'kept')]));
      const expected = hadPersonal ? { ...keptData, erased: true } : keptData;
      expect(data, kind).toEqual(expected);
    }
  });
});
