/**
 * Issue 28, item 1, from the on-call phone: `LINE 12` sends library line 12 to the journalist of
 * the enquiry the officer holds, in exactly its words, through the same path as REPLY; a
 * withdrawn, replaced or unknown line is refused with the reason; a line past its review date is
 * sent only with SEND; `LINES flood` lists matching lines within two segments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HELP_TEXT } from '../../src/oncall/commands.js';
import { smsCapacity, smsLength } from '../../src/telephony/sms-encoding.js';
import { messageSid, startHarness, type Harness } from '../support/harness.js';
import { replyTo } from '../support/sms-reply.js';

// Christmas Eve 2026, 18:00: the office is closed, so urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const JOURNALIST = '+447911123401';
const OTHER_JOURNALIST = '+447911123402';
const TEST = { userId: null, email: 'test' };
const FIRE = 'Four crews are at the depot. Nobody has been hurt. We will say more at 8pm.';

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0 } } });
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({
    phone: ON_CALL,
    role: 'primary',
    startsAt: new Date('2026-12-01T00:00:00Z'),
    endsAt: new Date('2027-01-05T09:00:00Z'),
    createdBy: 'test',
  });
}

async function urgentEnquiry(phone = JOURNALIST) {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function line(title: string, words: string, reviewBy: string | null = null): Promise<string> {
  return h.services.lines.add(TEST, {
    title,
    text: words,
    approvedBy: 'Chief Superintendent Jo Bloggs',
    approvedAt: new Date('2026-12-20T12:00:00Z'),
    reviewBy,
    incidentId: null,
    topicIds: [],
  });
}

function text(body: string): Promise<string> {
  return replyTo(h, ON_CALL, body, messageSid());
}

async function textsTo(to: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === to).map((m) => m.body ?? '');
}

describe('LINE and LINES from the on-call phone', () => {
  it('LINE n sends the line to the journalist of the enquiry held, in exactly its words; LINE n ref names one', async () => {
    await start();
    const id = await line('Depot fire', FIRE);
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();

    expect(await text(`LINE ${id}`)).toBe(
      `Press Desk: line ${id} to ${ref} queued to 07911 123401. Page acknowledged: escalation stopped.`,
    );
    expect(await textsTo(JOURNALIST)).toContain(FIRE);
    const outbox = await h.database.db
      .selectFrom('outbound_message')
      .select('content')
      .where('to_number', '=', JOURNALIST)
      .where('owner_kind', '=', 'message')
      .execute();
    expect(outbox.map((m) => m.content)).toEqual(expect.arrayContaining([FIRE]));
    const said = await h.database.db.selectFrom('said').select(['line_id', 'kind']).execute();
    expect(said).toEqual([{ line_id: id, kind: 'sms_reply' }]);

    // With two pages open the reference says which.
    const second = await urgentEnquiry(OTHER_JOURNALIST);
    await h.twilio.waitForMessages(3);
    await h.jobs.settle();
    expect(await text(`LINE ${id}`)).toMatch(
      new RegExp(`^Press Desk: which enquiry\\? Add its reference or code, e\\.g\\. LINE ${id} PD-`),
    );
    expect(await text(`LINE ${id} ${second}`)).toMatch(
      new RegExp(`^Press Desk: line ${id} to ${second} queued to 07911 123402\\.`),
    );
    expect(await textsTo(OTHER_JOURNALIST)).toContain(FIRE);
  });

  it('a withdrawn, replaced or unknown line is refused with the reason, and nothing is sent', async () => {
    await start();
    const withdrawn = await line('Depot fire', FIRE);
    const old = await line('Depot fire (first)', 'Crews are at the depot.');
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await h.services.lines.withdraw(TEST, withdrawn, 'Wrong depot');
    const replacement = await h.services.lines.supersede(TEST, old, {
      title: 'Depot fire (now)',
      text: 'Crews have left the depot.',
      approvedBy: 'Chief Superintendent Jo Bloggs',
      approvedAt: new Date('2026-12-24T12:00:00Z'),
      reviewBy: null,
      incidentId: null,
      topicIds: [],
    });

    expect(await text(`LINE ${withdrawn}`)).toBe(
      `Press Desk: nothing sent. Line ${withdrawn} was withdrawn on 24 December 2026 (Wrong depot).`,
    );
    expect(await text(`LINE ${old} ${ref}`)).toBe(
      `Press Desk: nothing sent. Line ${old} was replaced by line ${replacement}: text LINE ${replacement}.`,
    );
    expect(await text('LINE 999')).toBe('Press Desk: nothing sent. There is no line 999.');
    expect(await textsTo(JOURNALIST)).not.toContain(FIRE);
    expect(await h.database.db.selectFrom('said').selectAll().execute()).toEqual([]);
  });

  it('a line past its review date goes only with SEND', async () => {
    await start();
    const id = await line('Depot fire', FIRE, '2026-12-01');
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await text(`LINE ${id}`)).toBe(
      `Press Desk: line ${id} was due for review on 1 December 2026: text LINE ${id} ${ref} SEND to send it anyway.`,
    );
    expect(await textsTo(JOURNALIST)).not.toContain(FIRE);
    expect(await text(`LINE ${id} ${ref} SEND`)).toMatch(new RegExp(`^Press Desk: line ${id} to ${ref} queued`));
    // (The journalist is also told on-call has their enquiry, now that the officer acted on it.)
    expect((await textsTo(JOURNALIST)).filter((t) => t === FIRE)).toHaveLength(1);
  });

  it('LINES lists up to five matching current lines within two segments; HELP names both', async () => {
    await start();
    for (let i = 1; i <= 7; i++)
      await line(`Flood warning for the River Severn catchment area number ${i}`, `Flood words ${i}.`);
    const fire = await line('Depot fire', FIRE);
    await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    const answer = await text('LINES flood');
    expect(answer).toMatch(/^Press Desk lines: \d+ Flood/);
    expect(answer.match(/; /g)).toHaveLength(4);
    expect(answer).not.toContain(`${fire} Depot`);
    expect(smsLength(answer)).toBeLessThanOrEqual(smsCapacity(answer, 2));
    expect(await text('LINES fire')).toBe(`Press Desk lines: ${fire} Depot fire. Text LINE n ref to send one.`);
    expect(await text('LINES zebra')).toBe('Press Desk: no current line matches "zebra".');
    expect(HELP_TEXT).toContain('LINE n ref');
    expect(HELP_TEXT).toContain('LINES word');
  });
});
