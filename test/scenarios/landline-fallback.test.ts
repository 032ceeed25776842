/**
 * Issue 24, item 1: texts to landlines. Twilio refuses a text to a number that cannot take one
 * (error 21614), and the shipped out-of-hours line (`onCall.fallbackNumber`) is an 03 number that
 * the shipped escalation would text. Press Desk calls such a number instead of texting it, says
 * so on the timeline, and warns (without refusing) wherever such a number is configured or put on
 * the rota. Everything here runs with the shipped escalation, fallback and bundling window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { nightRota } from '../support/rota.js';
import { eventsOf } from '../support/timeline.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const SHIPPED_FALLBACK = '+443001234567';
const LANDLINE = '+442079460000';
const JOURNALIST = '+447911123401';
const NO_TEXTS = 'this number cannot take texts: pages to it are calls';
const MANAGER = { email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

/** The shipped configuration (nothing overridden), with `primary` and Bea as backup on the rota over Christmas. */
async function start(primary: string) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true });
  await nightRota(h, { primary, backup: BACKUP });
}

async function urgentEnquiry(): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** Lets `minutes` pass and runs whatever fell due. */
async function later(minutes: number) {
  h.clock.advance(minutes * MINUTE);
  await h.jobs.settle();
}

const textsTo = (phone: string) => h.twilio.messages.filter((m) => m.to === phone);
const callsTo = (phone: string) => h.twilio.calls.filter((c) => c.to === phone);
const text = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

describe('a page to a number that cannot take texts', () => {
  it('with the shipped escalation, reaches the shipped 03 fallback line as a call only, nothing refused, and the timeline says why', async () => {
    await start(ON_CALL);
    expect(h.config.onCall.fallbackNumber).toBe(SHIPPED_FALLBACK);
    expect(h.config.onCall.escalation.at(-1)).toEqual({ action: 'sms+call', to: 'fallback' });
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    await later(10); // step 2: call Olu
    await later(10); // step 3: text and call Bea
    expect(h.twilio.calls.map((c) => c.to)).toEqual([ON_CALL, BACKUP]);
    await later(10); // step 4: the fallback line

    expect(callsTo(SHIPPED_FALLBACK)).toHaveLength(1);
    expect(textsTo(SHIPPED_FALLBACK)).toEqual([]);
    expect(textsTo(BACKUP)).toHaveLength(1);
    // Twilio refused nothing: every request to it was a create it took.
    expect(h.twilio.requests.filter((r) => r.responseStatus >= 400)).toEqual([]);
    expect(await eventsOf(h.database.db, ref, 'page_failed')).toEqual([]);
    const instead = await eventsOf(h.database.db, ref, 'page_called_instead');
    expect(instead.map((e) => e.data)).toEqual([
      { pageId: expect.any(String), step: 3, to: 'fallback', reason: 'no_texts' },
    ]);
    const [placed] = (await eventsOf(h.database.db, ref, 'page_call_placed')).filter(
      (e) => (e.data as { step: number }).step === 3,
    );
    expect(placed.data).toMatchObject({ to: SHIPPED_FALLBACK, source: 'fallback' });
    // The page step itself is recorded as the call it was.
    const steps = await h.database.db
      .selectFrom('page_step')
      .select(['step_index', 'action', 'state'])
      .where('to_number', '=', SHIPPED_FALLBACK)
      .execute();
    expect(steps).toEqual([{ step_index: 3, action: 'call', state: 'sent' }]);

    await h.services.users.create(
      { ...MANAGER, name: 'Mona Manager', role: 'manager' },
      { userId: null, email: 'test' },
    );
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    expect(text((await mona.get(`/desk/enquiries/${ref}`)).body)).toContain(
      'Escalation step 4 to the out-of-hours line called: this number cannot take texts',
    );
  });

  it('calls an on-call officer whose number is a landline as the very first step, instead of a text Twilio would refuse', async () => {
    await start(LANDLINE);
    const ref = await urgentEnquiry();
    const [call] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    expect(call.to).toBe(LANDLINE);
    expect(call.twiml).toContain('Press 1 to acknowledge');
    expect(h.twilio.messages).toEqual([]);
    const instead = await eventsOf(h.database.db, ref, 'page_called_instead');
    expect(instead.map((e) => e.data)).toEqual([
      { pageId: expect.any(String), step: 0, to: 'oncall', reason: 'no_texts' },
    ]);
    // The escalation goes on as configured: the call step rings the landline again after the timeout.
    await later(10);
    expect(callsTo(LANDLINE)).toHaveLength(2);
    expect(textsTo(LANDLINE)).toEqual([]);
  });
});

