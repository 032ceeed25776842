/**
 * Issue 23, item 4: urgent work is not buried. At equal due times the queue puts urgent enquiries
 * before routine ones, and an urgent enquiry without a journalist's deadline gets the shorter
 * office target `intake.urgentResponseTargetWorkingMinutes` (60 working minutes by default)
 * instead of the routine one (240): in hours from now, out of hours from the next opening.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00 (London = UTC in December): the office is open 9:00-17:00.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICER = { email: 'uma.officer@press.example', password: 'officer-password-1' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: WEDNESDAY_10AM,
    jobs: false,
    config: { intake: { rateLimit: null, pageRateLimit: null } },
  });
  await h.services.users.create({ ...OFFICER, name: 'Uma Officer', role: 'officer' }, { userId: null, email: 'test' });
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

async function submit(
  fields: Record<string, unknown>,
): Promise<{ reference: string; respondBy: string | null; nextStep: string; urgent: boolean }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    subject: 'Road closure',
    details: 'Why was the road closed?',
    ...fields,
  });
  expect(res.status).toBe(201);
  return res.json();
}

function rowsOrder(html: string): string[] {
  return [...html.matchAll(/id="row-(PD-[A-Z0-9-]+)"/g)].map((m) => m[1]);
}

describe('urgent before routine', () => {
  it('puts an urgent enquiry before a routine one due at the same time, though the routine one came first', async () => {
    // Both due at the journalist's deadline, Thursday noon (after the next opening: not urgent by deadline).
    const routine = await submit({ subject: 'Library hours (routine)', deadline: '2026-12-03T12:00' });
    const urgent = await submit({ subject: 'Library hours (urgent)', deadline: '2026-12-03T12:00', urgent: true });
    expect(routine.urgent).toBe(false);
    expect(urgent.urgent).toBe(true);
    expect(routine.respondBy).toBe(urgent.respondBy);

    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const order = rowsOrder((await officer.get('/desk?q=library')).body);
    expect(order).toEqual([urgent.reference, routine.reference]);
  });

  it('keeps urgent-first across pages: the next page starts after the last row shown, skipping and repeating nothing', async () => {
    const refs: string[] = [];
    // 60 enquiries all due at the same instant, every third urgent, so the first page's last row sits inside the tie.
    for (let i = 0; i < 60; i++)
      refs.push(
        (await submit({ subject: `Pager tie ${i}`, deadline: '2026-12-04T12:00', urgent: i % 3 === 0 })).reference,
      );
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const first = await officer.get('/desk?q=pager');
    const firstRows = rowsOrder(first.body);
    expect(firstRows).toHaveLength(50);
    const next = /href="(\/desk\?[^"]*after=[^"]*)"/.exec(first.body)![1].replace(/&amp;/g, '&');
    const secondRows = rowsOrder((await officer.get(next)).body);
    expect(new Set([...firstRows, ...secondRows]).size).toBe(60);
    const all = [...firstRows, ...secondRows];
    const urgentRefs = refs.filter((_, i) => i % 3 === 0);
    // All 20 urgent ones first.
    expect(new Set(all.slice(0, 20))).toEqual(new Set(urgentRefs));
  });
});

describe('the urgent target', () => {
  it('gives an urgent enquiry without a deadline 60 working minutes, not the routine 240', async () => {
    const urgent = await submit({ subject: 'Chemical smell in the town centre', urgent: true });
    const routine = await submit({ subject: 'Budget consultation' });
    expect(urgent.respondBy).toBe('2026-12-02T11:00:00.000Z');
    expect(urgent.nextStep).toBe(
      'We are open and have marked your enquiry urgent. A press officer will respond by 11:00am today.',
    );
    expect(routine.respondBy).toBe('2026-12-02T14:00:00.000Z');
    const row = await h.database.db
      .selectFrom('enquiry')
      .select(['respond_by', 'warn_at'])
      .where('reference', '=', urgent.reference)
      .executeTakeFirstOrThrow();
    expect(row.respond_by?.toISOString()).toBe('2026-12-02T11:00:00.000Z');

    // Due sooner, so it is above the routine one in the queue.
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const order = rowsOrder((await officer.get('/desk')).body);
    expect(order.indexOf(urgent.reference)).toBeLessThan(order.indexOf(routine.reference));
  });

  it('out of hours counts the urgent target from the next opening (on-call is paged meanwhile)', async () => {
    h.clock.set('2026-12-02T20:00:00Z');
    const urgent = await submit({ subject: 'Crash on the bypass', urgent: true, phone: '+447911123402' });
    expect(urgent.respondBy).toBe('2026-12-03T10:00:00.000Z');

    // With a deadline the journalist's time is the promise, bounded by the routine target as before
    // (240 working minutes from the 9:00 opening): the urgent target is for "no deadline".
    const withDeadline = await submit({
      subject: 'Feature on the bypass',
      urgent: true,
      deadline: '2026-12-04T16:00',
      phone: '+447911123403',
    });
    expect(withDeadline.respondBy).toBe('2026-12-03T13:00:00.000Z');
  });

  it('stops the start, naming the key, when the urgent target is longer than the routine one', () => {
    let err: unknown;
    try {
      loadConfig({}, { intake: { urgentResponseTargetWorkingMinutes: 300 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('intake.urgentResponseTargetWorkingMinutes');
    expect(() => loadConfig({}, { intake: { urgentResponseTargetWorkingMinutes: 0 } })).toThrow(
      /intake\.urgentResponseTargetWorkingMinutes/,
    );
    expect(loadConfig({}).intake.urgentResponseTargetWorkingMinutes).toBe(60);
  });
});
