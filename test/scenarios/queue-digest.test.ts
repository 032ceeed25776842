/**
 * Issue 23, item 4: the morning digest on the queue used to fill the first screen (every item,
 * ungrouped, on-call named by phone number). Now it is one sentence ("Overnight: 3 enquiries, 3
 * urgent…; incident 'Hartfield fire': declared overnight, 2 enquiries, holding line sent to 2")
 * with the details behind a <details> disclosure, grouped by incident with the incidents declared
 * and the lines sent overnight, and people named by their rota or desk name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed until 9:00 on Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const OFFICER = { email: 'dee.officer@press.example', password: 'officer-password-1' };
const STAFF = { userId: null, email: 'dee.officer@press.example' };

let h: Harness;
afterEach(async () => h?.close());

async function enquiry(subject: string, phone: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Night Reporter',
    outlet: 'Wire',
    phone,
    subject,
    details: 'Need a line tonight.',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** The page's text with tags removed and whitespace folded. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

describe('the morning digest on the queue', () => {
  it('is a one-line summary naming the incident and the line sent, with the details by incident behind a disclosure, and people by name', {
    timeout: 30_000,
  }, async () => {
    h = await startHarness({
      now: CHRISTMAS_EVE_6PM,
      jobs: true,
      config: {
        onCall: { bundleSeconds: 0 },
        intake: { rateLimit: null, pageRateLimit: null },
        twilio: { smsPerSecond: 1000 },
      },
    });
    await h.services.users.create(
      { ...OFFICER, name: 'Dee Officer', role: 'officer' },
      { userId: null, email: 'test' },
    );
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });

    // Overnight: a paged enquiry that on-call acknowledges by text, then an incident with two enquiries and a holding line.
    const depot = await enquiry('Burst water main on the high street', '+447911123401');
    await h.jobs.settle();
    await h.sms(ON_CALL, 'ACK');
    await h.jobs.settle();
    h.clock.advance(30 * 60_000);
    const incident = await h.services.incidents.declare(
      { name: 'Hartfield fire', terms: 'Hartfield' },
      { kind: 'staff', actor: STAFF },
    );
    const fire1 = await enquiry('Hartfield chemical works fire: evacuation?', '+447911123402');
    const fire2 = await enquiry('Smoke over Hartfield', '+447911123403');
    await h.jobs.settle();
    const line = await h.services.holdingLines.addLine(
      incident.id,
      { kind: 'holding', text: 'Crews are at the scene in Hartfield; more at 23:00.' },
      STAFF,
    );
    await h.services.holdingLines.send(incident.id, line.id, STAFF);
    await h.jobs.settle();

    // Tuesday 29th, 09:05: the office has opened.
    h.clock.set('2026-12-29T09:05:00Z');
    expect(await h.services.digest.generateIfDue()).not.toBeNull();
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const queue = (await officer.get('/desk')).body;
    const section = /<section class="panel handover"[\s\S]*?<\/section>\s*(?=<p class="counts")/.exec(queue)?.[0];
    expect(section).toBeDefined();

    // The summary: one sentence, before the disclosure.
    const summary = text(/<p class="digest-summary">([\s\S]*?)<\/p>/.exec(section!)![1]);
    expect(summary).toContain('Overnight: 3 enquiries, 3 urgent');
    expect(summary).toContain('incident ‘Hartfield fire’: declared overnight, 2 enquiries, holding line sent to 2');

    // The details, grouped: the incident (declared by whom, the line by whom and to how many), its enquiries; then the others.
    const details = /<details class="digest-details">([\s\S]*?)<\/details>/.exec(section!)![1];
    const incidentPart = /<section class="digest-incident"[\s\S]*?<\/section>/.exec(details)![0];
    expect(text(incidentPart)).toContain('Incident Hartfield fire');
    expect(text(incidentPart)).toContain('Declared');
    expect(text(incidentPart)).toContain('by Dee Officer');
    expect(text(incidentPart)).toMatch(/Holding line by Dee Officer \(.*\) sent to 2 journalists/);
    expect(incidentPart).toContain(fire1);
    expect(incidentPart).toContain(fire2);
    expect(incidentPart).not.toContain(depot);
    const rest = details.slice(details.indexOf('Other enquiries'));
    expect(rest).toContain(depot);

    // On-call by name, never by number.
    expect(text(details)).toContain('paged Olu On-Call, acknowledged by Olu On-Call');
    expect(section).not.toContain(ON_CALL);
    expect(section).not.toContain('07911 200001');
  });
});
