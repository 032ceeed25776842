import { afterEach, describe, expect, it } from 'vitest';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Issue 23, item 8: the reports' CSV is in office time, with the zone in the headers and the
// offset in each value, and counts durations in minutes. Friday 3 July 2026 is British Summer
// Time (UTC+1): a time left in UTC is an hour out.
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };

let h: Harness;
afterEach(async () => h?.close());

/** The CSV as rows keyed by its header. */
function parse(body: string): { header: string[]; rows: Array<Record<string, string>> } {
  const lines = body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  const header = lines[0].split(',');
  return { header, rows: lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))) };
}

describe('the reports CSV', () => {
  it('gives times in office time with their offset and durations in minutes, the headers saying so', async () => {
    h = await startHarness({ now: '2026-07-03T11:00:00Z' });
    await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Gazette',
      email: 'ann@gazette.example',
      subject: 'Road closure',
      details: 'x',
      deadline: '2026-07-03T15:00',
    });
    const { reference } = (await res.json()) as { reference: string };
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    // Answered 45 minutes and 30 seconds later, in working hours.
    h.clock.set('2026-07-03T11:45:30Z');
    expect(
      (await mona.post(`/desk/enquiries/${reference}/response`, { response: 'The road reopens on Monday.' })).status,
    ).toBe(303);

    const csv = await mona.get('/desk/reports.csv?period=custom&from=2026-07-01&to=2026-07-03');
    expect(csv.status).toBe(200);
    const { header, rows } = parse(csv.body);
    expect(header).toContain('received_at (Europe/London)');
    expect(header).toContain('first_response_minutes');
    expect(header).toContain('first_response_working_minutes');
    expect(header.filter((c) => /seconds/.test(c))).toEqual([]);
    expect(
      header
        .filter((c) => /_at\b|deadline|respond_by/.test(c) && !/outcome/.test(c))
        .every((c) => c.endsWith(' (Europe/London)')),
    ).toBe(true);
    const [row] = rows;
    expect(row.reference).toBe(reference);
    expect(row['received_at (Europe/London)']).toBe('2026-07-03T12:00:00+01:00');
    expect(row['deadline (Europe/London)']).toBe('2026-07-03T15:00:00+01:00');
    expect(row['first_response_at (Europe/London)']).toBe('2026-07-03T12:45:30+01:00');
    expect(row.first_response_minutes).toBe('45.5');
    expect(row.first_response_working_minutes).toBe('45.5');
  });
});
