import { afterEach, describe, expect, it } from 'vitest';
import type { EventKind } from '../../src/enquiries/timeline.js';
import { HELP_TEXT } from '../../src/oncall/commands.js';
import { addEvent } from '../../src/enquiries/enquiries.repository.js';
import { AppError } from '../../src/http/errors.js';
import { NOT_ON_CALL, SmsCommandHandler } from '../../src/oncall/commands.service.js';
import type { OnCallActions } from '../../src/oncall/oncall-actions.service.js';
import { messageSid, PRESS_OFFICE_NUMBER, startHarness, type Harness } from '../support/harness.js';
import type { RotaRole } from '../../src/oncall/rota.tables.js';
import { replyTo } from '../support/sms-reply.js';

// Christmas Eve 2026, 18:00: the office is closed, so urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
// A mobile out-of-hours line: its holder texts commands (the shipped 03 line can neither take nor send texts; it is called).
const FALLBACK = '+447911250099';
const JOURNALIST = '+447911123401';
const STRANGER = '+447911999999';
const HOUR = 3_600_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(opts: { rota?: boolean } = {}) {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0, fallbackNumber: FALLBACK } },
  });
  if (opts.rota !== false) {
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });
  }
}

async function urgentEnquiry(extra: Record<string, unknown> = {}) {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight on how many crews are there',
    urgent: true,
    ...extra,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** Waits until `n` page texts went out and their sends are recorded (an officer reads them after that). */
async function paged(n: number) {
  await h.twilio.waitForMessages(n);
  await h.jobs.settle();
}

/** Texts `body` from `from` and returns the reply SMS. */
function text(from: string, body: string, sid = messageSid()): Promise<string> {
  return replyTo(h, from, body, sid);
}

async function events(reference: string, kind?: EventKind) {
  let q = h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select(['enquiry_event.kind', 'enquiry_event.actor', 'enquiry_event.data'])
    .where('enquiry.reference', '=', reference);
  if (kind) q = q.where('enquiry_event.kind', '=', kind);
  return q.orderBy('enquiry_event.id').execute();
}

function smsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

async function enquiriesFrom(phone: string) {
  return h.database.db.selectFrom('enquiry').select(['reference', 'details']).where('phone', '=', phone).execute();
}

describe('the on-call officer works an enquiry by SMS', () => {
  it('INFO, CALL (bridged from the office number), REPLY and DONE, each confirmed in one SMS and recorded', async () => {
    await start();
    const ref = await urgentEnquiry({ deadline: '2026-12-24T21:30' });
    await paged(1);

    const info = await text(ON_CALL, 'INFO');
    for (const part of [
      ref,
      'Ann Reporter',
      'Evening Gazette',
      '07911 123401',
      'Deadline',
      'Fire at the depot',
      'Need a line tonight on how many crews are there',
    ]) {
      expect(info).toContain(part);
    }
    expect(await events(ref, 'oncall_viewed')).toEqual([
      { kind: 'oncall_viewed', actor: 'Olu On-Call', data: { via: 'sms' } },
    ]);

    // Work on it is having it: the first action acknowledges the page, and says so.
    expect(await text(ON_CALL, 'CALL')).toBe(
      `Press Desk: ringing you now to connect you to the journalist for ${ref}. Page acknowledged: escalation stopped.`,
    );
    const [call] = await h.twilio.waitForCalls(1);
    expect(call).toMatchObject({ to: ON_CALL, from: PRESS_OFFICE_NUMBER });
    const log = await h.twilio.answerCall(call, { parties: { [JOURNALIST]: { answers: true, talkSeconds: 120 } } });
    expect(log.dials).toHaveLength(1);
    expect(log.dials[0]).toMatchObject({
      numbers: [JOURNALIST],
      callerId: PRESS_OFFICE_NUMBER,
      bridged: true,
      duration: 120,
    });
    expect((await events(ref, 'callback_requested')).map((e) => e.actor)).toEqual(['Olu On-Call']);
    expect((await events(ref, 'callback_ended')).map((e) => e.data)).toEqual([
      expect.objectContaining({ status: 'completed', seconds: 120 }),
    ]);

    expect(await text(ON_CALL, 'REPLY We will have a statement by 8pm.')).toBe(
      `Press Desk: reply to ${ref} queued to 07911 123401.`,
    );
    await h.jobs.settle();
    expect(
      smsTo(JOURNALIST)
        .filter((m) => m.body === 'We will have a statement by 8pm.')
        .map((m) => m.from),
    ).toEqual([PRESS_OFFICE_NUMBER]);

    const line = 'Four crews on scene, no injuries; full statement at 8pm.';
    expect(await text(ON_CALL, `DONE ${line}`)).toBe(`Press Desk: ${ref} marked answered; your line is recorded.`);
    const e = await h.database.db
      .selectFrom('enquiry')
      .select(['status', 'response_given'])
      .where('reference', '=', ref)
      .executeTakeFirstOrThrow();
    expect(e).toEqual({ status: 'answered', response_given: line });
    expect((await events(ref, 'response_recorded')).map((x) => x.actor)).toEqual(['Olu On-Call']);

    // The morning digest (Tuesday 29 December, after Christmas) says what on-call did, and when.
    h.clock.set('2026-12-29T09:05:00Z');
    const digestId = await h.services.digest.generateIfDue();
    const digest = await h.database.db
      .selectFrom('handover_digest')
      .select('summary')
      .where('id', '=', digestId!)
      .executeTakeFirstOrThrow();
    const item = (
      digest.summary as { items: Array<{ reference: string; answered: boolean; overnight?: string[] }> }
    ).items.find((i) => i.reference === ref)!;
    expect(item.answered).toBe(true);
    expect(item.overnight).toEqual([
      'Thu 24 Dec 18:00 acknowledged the page (sms) (Olu On-Call)',
      'Thu 24 Dec 18:00 spoke to the journalist for 2 min (Olu On-Call)',
      'Thu 24 Dec 18:00 reply sent by SMS (Olu On-Call)',
      'Thu 24 Dec 18:00 line given recorded (Olu On-Call)',
      'Thu 24 Dec 18:00 marked answered (Olu On-Call)',
    ]);
  });

  it('without a reference, acts on the only page; with two it lists both and does nothing until told which', async () => {
    await start();
    const a = await urgentEnquiry({ subject: 'First' });
    await paged(1);
    expect(await text(ON_CALL, 'NOTE Rang back, sending figures')).toBe(
      `Press Desk: note added to ${a}. Page acknowledged: escalation stopped.`,
    );
    // A word that merely spells a reference ("ACCEPT" could be PD-ACC-EPT) is the start of the text.
    expect(await text(ON_CALL, 'NOTE ACCEPT they will call back')).toBe(`Press Desk: note added to ${a}.`);
    expect((await events(a, 'note')).map((e) => e.data)).toEqual([
      { text: 'Rang back, sending figures' },
      { text: 'ACCEPT they will call back' },
    ]);

    const b = await urgentEnquiry({ subject: 'Second', outlet: 'Radio North', phone: '+447911123402' });
    await paged(2);
    const which = await text(ON_CALL, 'NOTE Another note');
    expect(which).toMatch(/^Press Desk: which enquiry\?/);
    expect(which).toContain(`${a} `);
    expect(which).toContain(`${b} `);
    expect(which).toContain('Radio North');
    expect(await events(a, 'note')).toHaveLength(2);
    expect(await events(b, 'note')).toHaveLength(0);
    expect(await text(ON_CALL, 'CALL')).toMatch(/^Press Desk: which enquiry\?/);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);

    // By reference in lower case without dashes, and by the page's short code.
    expect(await text(ON_CALL, `note ${b.toLowerCase().replace(/-/g, '')} Spoke to the editor`)).toBe(
      `Press Desk: note added to ${b}. Page acknowledged: escalation stopped.`,
    );
    expect((await events(b, 'note')).map((e) => e.data)).toEqual([{ text: 'Spoke to the editor' }]);
    const code = /ACK (\d{4})/.exec(smsTo(ON_CALL).find((m) => m.body!.includes(a))!.body!)![1];
    expect(await text(ON_CALL, `INFO ${code}`)).toMatch(new RegExp(`^${a}: Ann Reporter, Evening Gazette`));
    expect(await text(ON_CALL, 'INFO 0000')).toMatch(/^Press Desk: nothing matches "0000"\. Your open pages: /);
  });

  it('after ACK the acknowledged enquiry needs no reference until it is answered; a paged number off the rota acts as "on call (+44…)" for onCall.linkHours', async () => {
    await start({ rota: false }); // nobody on the rota: the page goes to the fallback line
    const ref = await urgentEnquiry();
    await paged(1);
    expect(smsTo(FALLBACK)).toHaveLength(1);
    expect(await text(FALLBACK, 'ACK')).toContain(`acknowledged ${ref}`);
    // The night goes page, ACK, then the work: the acknowledged enquiry is still theirs.
    expect(await text(FALLBACK, 'NOTE Will call at 7')).toBe(`Press Desk: note added to ${ref}.`);
    expect((await events(ref, 'note')).map((e) => e.actor)).toEqual([`on call (${FALLBACK})`]);
    // Once it is answered there is nothing open to mean: a reference is needed.
    expect(await text(FALLBACK, 'DONE We will have a statement at 8am')).toBe(
      `Press Desk: ${ref} marked answered; your line is recorded.`,
    );
    expect(await text(FALLBACK, 'NOTE One more thing')).toBe(
      'Press Desk: you have no open page, so say which enquiry, e.g. NOTE PD-7KM-4QX.',
    );
    expect(await text(FALLBACK, `NOTE ${ref} One more thing`)).toBe(`Press Desk: note added to ${ref}.`);
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'action'])
      .where('action', '=', 'enquiry.note_added')
      .execute();
    expect(audit).toEqual([
      { user_email: `on call (${FALLBACK})`, action: 'enquiry.note_added' },
      { user_email: `on call (${FALLBACK})`, action: 'enquiry.note_added' },
    ]);

    // Twelve hours (onCall.linkHours) after the page, as its link: over.
    h.clock.advance(12 * HOUR);
    expect(await text(FALLBACK, `INFO ${ref}`)).toBe(NOT_ON_CALL);
    expect(await events(ref, 'oncall_viewed')).toHaveLength(0);
  });

  it('turns a refused action into one plain sentence and changes nothing', async () => {
    await start();
    const ref = await urgentEnquiry({ phone: null, email: 'ann@gazette.example' });
    await paged(1);
    expect(await text(ON_CALL, 'CALL')).toBe(`Press Desk: ${ref} has no phone number to call.`);
    expect(await text(ON_CALL, 'REPLY Statement at 8pm')).toBe(`Press Desk: ${ref} has no phone number to text.`);
    expect(await text(ON_CALL, 'DONE')).toBe(
      `Press Desk: nothing done. Put the line you gave after the reference: DONE ${ref} followed by the text.`,
    );
    expect(await text(ON_CALL, `NOTE ${ref} ${'x'.repeat(5001)}`)).toMatch(
      /^Press Desk: a note is too long\. Keep it to 5,000 characters or fewer\.$/,
    );
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);
    expect(h.twilio.messages).toHaveLength(1); // the page only
    expect((await events(ref)).map((e) => e.kind)).not.toEqual(
      expect.arrayContaining(['callback_requested', 'reply_queued', 'note', 'response_recorded']),
    );
    // Each text is stored with its reply, so a retry answers the same.
    expect(
      await h.database.db.selectFrom('sms_inbound').select('reply').where('from_number', '=', ON_CALL).execute(),
    ).toHaveLength(4);
  });

  it('leaves nothing of an action refused half-way, and still lets the inbound transaction commit', async () => {
    await start();
    const ref = await urgentEnquiry();
    await paged(1);
    // An action that writes and then finds a problem: the handler must undo its writes only.
    const real = h.services.onCallActions;
    const actions: OnCallActions = Object.create(real);
    actions.note = async (tx, e) => {
      await addEvent(tx, { enquiryId: e.id, at: h.clock.fn(), kind: 'note', data: { text: 'half-way' } });
      throw new AppError('validation', 'Something was wrong with it');
    };
    const handler = new SmsCommandHandler({ ack: { handle: async () => null }, actions, clock: h.clock.fn });
    const reply = await h.database.db.transaction().execute(async (tx) => {
      const answer = await handler.handle(tx, { from: ON_CALL, body: 'NOTE Rang back', messageSid: messageSid() });
      const e = await tx.selectFrom('enquiry').select('id').where('reference', '=', ref).executeTakeFirstOrThrow();
      await addEvent(tx, { enquiryId: e.id, at: h.clock.fn(), kind: 'note', data: { text: 'after' } });
      return answer;
    });
    expect(reply).toBe('Press Desk: something was wrong with it.');
    expect((await events(ref, 'note')).map((e) => e.data)).toEqual([{ text: 'after' }]);
  });

  it('answers HELP, and anything it does not understand from an on-call number, with the command list', async () => {
    await start();
    await urgentEnquiry();
    await paged(1);
    expect(await text(ON_CALL, 'HELP')).toBe(HELP_TEXT);
    expect(await text(ON_CALL, 'what do I do now?')).toBe(HELP_TEXT);
    expect(await text(ON_CALL, 'Call me back about the fire please')).toBe(HELP_TEXT);
    expect(await enquiriesFrom(ON_CALL)).toEqual([]);
  });

  it('does nothing twice for a replayed MessageSid: one note, one call, one reply', async () => {
    await start();
    const ref = await urgentEnquiry();
    await paged(1);
    const sids = { note: messageSid(), call: messageSid(), reply: messageSid() };
    for (let i = 0; i < 2; i++) {
      expect(await text(ON_CALL, 'NOTE Rang back', sids.note)).toBe(
        `Press Desk: note added to ${ref}. Page acknowledged: escalation stopped.`,
      );
      expect(await text(ON_CALL, 'CALL', sids.call)).toContain('ringing you now');
      expect(await text(ON_CALL, 'REPLY On our way', sids.reply)).toContain('queued to');
    }
    await h.jobs.settle();
    expect(await events(ref, 'note')).toHaveLength(1);
    expect(await events(ref, 'callback_requested')).toHaveLength(1);
    expect(await events(ref, 'reply_queued')).toHaveLength(1);
    expect(h.twilio.calls).toHaveLength(1);
    expect(smsTo(JOURNALIST).filter((m) => m.body === 'On our way')).toHaveLength(1);
  });
});

