/**
 * Issue 24, item 2: a STOP is honoured and shown. Texts reach Press Desk through the fake Twilio,
 * which applies Twilio's keyword rules first (test/support/fake-opt-out.ts): after a STOP, Twilio
 * refuses texts to that number (21610) until a START.
 *
 * - A journalist's STOP makes no enquiry; the enquiry page says "Texted STOP on …: texts will not
 *   reach them; call or email" instead of offering an SMS reply, a reply is refused, and a text
 *   already in the outbox fails with the reason without reaching Twilio. After START, replies go.
 * - A STOP Press Desk never saw (Twilio's 21610) is recorded, not retried, and shown the same way.
 * - An on-call officer's STOP is no command; the rota says their pages are calls, and an urgent
 *   enquiry at night rings them at once, with nothing refused by Twilio.
 * - Subject access shows the opt-out and erasure removes it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TWILIO_AUTO_REPLIES } from '../support/fake-opt-out.js';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { findAnywhere } from '../support/find-anywhere.js';
import { PRESS_OFFICE_NUMBER, startHarness, type Harness } from '../support/harness.js';
import { onCallThroughout } from '../support/rota.js';
import { kindsOf } from '../support/timeline.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
// Christmas Eve 2026, 22:00: closed; urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_10PM = '2026-12-24T22:00:00Z';
const JOURNALIST = '+447911123488';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const MANAGER = { email: 'stop.manager@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(now: string, config: Record<string, unknown> = {}): Promise<DeskClient> {
  h = await startHarness({ now, jobs: true, config: { intake: { rateLimit: null }, ...config } });
  await h.services.users.create({ ...MANAGER, name: 'Mo Manager', role: 'manager' }, SYSTEM);
  return loginAs(h, MANAGER.email, MANAGER.password);
}

/** Texts `body` from `from`; returns the app's TwiML reply texts. */
async function text(from: string, body: string): Promise<string[]> {
  const res = await h.sms(from, body);
  expect(res.status).toBe(200);
  return h.twilio.inboundSms.at(-1)!.replies.map((r) => r.body);
}

