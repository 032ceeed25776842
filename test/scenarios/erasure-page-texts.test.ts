/**
 * Issue 13, item 1: page texts and calls are rows of the one outbound table, and they name the
 * journalist (name, outlet, number, subject). Erasure removes them: a page of theirs alone is
 * blanked; a bundled text that also lists other journalists' enquiries loses only their lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed, so urgent enquiries page the on-call phone.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const ERASED_JOURNALIST = { name: 'Jasper Journo', phone: '+447911123490', outlet: 'Jasper Weekly' };
const OTHER = { name: 'Olive Other', phone: '+447911123491', outlet: 'Other Times' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 120 }, intake: { rateLimit: null } },
  });
  const from = new Date('2026-12-01T00:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({
    phone: ON_CALL,
    role: 'primary',
    startsAt: from,
    endsAt: new Date('2027-01-05T09:00:00Z'),
    createdBy: 'test',
  });
});
afterAll(async () => h?.close());

async function urgent(j: { name: string; phone: string; outlet: string }, subject: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: j.name,
    outlet: j.outlet,
    phone: j.phone,
    subject,
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function pageTexts(): Promise<string[]> {
  const rows = await h.database.db
    .selectFrom('outbound_message')
    .select('content')
    .where('owner_kind', '=', 'page_step')
    .where('medium', '=', 'sms')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.content ?? '');
}

describe('erasure of page texts', () => {
  it('blanks a page of the journalist alone and removes only their lines from a bundle', async () => {
    // The first page goes at once; the next two are held and go out as one bundled text.
    const alone = await urgent(ERASED_JOURNALIST, 'Bridge closure');
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const bundled = await urgent(ERASED_JOURNALIST, 'Depot fire');
    const other = await urgent(OTHER, 'Flooded road');
    await h.jobs.settle();
    h.clock.advance(2 * 60_000);
    await h.twilio.waitForMessages(2);
    await h.jobs.settle();

    const before = await pageTexts();
    expect(before).toHaveLength(2);
    expect(before[0]).toContain(ERASED_JOURNALIST.name);
    expect(before[1]).toContain(`${bundled} (`);
    expect(before[1]).toContain('Depot fire');
    expect(before[1]).toContain('Flooded road');

    expect(
      await h.services.privacy.erase(
        { phone: ERASED_JOURNALIST.phone, email: null },
        { userId: null, email: 'dpo@press.example' },
      ),
    ).toMatchObject({ erased: 2 });

    const after = await pageTexts();
    expect(after[0]).toBe('[erased]');
    for (const needle of [
      ERASED_JOURNALIST.name,
      ERASED_JOURNALIST.phone,
      ERASED_JOURNALIST.outlet,
      'Bridge closure',
      'Depot fire',
    ]) {
      expect(after.join('\n')).not.toContain(needle);
    }
    // The other journalist's line, the header and the ACK instructions stay.
    expect(after[1]).toMatch(/^URGENT: 2 more media enquiries:/);
    expect(after[1]).toContain(`\n${bundled}: [erased]\n`);
    expect(after[1]).toContain(`${other} (`);
    expect(after[1]).toContain('Flooded road');
    expect(after[1]).toContain('Reply ACK');
    expect(alone).not.toBe(bundled);
  });
});