describe('what a phone may act on', () => {
  const KIM = '+447911200002';
  const BEA_BACKUP = '+447911200003';
  const MANAGER = { userId: null, email: 'mona.manager@press.example' };

  async function shift(name: string, phone: string, role: RotaRole, from: string, to: string) {
    if (!(await h.services.rota.findPersonByPhone(phone))) await h.services.rota.addPerson({ name, phone });
    await h.services.rota.addShift({ phone, role, startsAt: new Date(from), endsAt: new Date(to), createdBy: 'test' });
  }

  /** What `from` is told about a reference no enquiry has: the answer for any enquiry it may not touch. */
  async function noSuch(from: string, command: string, ref: string): Promise<string> {
    return (await text(from, `${command} PD-ZZZ-ZZZ`)).replace('PD-ZZZ-ZZZ', ref);
  }

  it("gives the backup the stranger's answer about an enquiry paged only to the primary", async () => {
    await start();
    await shift('Bea Backup', BEA_BACKUP, 'backup', '2026-12-01T00:00:00Z', '2027-01-05T09:00:00Z');
    const ref = await urgentEnquiry();
    await paged(1);
    for (const body of [`INFO ${ref}`, `CALL ${ref}`, `DONE ${ref}`, 'INFO', 'HELP'])
      expect(await text(BEA_BACKUP, body), body).toBe(NOT_ON_CALL);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);
    expect(await events(ref, 'oncall_viewed')).toEqual([]);
  });

  it("lets a paged phone act on what it was paged for within onCall.linkHours after its shift, then gives it the stranger's answer", async () => {
    await start({ rota: false });
    await shift('Olu On-Call', ON_CALL, 'primary', '2026-12-24T17:00:00Z', '2026-12-24T20:00:00Z');
    await shift('Kim Next', KIM, 'primary', '2026-12-24T20:00:00Z', '2027-01-05T09:00:00Z');
    const first = await urgentEnquiry();
    await paged(1);
    await text(ON_CALL, 'ACK');

    h.clock.set('2026-12-24T21:00:00Z');
    const second = await urgentEnquiry({ subject: 'Flooded road', outlet: 'Radio North', phone: '+447911123402' });
    await paged(2);
    expect(smsTo(KIM)).toHaveLength(1);
    await text(KIM, 'ACK');

    // Olu's shift has ended: the enquiry paged to Olu, yes; Kim's, no, and the answer does not say it exists.
    expect(await text(ON_CALL, `INFO ${first}`)).toMatch(new RegExp(`^${first}: Ann Reporter, Evening Gazette`));
    expect(await text(ON_CALL, `NOTE ${first} Rang the fire service`)).toBe(`Press Desk: note added to ${first}.`);
    for (const command of ['INFO', 'CALL', 'DONE'])
      expect(await text(ON_CALL, `${command} ${second}`)).toBe(await noSuch(ON_CALL, command, second));
    expect(await text(ON_CALL, `NOTE ${second} Not mine`)).toBe(
      (await text(ON_CALL, 'NOTE PD-ZZZ-ZZZ Not mine')).replace('PD-ZZZ-ZZZ', second),
    );
    // Kim, on call now, likewise cannot reach the enquiry paged to Olu.
    expect(await text(KIM, `INFO ${first}`)).toBe(await noSuch(KIM, 'INFO', first));
    expect(await text(KIM, 'NOTE Called back')).toBe(`Press Desk: note added to ${second}.`);
    expect((await events(second, 'note')).map((e) => e.actor)).toEqual(['Kim Next']);
    expect(await events(second, 'oncall_viewed')).toEqual([]);
    expect((await events(first, 'oncall_viewed')).map((e) => e.actor)).toEqual(['Olu On-Call']);

    // Twelve hours (onCall.linkHours) after Olu's page: Olu is a stranger again.
    h.clock.set('2026-12-25T06:00:00Z');
    for (const body of [`INFO ${first}`, 'INFO', `DONE ${first}`, 'HELP'])
      expect(await text(ON_CALL, body), body).toBe(NOT_ON_CALL);
    expect(await events(first, 'oncall_viewed')).toHaveLength(1);
    // Kim is still on call, so the enquiry paged during this shift is still Kim's after 13 hours, reference or not.
    h.clock.set('2026-12-25T10:00:00Z');
    expect(await text(KIM, 'INFO')).toMatch(new RegExp(`^${second}: Ann Reporter, Radio North`));
  });

  it('lets a paged number off the rota send commands until onCall.linkHours after the page, not a second longer', async () => {
    await start({ rota: false }); // nobody on the rota: the page goes to the fallback line
    const ref = await urgentEnquiry();
    await paged(1);
    expect(await text(FALLBACK, 'ACK')).toContain(`acknowledged ${ref}`); // escalation stops: nothing else is sent to the number
    const { sent_at } = await h.database.db
      .selectFrom('outbound_message')
      .select('sent_at')
      .where('to_number', '=', FALLBACK)
      .executeTakeFirstOrThrow();
    // Twelve hours (onCall.linkHours) less a second after the page: still theirs.
    h.clock.set(new Date(sent_at!.getTime() + 12 * HOUR - 1000));
    expect(await text(FALLBACK, `INFO ${ref}`)).toMatch(new RegExp(`^${ref}: Ann Reporter, Evening Gazette`));
    expect(await text(FALLBACK, `NOTE ${ref} Rang the depot`)).toMatch(
      new RegExp(`^Press Desk: note added to ${ref}\\.`),
    );
    h.clock.set(new Date(sent_at!.getTime() + 12 * HOUR));
    for (const body of [`INFO ${ref}`, 'INFO', `DONE ${ref}`, 'HELP'])
      expect(await text(FALLBACK, body), body).toBe(NOT_ON_CALL);
    expect((await events(ref, 'note')).length).toBe(1);
  });

  it('refuses commands from someone once on the rota, now off shift and never paged', async () => {
    await start({ rota: false });
    await shift('Olu On-Call', ON_CALL, 'primary', '2026-12-23T17:00:00Z', '2026-12-24T09:00:00Z');
    await shift('Kim Next', KIM, 'primary', '2026-12-24T09:00:00Z', '2027-01-05T09:00:00Z');
    const ref = await urgentEnquiry();
    await paged(1);
    expect(smsTo(KIM)).toHaveLength(1);
    for (const body of [`INFO ${ref}`, 'INFO', `DONE ${ref}`, 'HELP'])
      expect(await text(ON_CALL, body), body).toBe(NOT_ON_CALL);
    const { status } = await h.database.db
      .selectFrom('enquiry')
      .select('status')
      .where('reference', '=', ref)
      .executeTakeFirstOrThrow();
    expect(status).not.toBe('answered');
    expect(await events(ref, 'oncall_viewed')).toEqual([]);
  });

  it("gives a removed person's phone the stranger's answer, and a changed number's old phone too", async () => {
    await start();
    const ref = await urgentEnquiry();
    await paged(1);
    await text(ON_CALL, 'ACK');
    expect(await text(ON_CALL, 'INFO')).toMatch(new RegExp(`^${ref}: `));

    const olu = (await h.services.rota.findPersonByPhone(ON_CALL))!;
    await h.services.rota.changePhoneAudited(olu.id, KIM, MANAGER);
    for (const body of [`INFO ${ref}`, 'INFO', 'NOTE', 'HELP'])
      expect(await text(ON_CALL, body), body).toBe(NOT_ON_CALL);
    // The new number is on call now, but nothing was paged to it.
    expect(await text(KIM, `INFO ${ref}`)).toBe(await noSuch(KIM, 'INFO', ref));

    await h.services.rota.updatePersonPhone(olu.id, ON_CALL);
    expect(await text(ON_CALL, 'INFO')).toMatch(new RegExp(`^${ref}: `));
    await h.services.rota.deactivatePersonAudited(olu.id, MANAGER);
    for (const body of [`INFO ${ref}`, 'INFO', `CALL ${ref}`, 'NOTE', 'HELP'])
      expect(await text(ON_CALL, body), body).toBe(NOT_ON_CALL);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);
    expect(await events(ref, 'oncall_viewed')).toHaveLength(2);
  });

  it('does not let a removed person, or an old number, acknowledge a page and stop its escalation', async () => {
    await start();
    await shift('Kim Next', KIM, 'backup', '2026-12-01T00:00:00Z', '2027-01-05T09:00:00Z');
    const first = await urgentEnquiry();
    await paged(1);
    const olu = (await h.services.rota.findPersonByPhone(ON_CALL))!;
    await h.services.rota.changePhoneAudited(olu.id, '+447911200009', MANAGER);
    for (const body of ['ACK', `ACK ${first}`]) expect(await text(ON_CALL, body), body).not.toContain(first);

    await h.services.rota.updatePersonPhone(olu.id, ON_CALL);
    const second = await urgentEnquiry({ subject: 'Flooded road', phone: '+447911123402' });
    await paged(2);
    await h.services.rota.deactivatePersonAudited(olu.id, MANAGER);
    for (const body of ['ACK', `ACK ${second}`])
      expect(await text(ON_CALL, body), body).toBe(
        'Press Desk: nothing to acknowledge. Your pages are already acknowledged.',
      );
    const pages = await h.database.db
      .selectFrom('page')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .select(['enquiry.reference', 'page.status'])
      .orderBy('page.id')
      .execute();
    expect(pages).toEqual([
      { reference: first, status: 'active' },
      { reference: second, status: 'active' },
    ]);
  });

  it("lets whoever got an incident's summary act on its enquiries, and nobody else", async () => {
    h = await startHarness({
      now: CHRISTMAS_EVE_6PM,
      jobs: true,
      config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null, pageRateLimit: null } },
    });
    await shift('Olu On-Call', ON_CALL, 'primary', '2026-12-24T17:00:00Z', '2026-12-24T18:30:00Z');
    await shift('Kim Next', KIM, 'primary', '2026-12-24T18:30:00Z', '2027-01-05T09:00:00Z');
    await shift('Bea Backup', BEA_BACKUP, 'backup', '2026-12-24T17:00:00Z', '2027-01-05T09:00:00Z');
    await h.services.incidents.declare({ name: 'Depot fire', terms: 'depot fire' }, { kind: 'staff', actor: MANAGER });
    const first = await urgentEnquiry({ subject: 'Depot fire: casualties?' });
    await paged(1);
    await text(ON_CALL, 'ACK');
    // On-call has the story now: the next one is withheld for the incident's summary, which goes to Kim.
    h.clock.set('2026-12-24T18:31:00Z');
    const second = await urgentEnquiry({ subject: 'Depot fire: road closures', phone: '+447911123402' });
    h.clock.set('2026-12-24T19:00:00Z');
    await h.jobs.settle();
    expect(smsTo(KIM).map((m) => m.body)).toEqual([expect.stringContaining(`Reply INFO ${second}`)]);

    expect(await text(KIM, `INFO ${second}`)).toMatch(new RegExp(`^${second}: Ann Reporter`));
    // Olu, paged about the incident's first enquiry, holds it too; the backup holds nothing.
    expect(await text(ON_CALL, `INFO ${second}`)).toMatch(new RegExp(`^${second}: Ann Reporter`));
    expect(await text(BEA_BACKUP, `INFO ${second}`)).toBe(NOT_ON_CALL);
    expect(await text(KIM, `INFO ${first}`)).toMatch(new RegExp(`^${first}: Ann Reporter`));
  });
});