async function enquiryCount(): Promise<number> {
  return Number(
    (
      await h.database.db
        .selectFrom('enquiry')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

function textsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

/** The enquiry page as text (tags dropped, entities decoded, spaces collapsed). */
async function pageText(desk: DeskClient, reference: string): Promise<{ html: string; text: string }> {
  const page = await desk.get(`/desk/enquiries/${reference}`);
  expect(page.status).toBe(200);
  return { html: page.body, text: decodeEntities(page.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ') };
}

/** Every Twilio API answer that was a refusal (4xx/5xx). */
function refusals() {
  return h.twilio.requests.filter((r) => r.responseStatus >= 400);
}

describe('a journalist who texts STOP', () => {
  it('is not texted again, and the desk is told so, until they text START', async () => {
    const desk = await start(WEDNESDAY_10AM);
    const [thanks] = await text(JOURNALIST, 'Is the A38 closed tonight?');
    const reference = /PD-[A-Z0-9]{3}-[A-Z0-9]{3}/.exec(thanks)![0];

    h.clock.advance(5 * MINUTE);
    // A bare STOP: Twilio confirms it itself; Press Desk makes no enquiry of it and answers nothing.
    expect(await text(JOURNALIST, 'Stop')).toEqual([]);
    expect(await enquiryCount()).toBe(1);
    expect(h.twilio.autoReplies.map((r) => [r.to, r.body])).toEqual([[JOURNALIST, TWILIO_AUTO_REPLIES.STOP]]);

    // The page says it beside the number and instead of the SMS reply form.
    const stopped = await pageText(desk, reference);
    expect(stopped.text).toContain('Texted STOP on Wed 2 Dec 10:05: texts will not reach them; call or email');
    expect(stopped.html).not.toContain(`action="/desk/enquiries/${reference}/reply"`);
    expect(stopped.text).toContain('No SMS reply can be sent');

    // A reply from a form opened before the STOP is refused, and nothing is queued or sent.
    const refused = await desk.post(`/desk/enquiries/${reference}/reply`, { reply: 'The A38 reopens at 6am.' });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.body, 'reply')).toContain(
      'Texted STOP on Wed 2 Dec 10:05: texts will not reach them; call or email',
    );
    // A text already in the outbox (queued before the STOP) fails with the reason, never reaching Twilio.
    const before = h.twilio.requests.length;
    await h.services.outbox.sendMessage({
      key: 'status-update:test',
      enquiryId: null,
      to: JOURNALIST,
      body: 'Your enquiry was updated.',
    });
    expect(h.twilio.requests.length).toBe(before);
    const row = await h.database.db
      .selectFrom('outbound_message')
      .select(['state', 'last_error', 'attempts'])
      .where('idempotency_key', '=', 'status-update:test')
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
    expect(row.last_error).toBe(
      'Not sent: the recipient texted STOP on Wed 2 Dec 10:05; texts will not reach them until they text START',
    );
    await h.jobs.settle();
    expect(textsTo(JOURNALIST)).toEqual([]);
    expect(refusals()).toEqual([]);

    h.clock.advance(5 * MINUTE);
    expect(await text(JOURNALIST, 'START')).toEqual([]);
    expect(await enquiryCount()).toBe(1);
    const started = await pageText(desk, reference);
    expect(started.text).not.toContain('Texted STOP');
    expect(started.html).toContain(`action="/desk/enquiries/${reference}/reply"`);
    const sent = await desk.post(`/desk/enquiries/${reference}/reply`, { reply: 'The A38 reopens at 6am.' });
    expect(sent.status).toBe(303);
    await h.jobs.settle();
    expect(textsTo(JOURNALIST).map((m) => m.body)).toEqual(['The A38 reopens at 6am.']);
    expect(refusals()).toEqual([]);
  });

  it('is recorded from Twilio’s 21610 when Press Desk never saw the STOP: not retried, and shown', async () => {
    const desk = await start(WEDNESDAY_10AM);
    const [thanks] = await text(JOURNALIST, 'Is the A38 closed tonight?');
    const reference = /PD-[A-Z0-9]{3}-[A-Z0-9]{3}/.exec(thanks)![0];
    // Opted out at Twilio (a STOP whose webhook never reached Press Desk).
    h.twilio.optOuts.set(JOURNALIST, PRESS_OFFICE_NUMBER, true);
    h.clock.advance(MINUTE);
    expect((await desk.post(`/desk/enquiries/${reference}/reply`, { reply: 'The A38 reopens at 6am.' })).status).toBe(
      303,
    );
    await h.jobs.settle();
    expect(refusals().map((r) => r.responseStatus)).toEqual([400]);
    expect(await h.jobs.pending()).toEqual([]);
    const row = await h.database.db
      .selectFrom('outbound_message')
      .select(['state', 'attempts', 'last_error'])
      .where('to_number', '=', JOURNALIST)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row.last_error).toContain('Twilio error 21610');
    expect(await kindsOf(h.database.db, reference)).toContain('sms_out_failed');
    const page = await pageText(desk, reference);
    expect(page.text).toContain(
      'Unsubscribed from our texts (Twilio reported it) on Wed 2 Dec 10:01: texts will not reach them; call or email',
    );
    expect(page.html).not.toContain(`action="/desk/enquiries/${reference}/reply"`);
  });

  it('is found by subject access and forgotten by erasure, even with no enquiry', async () => {
    const desk = await start(WEDNESDAY_10AM);
    expect(await text(JOURNALIST, 'STOPALL')).toEqual([]);
    expect(await enquiryCount()).toBe(0);
    const exported = await desk.get(`/desk/privacy/export.json?phone=${encodeURIComponent(JOURNALIST)}`);
    expect(JSON.parse(exported.body).smsOptOut).toEqual({
      phone: JOURNALIST,
      optedOutAt: '2026-12-02T10:00:00.000Z',
      keyword: 'STOPALL',
    });
    expect(await findAnywhere(h.database.db, [JOURNALIST])).toContain(`public.sms_opt_out.phone: ${JOURNALIST}`);

    await desk.get('/desk/privacy');
    expect((await desk.post('/desk/privacy/erase', { phone: JOURNALIST, confirm: 'yes' })).status).toBe(200);
    expect(await h.database.db.selectFrom('sms_opt_out').selectAll().execute()).toEqual([]);
    expect(await findAnywhere(h.database.db, [JOURNALIST, JOURNALIST.slice(3)])).toEqual([]);
    // Twilio keeps its own block: Press Desk's record was never what protected them.
    expect(h.twilio.optOuts.isOptedOut(JOURNALIST, PRESS_OFFICE_NUMBER)).toBe(true);
  });
});

describe('a journalist who texted STOP, with an urgent enquiry at night', () => {
  it('is shown on the on-call link instead of its SMS reply form, and gets no acknowledgement text', async () => {
    await start(CHRISTMAS_EVE_10PM);
    await onCallThroughout(h, { primary: { name: 'Olu On-Call', phone: ON_CALL } });
    await text(JOURNALIST, 'STOP');
    h.clock.advance(MINUTE);
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    const { reference } = (await res.json()) as { reference: string };
    const [page] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const link = /https:\/\/press\.example\.org(\/m\/[A-Za-z0-9_-]+)/.exec(page.body!)![1];
    const view = decodeEntities(await (await h.app.request(link)).text());
    expect(view).toContain('Texted STOP on Thu 24 Dec 22:00: texts will not reach them; call or email.');
    expect(view).not.toContain('Send reply');

    // The officer acknowledges: the journalist's "someone has it" text is not attempted.
    await text(ON_CALL, 'ACK');
    await h.jobs.settle();
    expect(textsTo(JOURNALIST)).toEqual([]);
    expect(refusals()).toEqual([]);
    const ack = await h.database.db
      .selectFrom('outbound_message')
      .select(['state', 'last_error'])
      .where('idempotency_key', 'like', 'ack:%')
      .executeTakeFirstOrThrow();
    expect(ack).toEqual({
      state: 'failed',
      last_error:
        'Not sent: the recipient texted STOP on Thu 24 Dec 22:00; texts will not reach them until they text START',
    });
    expect(await kindsOf(h.database.db, reference)).toContain('sms_out_failed');
    // The REPLY command is refused with the same words, and queues nothing.
    expect(await text(ON_CALL, `REPLY ${reference} Four crews on scene.`)).toEqual([
      'Press Desk: this journalist texted STOP. Texted STOP on Thu 24 Dec 22:00: texts will not reach them; call or email.',
    ]);
    expect(await kindsOf(h.database.db, reference)).not.toContain('reply_queued');
  });
});

describe('a journalist who texts an opt-in word', () => {
  it('is an ordinary text when they never opted out: "Yes" joins their enquiry', async () => {
    await start(WEDNESDAY_10AM);
    const [thanks] = await text(JOURNALIST, 'Can you confirm the A38 closure?');
    const reference = /PD-[A-Z0-9]{3}-[A-Z0-9]{3}/.exec(thanks)![0];
    expect(await text(JOURNALIST, 'Yes')).toEqual([expect.stringContaining(`added this to your enquiry ${reference}`)]);
    expect(await enquiryCount()).toBe(1);
  });
});

describe('retention', () => {
  it('forgets a journalist’s old STOP once no enquiry holds their number, and keeps an officer’s while they are on the staff list', async () => {
    await start(WEDNESDAY_10AM);
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await text(JOURNALIST, 'STOP');
    await text(ON_CALL, 'STOP');
    h.clock.set('2034-01-01T10:00:00Z');
    await h.services.privacy.sweep();
    expect(await h.database.db.selectFrom('sms_opt_out').select('phone').execute()).toEqual([{ phone: ON_CALL }]);
  });
});

describe('an on-call officer who texts STOP', () => {
  async function startNight(): Promise<DeskClient> {
    const desk = await start(CHRISTMAS_EVE_10PM);
    await onCallThroughout(h, {
      primary: { name: 'Olu On-Call', phone: ON_CALL },
      backup: { name: 'Bea Backup', phone: BACKUP },
    });
    return desk;
  }

  it('is not taken as a command, and the rota says their pages are calls', async () => {
    const desk = await startNight();
    // Not the HELP list an unknown text from the on-call number gets: no answer at all.
    expect(await text(ON_CALL, 'STOP')).toEqual([]);
    const rota = decodeEntities((await desk.get('/desk/rota')).body);
    const row = rota.slice(rota.indexOf('On call now'), rota.indexOf('Backup (next contact)'));
    expect(row).toContain('Olu On-Call');
    expect(row).toContain('texted STOP: pages to them are calls until they text START');
    expect(
      rota.slice(
        rota.indexOf('Backup (next contact)'),
        rota.indexOf('</section>', rota.indexOf('Backup (next contact)')),
      ),
    ).not.toContain('texted STOP');

    expect(await text(ON_CALL, 'start')).toEqual([]);
    expect(decodeEntities((await desk.get('/desk/rota')).body)).not.toContain('texted STOP');
  });

  it('is paged by a call at once for an urgent enquiry at night: the text is not attempted, and Twilio refuses nothing', async () => {
    await startNight();
    await text(ON_CALL, 'Stop');
    h.clock.advance(MINUTE);
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    // No time passes: the call is the next step, taken at once.
    const [call] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    expect(call.to).toBe(ON_CALL);
    expect(textsTo(ON_CALL)).toEqual([]);
    expect(refusals()).toEqual([]);
    // The first step, a text, rings the same phone instead: nothing fails, nothing escalates past them.
    const kinds = await kindsOf(h.database.db, reference);
    expect(kinds.slice(kinds.indexOf('page_created'))).toEqual([
      'page_created',
      'page_called_instead',
      'page_call_placed',
    ]);
    const instead = await h.database.db
      .selectFrom('enquiry_event')
      .select('data')
      .where('kind', '=', 'page_called_instead')
      .executeTakeFirstOrThrow();
    expect(instead.data).toMatchObject({ step: 0, to: 'oncall', reason: 'opted_out' });
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await pageText(manager, reference)).text).toContain(
      'Escalation step 1 to the on-call officer called: this phone texted STOP to the press office number, so texts to it are refused until it texts START',
    );
  });

  it('hears incident summaries as calls, and a test page rings them', async () => {
    const desk = await startNight();
    await text(ON_CALL, 'STOP');
    const [olu] = (await h.services.rota.listPeople()).filter((p) => p.phone === ON_CALL);
    expect((await desk.post(`/desk/rota/people/${olu.id}/test-page`, {})).status).toBe(303);
    expect(decodeEntities((await desk.get(`/desk/rota?done=test-page&person=${olu.id}`)).body)).toContain(
      `A test call to Olu On-Call on ${ON_CALL} has been queued: texted STOP: pages to them are calls until they text START.`,
    );
    await h.jobs.settle();
    const [testCall] = await h.twilio.waitForCalls(1);
    expect(testCall.to).toBe(ON_CALL);

    // An incident on-call has (acknowledged by keypress): its next urgent enquiries come as one spoken summary.
    await h.services.incidents.declare({ name: 'Depot fire', terms: 'depot fire' }, { kind: 'staff', actor: SYSTEM });
    await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Depot fire: injuries?',
      details: 'Tonight',
      urgent: true,
    });
    const [, page] = await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    await h.twilio.answerCall(page, { answeredBy: 'human', digits: ['1'] });
    await h.jobs.settle();
    h.clock.advance(MINUTE);
    await h.postJson('/api/enquiries', {
      name: 'Bo Reporter',
      outlet: 'Radio North',
      phone: '+447911123499',
      subject: 'Depot fire road closures',
      details: 'Tonight',
      urgent: true,
    });
    h.clock.advance(h.config.incidents.summaryMinutes * MINUTE);
    await h.jobs.settle();
    const calls = await h.twilio.waitForCalls(3);
    expect(calls[2].to).toBe(ON_CALL);
    expect(calls[2].twiml).toContain('Incident Depot fire: 1 more urgent enquiry has arrived');
    expect(textsTo(ON_CALL)).toEqual([]);
    expect(refusals()).toEqual([]);
  });
});