describe('a journalist who gave a landline', () => {
  it('is not sent the text that on-call has their urgent enquiry, which Twilio would refuse', async () => {
    await start(ON_CALL);
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: LANDLINE,
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    const ref = ((await res.json()) as { reference: string }).reference;
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(await (await h.sms(ON_CALL, 'ACK')).text()).toContain(`acknowledged ${ref}`);
    await h.jobs.settle();
    expect(await eventsOf(h.database.db, ref, 'acknowledged')).toHaveLength(1);
    expect(h.twilio.messages.map((m) => m.to)).toEqual([ON_CALL]);
    expect(h.twilio.requests.filter((r) => r.responseStatus >= 400)).toEqual([]);
  });
});

describe('numbers that cannot take texts on the rota and in the config', () => {
  it('may be put on the rota from the desk, and the rota page says pages to it are calls, also for the shipped fallback line', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_6PM });
    await h.services.users.create(
      { ...MANAGER, name: 'Mona Manager', role: 'manager' },
      { userId: null, email: 'test' },
    );
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    await mona.get('/desk/rota');
    expect((await mona.post('/desk/rota/people', { name: 'Lena Landline', phone: '020 7946 0000' })).location).toBe(
      '/desk/rota?done=person',
    );
    await mona.post('/desk/rota/people', { name: 'Milo Mobile', phone: '07911 200001' });
    const people = await h.database.db.selectFrom('person').select(['id', 'name']).execute();
    const id = (name: string) => people.find((p) => p.name === name)!.id;

    const page = (await mona.get('/desk/rota')).body;
    const row = (personId: string) =>
      text(new RegExp(`<tr id="person-row-${personId}">([\\s\\S]*?)</tr>`).exec(page)![1]);
    expect(row(id('Lena Landline'))).toContain(NO_TEXTS);
    expect(row(id('Milo Mobile'))).not.toContain(NO_TEXTS);
    // Nobody is on call: pages go to the out-of-hours line, the shipped 03 number.
    const onCallNow = text(/<section aria-labelledby="now-title"[\s\S]*?<\/section>/.exec(page)![0]);
    expect(onCallNow).toContain(`Nobody is on the rota: pages go to the Out-of-hours line`);
    expect(onCallNow).toContain(NO_TEXTS);
  });

  it('sends the test page of a person whose phone cannot take texts as a call, as their pages go', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true });
    await h.services.users.create(
      { ...MANAGER, name: 'Mona Manager', role: 'manager' },
      { userId: null, email: 'test' },
    );
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const lena = await h.services.rota.addPerson({ name: 'Lena Landline', phone: LANDLINE });
    await mona.get('/desk/rota');
    const res = await mona.post(`/desk/rota/people/${lena.id}/test-page`);
    expect(text((await mona.get(res.location!)).body)).toContain(
      `A test call to Lena Landline on ${LANDLINE} has been queued: ${NO_TEXTS}.`,
    );
    const [call] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    expect(call.to).toBe(LANDLINE);
    expect(call.twiml).toContain(
      'a test page for Lena Landline. If you can hear this, on-call pages reach this phone as calls.',
    );
    expect(h.twilio.messages).toEqual([]);
    expect(h.twilio.requests.filter((r) => r.responseStatus >= 400)).toEqual([]);
  });

  it('/readyz names the configured numbers that cannot take texts by their keys, and stays ready', async () => {
    h = await startHarness({
      now: CHRISTMAS_EVE_6PM,
      config: {
        handover: { smsNumbers: ['+447911200009', LANDLINE] },
        desk: { escalationNumbers: [SHIPPED_FALLBACK] },
      },
    });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      paging: 'on',
      health: { paging: 'ok', mailbox: 'off', smtp: 'off' },
      cannotTakeTexts: ['onCall.fallbackNumber', 'handover.smsNumbers[1]', 'desk.escalationNumbers[0]'],
    });
  });
});
