/**
 * Issue 12, finding 3: no phone number, email address, name or message text of a journalist
 * reaches the log. Every way their data passes through the service is exercised with the log
 * captured at `debug` (below the production `info`, so anything at info, warn or error is
 * covered too), then the captured lines are searched for each value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { loginAs } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed, so urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const OFFICER = { email: 'log.officer@press.example', password: 'officer-password-1' };

const WEB = {
  name: 'Wanda Webform',
  outlet: 'Weekly Web',
  email: 'wanda.webform@weekly.example',
  phone: '07911 123481',
  e164: '+447911123481',
  subject: 'Wharf subsidence',
  details: 'Wanda asks about the wharf',
};
const API = {
  name: 'Arthur Apicall',
  outlet: 'API Times',
  email: 'arthur.apicall@apitimes.example',
  phone: '+447911123482',
  subject: 'Aqueduct leak',
  details: 'Arthur needs a line on the aqueduct',
};
const SMS = { phone: '+447911123483', text: 'URGENT Sybil Smstext here: is the signal box on fire?' };
const REPLY = 'Hello Sybil, call me on the press line';
const FAILED_REPLY = 'Hello Sybil, second attempt at a reply';
const RETRIED_REPLY = 'Hello Sybil, this one goes through after a retry';
const BAD_NUMBER = {
  name: 'Bertie Badnumber',
  outlet: 'Bad News',
  phone: '+447911123484',
  subject: 'Bollards missing',
  details: 'Bertie asks about bollards',
};

let h: Harness;
const lines: string[] = [];

beforeAll(async () => {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null } },
    log: createLogger('debug', { write: (line: string) => void lines.push(line) }),
  });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  await h.services.users.create({ ...OFFICER, name: 'Lola Officer', role: 'officer' }, { userId: null, email: 'test' });
});
afterAll(async () => h?.close());

async function referenceOfPhone(phone: string): Promise<string> {
  const row = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .where('phone', '=', phone)
    .executeTakeFirstOrThrow();
  return row.reference;
}

describe('the log', () => {
  it('holds no journalist’s phone, email, name or message text after every path their data takes', async () => {
    // An enquiry by each channel; the API and SMS ones are urgent and page the on-call officer.
    const form = await h.app.request('/enquiries', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: PUBLIC_BASE_URL,
        'Sec-Fetch-Site': 'same-origin',
      },
      body: new URLSearchParams({
        name: WEB.name,
        outlet: WEB.outlet,
        email: WEB.email,
        phone: WEB.phone,
        subject: WEB.subject,
        details: WEB.details,
      }).toString(),
    });
    expect(form.status).toBe(303);
    const api = await h.postJson('/api/enquiries', {
      name: API.name,
      outlet: API.outlet,
      email: API.email,
      phone: API.phone,
      subject: API.subject,
      details: API.details,
      urgent: true,
    });
    expect(api.status).toBe(201);
    const apiRef = ((await api.json()) as { reference: string }).reference;
    expect((await h.sms(SMS.phone, SMS.text)).status).toBe(200);
    const smsRef = await referenceOfPhone(SMS.phone);
    await h.twilio.waitForMessages(2);
    await h.jobs.settle();

    // The on-call officer acknowledges both pages; each journalist is told by SMS.
    expect((await h.sms(ON_CALL, `ACK ${apiRef}`)).status).toBe(200);
    expect((await h.sms(ON_CALL, `ACK ${smsRef}`)).status).toBe(200);
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === API.phone || m.to === SMS.phone)).toHaveLength(2);

    // The desk replies by SMS; Twilio reports it undelivered.
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await officer.post(`/desk/enquiries/${smsRef}/reply`, { reply: REPLY })).status).toBe(303);
    await h.jobs.settle();
    const sent = h.twilio.messages.find((m) => m.body === REPLY)!;
    expect(await h.twilio.sendStatusCallback(sent, 'undelivered')).toBeLessThan(300);

    // Delivery failures: Twilio refuses a number for good (its message names the number), and
    // answers 500 once before a retry goes through.
    h.twilio.failNext(1, {
      status: 400,
      code: 21211,
      message: `The 'To' number ${SMS.phone} is not a valid phone number.`,
    });
    expect((await officer.post(`/desk/enquiries/${smsRef}/reply`, { reply: FAILED_REPLY })).status).toBe(303);
    await h.jobs.settle();
    h.twilio.failNext(1, { status: 500, code: 20500, message: `Internal error sending to ${SMS.phone}` });
    expect((await officer.post(`/desk/enquiries/${smsRef}/reply`, { reply: RETRIED_REPLY })).status).toBe(303);
    await h.jobs.settle();
    await h.jobs.retryNow();
    await h.jobs.settle();
    expect(h.twilio.messages.some((m) => m.body === RETRIED_REPLY)).toBe(true);

    // A page to a number Twilio refuses.
    h.twilio.failNext(1, {
      status: 400,
      code: 21211,
      message: `The 'To' number ${ON_CALL} is not a valid phone number.`,
    });
    const bad = await h.postJson('/api/enquiries', { ...BAD_NUMBER, urgent: true });
    expect(bad.status).toBe(201);
    await h.jobs.settle();

    const events = await h.database.db.selectFrom('enquiry_event').select('kind').execute();
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['sms_out', 'sms_out_failed', 'sms_out_status', 'acknowledged']),
    );
    const log = lines.join('');
    // The capture works: the requests and jobs above were logged.
    expect(log).toContain('"msg":"request"');
    expect(log).toMatch(/send_sms/);
    expect(log).toMatch(/job failed/);

    const personal = [
      ...Object.values(WEB).filter((v) => v !== WEB.outlet),
      ...Object.values(API).filter((v) => v !== API.outlet),
      ...Object.values(BAD_NUMBER).filter((v) => v !== BAD_NUMBER.outlet),
      SMS.phone,
      SMS.text,
      'Sybil Smstext',
      REPLY,
      FAILED_REPLY,
      RETRIED_REPLY,
    ];
    const forms = (v: string) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1), v.replace(/^\+/, '%2B')];
    const found = personal.filter((v) => forms(v).some((f) => log.includes(f)));
    expect(found, found.map((v) => lines.find((l) => forms(v).some((f) => l.includes(f)))).join('\n')).toEqual([]);
  });
});