describe('a journalist’s STOP on the timeline', () => {
  it('is recorded on each of their open enquiries, with the START that ends it', async () => {
    const desk = await start(WEDNESDAY_10AM);
    const [thanks] = await text(JOURNALIST, 'Is the A38 closed tonight?');
    const bySms = /PD-[A-Z0-9]{3}-[A-Z0-9]{3}/.exec(thanks)![0];
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Bridge repairs',
      details: 'When do they end?',
    });
    const { reference: byApi } = (await res.json()) as { reference: string };
    const other = (await (
      await h.postJson('/api/enquiries', {
        name: 'Bo Reporter',
        outlet: 'Radio North',
        phone: '+447911123499',
        subject: 'Bridge repairs',
        details: 'Cost?',
      })
    ).json()) as { reference: string };

    h.clock.advance(MINUTE);
    await text(JOURNALIST, 'stop');
    h.clock.advance(MINUTE);
    await text(JOURNALIST, 'Start');
    for (const reference of [bySms, byApi]) {
      const page = (await pageText(desk, reference)).text;
      expect(page).toContain(
        'The journalist texted STOP: our texts will not reach them until they text START; call or email',
      );
      expect(page).toContain('The journalist texted START: our texts reach them again');
    }
    expect(await kindsOf(h.database.db, other.reference)).not.toContain('sms_opt_out');
  });
});
