/**
 * Issue 23, item 8: people shown as people. The page text gives the journalist's number as the
 * officer dials it (07911 123401, not +447911123401); the incident pages name who declared the
 * incident and wrote its lines as the users list knows them, not by their email; the on-call
 * link names who acknowledged by the rota's name. Stored values do not change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const JOURNALIST = '+447911123401';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };
const MINUTE = 60_000;
const LINK = new RegExp(`\\nOpen: ${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/[A-Za-z0-9_-]{22})\\n`);

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0 } } });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: BACKUP });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  await h.services.rota.addShift({ phone: BACKUP, role: 'backup', startsAt: from, endsAt: to, createdBy: 'test' });
}

async function urgentEnquiry(): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight.',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

const text = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

describe('people shown as people', () => {
  it("the page text gives the journalist's number in national format; the stored number stays E.164", async () => {
    await start();
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    const page = h.twilio.messages.find((m) => m.to === ON_CALL)!.body!;
    expect(page).toContain('Ann Reporter, Evening Gazette 07911 123401');
    expect(page).not.toContain(JOURNALIST);
    const stored = await h.database.db
      .selectFrom('enquiry')
      .select('phone')
      .where('reference', '=', ref)
      .executeTakeFirstOrThrow();
    expect(stored.phone).toBe(JOURNALIST);
  });

  it('the incident pages name who declared it and who wrote its line', async () => {
    await start();
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await manager.post('/desk/incidents', { name: 'Depot fire', terms: 'depot' })).status).toBe(303);
    const incident = await h.database.db.selectFrom('incident').selectAll().executeTakeFirstOrThrow();
    expect(incident.declared_by).toBe(MANAGER.email);
    expect(
      (await manager.post(`/desk/incidents/${incident.id}/lines`, { kind: 'holding', text: 'Crews are there.' }))
        .status,
    ).toBe(303);

    const list = text((await manager.get('/desk/incidents')).body);
    expect(list).toMatch(/declared .* by Maya Manager/);
    const pageText = text((await manager.get(`/desk/incidents/${incident.id}`)).body);
    expect(pageText).toMatch(/Declared .* by Maya Manager/);
    expect(pageText).toMatch(/Holding line .* by Maya Manager/);
    expect(pageText).not.toContain(MANAGER.email);
  });

  it('the on-call link names the backup who acknowledged by text, by their rota name', async () => {
    await start();
    await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    // Nobody acknowledges: twenty minutes on, the backup is paged and acknowledges by text.
    for (const _ of [10, 10]) {
      h.clock.advance(10 * MINUTE);
      await h.jobs.settle();
    }
    expect(h.twilio.messages.some((m) => m.to === BACKUP)).toBe(true);
    expect((await h.sms(BACKUP, 'ACK')).status).toBe(200);
    await h.jobs.settle();
    const path = LINK.exec(h.twilio.messages.find((m) => m.to === ON_CALL)!.body!)![1];
    const view = await (await h.app.request(path)).text();
    expect(view).toMatch(/Escalation stopped: acknowledged by Bea Backup at/);
    expect(view).not.toContain(BACKUP);
  });

  it("the enquiry page's timeline names the officers and gives numbers as dialled", async () => {
    await start();
    const ref = await urgentEnquiry();
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect((await h.sms(ON_CALL, 'ACK')).status).toBe(200);
    await h.jobs.settle();
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await manager.post(`/desk/enquiries/${ref}/note`, { note: 'Called the duty inspector.' })).status).toBe(
      303,
    );
    const timeline = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(
      (await manager.get(`/desk/enquiries/${ref}`)).body,
    )![1];
    const said = text(timeline);
    expect(said).toContain('Page SMS sent to Olu On-Call 07911 200001');
    expect(said).toContain('Page acknowledged by Olu On-Call');
    expect(said).toContain('Internal note by Maya Manager');
    expect(timeline).not.toContain(ON_CALL);
    expect(timeline).not.toContain(MANAGER.email);
  });
});
