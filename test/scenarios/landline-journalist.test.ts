/**
 * Issue 24, follow-up: texts Press Desk can know Twilio will refuse (error 21614, the number
 * cannot take texts: a landline, an 03 or 0800 number) are not tried. A journalist who gave a
 * landline is shown so in place of the SMS reply form, on the desk and on the on-call link, and a
 * reply to them (a stale form, or on-call's REPLY) is refused with the same words and queues
 * nothing; calling and email stay. An incident summary to an on-call number that cannot take
 * texts (the shipped 03 out-of-hours line) is said on a call instead, as its pages are.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { nightRota } from '../support/rota.js';
import { eventsOf } from '../support/timeline.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const ON_CALL = '+447911200001';
const SHIPPED_FALLBACK = '+443001234567';
const LANDLINE = '+442079460000';
const NOTICE = '020 7946 0000 is a landline: it cannot take texts; call or email';
const OFFICER = { email: 'olive.officer@press.example', password: 'correct horse battery 1' };
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

const text = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
const textsTo = (phone: string) => h.twilio.messages.filter((m) => m.to === phone);
const refusals = () => h.twilio.requests.filter((r) => r.responseStatus >= 400);

async function enquiryFrom(phone: string, opts: { urgent: boolean; subject?: string }): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    email: 'ann@gazette.example',
    subject: opts.subject ?? 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: opts.urgent,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** Texts `body` from `from`; returns the app's TwiML reply texts. */
async function sms(from: string, body: string): Promise<string[]> {
  const twiml = await (await h.sms(from, body)).text();
  return [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => decodeEntities(m[1]));
}

describe('a journalist who gave a landline', () => {
  it('is shown so on the desk in place of the SMS reply form, and a reply from a stale form is refused and not queued; calling and email stay', async () => {
    h = await startHarness({ now: WEDNESDAY_10AM, jobs: true });
    await h.services.users.create(
      { ...OFFICER, name: 'Olive Officer', role: 'officer' },
      { userId: null, email: 'test' },
    );
    const desk = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await enquiryFrom(LANDLINE, { urgent: false });
    await h.jobs.settle();

    const page = (await desk.get(`/desk/enquiries/${ref}`)).body;
    expect(page).not.toContain(`action="/desk/enquiries/${ref}/reply"`);
    expect(text(page)).toContain(`Reply to the journalist by SMS ${NOTICE}.`);
    expect(page).toContain(`href="tel:${LANDLINE}"`);
    // Beside the number too, where an officer deciding how to answer looks first.
    expect(text(page)).toContain('Phone 020 7946 0000 (a landline: it cannot take texts; call or email)');
    expect(page).toContain('href="mailto:');

    const refused = await desk.post(`/desk/enquiries/${ref}/reply`, { reply: 'The depot fire is out.' });
    expect(fieldError(refused.body, 'reply')).toContain(NOTICE);
    await h.jobs.settle();
    expect(await eventsOf(h.database.db, ref, 'reply_queued')).toEqual([]);
    expect(textsTo(LANDLINE)).toEqual([]);
    expect(refusals()).toEqual([]);
  });

  it('is shown so on the on-call link in place of its SMS reply form, and on-call’s REPLY by text is refused and not queued', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true });
    await nightRota(h, { primary: ON_CALL });
    const ref = await enquiryFrom(LANDLINE, { urgent: true });
    const [pageText] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const link = /https:\/\/press\.example\.org(\/m\/[A-Za-z0-9_-]+)/.exec(pageText.body!)![1];
    const view = decodeEntities(await (await h.app.request(link)).text());
    expect(text(view)).toContain(`Reply by SMS ${NOTICE}.`);
    expect(view).not.toContain('Send reply');
    expect(view).toContain('Call me, then the journalist');

    expect(await sms(ON_CALL, `REPLY ${ref} The depot fire is out.`)).toEqual([
      `Press Desk: this journalist's number cannot take texts. ${NOTICE}.`,
    ]);
    await h.jobs.settle();
    expect(await eventsOf(h.database.db, ref, 'reply_queued')).toEqual([]);
    expect(textsTo(LANDLINE)).toEqual([]);
    expect(refusals()).toEqual([]);
  });
});

describe('an incident summary to an on-call number that cannot take texts', () => {
  it.each([
    { who: 'the shipped 03 out-of-hours line, with nobody on the rota', phone: SHIPPED_FALLBACK, rota: false },
    { who: 'an on-call officer whose phone is a landline', phone: LANDLINE, rota: true },
  ])(
    'reaches $who as a call saying the summary, and each enquiry’s timeline says so',
    async ({ phone: onCall, rota }) => {
      h = await startHarness({
        now: CHRISTMAS_EVE_6PM,
        jobs: true,
        config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null, pageRateLimit: null } },
      });
      expect(h.config.onCall.fallbackNumber).toBe(SHIPPED_FALLBACK);
      if (rota) await nightRota(h, { primary: onCall });
      await h.services.incidents.declare(
        { name: 'Depot fire', terms: 'depot fire' },
        { kind: 'staff', actor: { userId: null, email: 'manager@press.example.org' } },
      );

      // The first urgent enquiry pages the out-of-hours line (a call); pressing 1 gives on-call the incident.
      await enquiryFrom('+447911123401', { urgent: true, subject: 'Depot fire: any injuries?' });
      const [page] = await h.twilio.waitForCalls(1);
      await h.jobs.settle();
      expect(page.to).toBe(onCall);
      await h.twilio.answerCall(page, { answeredBy: 'human', digits: ['1'] });
      await h.jobs.settle();

      // Two more about the same story do not page: they go into one summary 15 minutes later.
      h.clock.advance(MINUTE);
      const later = [
        await enquiryFrom('+447911123402', { urgent: true, subject: 'Depot fire update' }),
        await enquiryFrom('+447911123403', { urgent: true, subject: 'Depot fire road closures' }),
      ];
      h.clock.advance(h.config.incidents.summaryMinutes * MINUTE);
      await h.jobs.settle();
      const summary = await h.twilio.waitForCalls(2);
      await h.jobs.settle();

      expect(summary[1].to).toBe(onCall);
      const said = text(summary[1].twiml!);
      expect(said).toContain(
        'This is Press Desk. Incident Depot fire: 2 more urgent enquiries have arrived. None has a deadline before the office opens',
      );
      // The reference spelled out to be written down: "PD-7KQ-2MX" is "P D, 7 K Q, 2 M X".
      const spelled = later[1]
        .split('-')
        .map((part) => part.split('').join(' '))
        .join(', ');
      expect(said).toContain(`The latest is ${spelled}.`);
      expect(textsTo(onCall)).toEqual([]);
      expect(refusals()).toEqual([]);
      for (const ref of later) {
        expect((await eventsOf(h.database.db, ref, 'incident_summary')).map((e) => e.data)).toEqual([
          { incidentId: expect.any(String), to: onCall, by: 'call', key: expect.stringMatching(/^incident-summary:/) },
        ]);
      }
      await h.services.users.create(
        { ...OFFICER, name: 'Olive Officer', role: 'officer' },
        { userId: null, email: 'test' },
      );
      const desk = await loginAs(h, OFFICER.email, OFFICER.password);
      expect(text((await desk.get(`/desk/enquiries/${later[0]}`)).body)).toContain(
        'Counted in the incident summary called to on-call',
      );
    },
  );
});