describe('texts from anyone else', () => {
  it("refuses a stranger's bare command and reveals nothing about the enquiry", async () => {
    await start();
    const ref = await urgentEnquiry();
    await paged(1);
    for (const body of [
      `INFO ${ref}`,
      `info ${ref.toLowerCase()}`,
      'INFO',
      'CALL',
      `CALL ${ref}`,
      'HELP',
      `DONE ${ref}`,
      'NOTE',
    ]) {
      const reply = await text(STRANGER, body);
      expect(reply, body).toBe(NOT_ON_CALL);
      for (const secret of [ref, 'Ann', 'Gazette', 'Fire', '4']) expect(reply).not.toContain(secret);
    }
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);
    expect(await events(ref, 'oncall_viewed')).toHaveLength(0);
    expect(await enquiriesFrom(STRANGER)).toEqual([]);
    expect(
      await h.database.db.selectFrom('sms_inbound').select('reply').where('from_number', '=', STRANGER).execute(),
    ).toHaveLength(8);
  });

  it("still makes a journalist's ordinary text that starts with a command word into an enquiry", async () => {
    await start();
    await urgentEnquiry();
    await paged(1);
    const texts = [
      'Call me back about the fire please',
      'Info needed about the A38 closure',
      'Done deal at the council? Can you confirm',
    ];
    const numbers = ['+447911999901', '+447911999902', '+447911999903'];
    for (const [i, body] of texts.entries()) {
      expect(await text(numbers[i], body)).toMatch(/^Press office: thank you, your enquiry reference is PD-/);
      expect((await enquiriesFrom(numbers[i])).map((e) => e.details)).toEqual([body]);
    }
  });
});
