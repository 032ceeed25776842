/**
 * Issue 18, item 4: deadline warnings in office time. An open enquiry with no response is warned
 * about an hour before its respond-by time (real time before a journalist's deadline, opening
 * time before the office's target) and, at respond-by with still no response, the breach is
 * recorded and texted to desk.escalationNumbers, without the journalist's personal data. The
 * sweep is called as the every-minute task would, after moving the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeadlineWatch } from '../../src/deadlines/deadline.service.js';
import type { EventKind } from '../../src/enquiries/timeline.js';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { eventsOf } from '../support/timeline.js';

const DUTY_MANAGER = '+447911300001';
const HEAD_OF_NEWS = '+447911300002';
const JOURNALIST = '+447911123401';
const ACTOR = { userId: null, email: 'officer@press.example' };

let h: Harness;
afterEach(async () => h?.close());

async function start(now: string) {
  h = await startHarness({
    now,
    jobs: true,
    config: { desk: { escalationNumbers: [DUTY_MANAGER, HEAD_OF_NEWS] }, intake: { rateLimit: null } },
  });
}

/** Submits through the API; returns the reference. */
async function submit(subject: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject,
    details: 'Details of the question.',
    ...extra,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function events(reference: string, kind: EventKind) {
  return eventsOf(h.database.db, reference, kind);
}

/** Moves the clock to `at` (London wall-clock in winter is UTC) and sweeps once. */
async function sweepAt(at: string) {
  h.clock.set(at);
  return h.services.deadlines.sweep();
}

/** Texts the fake Twilio got for the escalation phones, after the queued jobs ran. */
async function escalationTexts() {
  await h.jobs.settle();
  return h.twilio.messages
    .filter((m) => m.to === DUTY_MANAGER || m.to === HEAD_OF_NEWS)
    .map((m) => ({ to: m.to, body: m.body }));
}

describe('warning then breach, at office times across a weekend', () => {
  it('warns and escalates each enquiry once, at the right minute, and not once it is answered', async () => {
    // Friday 4 December 2026, 16:30 (GMT): the office target of 240 opening minutes is Monday 12:30.
    await start('2026-12-04T16:30:00Z');
    const olive = await h.services.users.create(
      { email: 'olive@press.example', name: 'Olive Officer', role: 'officer', password: 'officer-password-1' },
      ACTOR,
    );
    const unanswered = await submit('Road closure on the A38');
    await h.services.casework.assign(unanswered, olive.id, ACTOR);
    const answeredEarly = await submit('Council budget vote');
    const answeredInTime = await submit('School inspection report');
    // A journalist's deadline at 03:00 on Saturday: their clock does not stop at night.
    const overnight = await submit('Fire at the depot', { deadline: '2026-12-05T03:00' });

    h.clock.set('2026-12-04T16:45:00Z');
    await h.services.casework.recordResponse(answeredEarly, 'We will not comment on the vote.', ACTOR);

    // Saturday night: the deadline's warning an hour before it, the breach on the dot.
    expect(await sweepAt('2026-12-05T01:59:59Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-05T02:00:00Z')).toEqual({ warned: 1, breached: 0 });
    expect((await events(overnight, 'deadline_warning')).map((e) => e.data)).toEqual([
      { respondBy: '2026-12-05T03:00:00.000Z', by: 'deadline' },
    ]);
    expect(await sweepAt('2026-12-05T02:59:00Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-05T03:00:00Z')).toEqual({ warned: 0, breached: 1 });
    expect((await events(overnight, 'deadline_breached')).map((e) => e.data)).toEqual([
      { respondBy: '2026-12-05T03:00:00.000Z', by: 'deadline' },
    ]);
    const night = `${overnight} passed its respond-by time (Sat 5 Dec 03:00) without a response. Assigned: nobody. Fire at the depot`;
    expect(await escalationTexts()).toEqual(
      expect.arrayContaining([
        { to: DUTY_MANAGER, body: night },
        { to: HEAD_OF_NEWS, body: night },
      ]),
    );
    expect(await escalationTexts()).toHaveLength(2);

    // The office targets are counted in opening time: nothing over the weekend, nor first thing Monday.
    expect(await sweepAt('2026-12-05T12:00:00Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-06T23:59:00Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-07T11:29:59Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-07T11:30:00Z')).toEqual({ warned: 2, breached: 0 });
    for (const ref of [unanswered, answeredInTime]) {
      expect((await events(ref, 'deadline_warning')).map((e) => e.data)).toEqual([
        { respondBy: '2026-12-07T12:30:00.000Z', by: 'target' },
      ]);
    }

    h.clock.set('2026-12-07T12:00:00Z');
    await h.services.casework.recordResponse(answeredInTime, 'The report is published on Friday.', ACTOR);

    expect(await sweepAt('2026-12-07T12:29:59Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-07T12:30:00Z')).toEqual({ warned: 0, breached: 1 });
    expect(await sweepAt('2026-12-07T12:31:00Z')).toEqual({ warned: 0, breached: 0 });
    const monday = `${unanswered} passed its respond-by time (Mon 7 Dec 12:30) without a response. Assigned: Olive Officer. Road closure on the A38`;
    const texts = await escalationTexts();
    expect(
      texts
        .filter((t) => t.body === monday)
        .map((t) => t.to)
        .sort(),
    ).toEqual([DUTY_MANAGER, HEAD_OF_NEWS]);
    expect(texts).toHaveLength(4);
    // Staff phones only: nothing of the journalist's.
    for (const t of texts) {
      expect(t.body).not.toContain('Ann Reporter');
      expect(t.body).not.toContain('Evening Gazette');
      expect(t.body).not.toContain(JOURNALIST.slice(3));
    }
    // The enquiry's timeline records the breach and the texts that went.
    expect(await events(unanswered, 'deadline_breached')).toHaveLength(1);
    expect((await events(unanswered, 'sms_out')).map((e) => (e.data as { to: string }).to).sort()).toEqual([
      DUTY_MANAGER,
      HEAD_OF_NEWS,
    ]);

    // Answered before the warning: neither; answered after the warning: no breach.
    expect(await events(answeredEarly, 'deadline_warning')).toHaveLength(0);
    expect(await events(answeredEarly, 'deadline_breached')).toHaveLength(0);
    expect(await events(answeredInTime, 'deadline_breached')).toHaveLength(0);
    const rows = await h.database.db.selectFrom('enquiry').select(['reference', 'warned_at', 'breached_at']).execute();
    const by = Object.fromEntries(rows.map((r) => [r.reference, r]));
    expect(by[unanswered]).toMatchObject({
      warned_at: new Date('2026-12-07T11:30:00Z'),
      breached_at: new Date('2026-12-07T12:30:00Z'),
    });
    expect(by[answeredEarly]).toMatchObject({ warned_at: null, breached_at: null });
    expect(by[answeredInTime]).toMatchObject({ warned_at: new Date('2026-12-07T11:30:00Z'), breached_at: null });

    // The reports page counts them by when they happened: three warnings and two breaches that
    // week-end to Monday, two warnings and one breach on the Monday alone.
    await h.services.users.create(
      { email: 'head@press.example', name: 'Hana Head', role: 'manager', password: 'manager-password-1' },
      ACTOR,
    );
    const manager = await loginAs(h, 'head@press.example', 'manager-password-1');
    const figures = async (from: string, to: string) =>
      JSON.parse((await manager.get(`/desk/reports.json?period=custom&from=${from}&to=${to}`)).body).deadlines;
    expect(await figures('2026-12-04', '2026-12-07')).toMatchObject({ warnings: 3, breaches: 2 });
    expect(await figures('2026-12-07', '2026-12-07')).toMatchObject({ warnings: 2, breaches: 1 });
    expect(await figures('2026-12-08', '2026-12-08')).toMatchObject({ warnings: 0, breaches: 0 });
    // An officer's own figures: only the breach of the enquiry assigned to them.
    const officer = await loginAs(h, 'olive@press.example', 'officer-password-1');
    expect(
      JSON.parse((await officer.get('/desk/reports.json?period=custom&from=2026-12-04&to=2026-12-07')).body).deadlines,
    ).toMatchObject({ warnings: 1, breaches: 1 });
    const page = await manager.get('/desk/reports?period=custom&from=2026-12-04&to=2026-12-07');
    expect(page.body).toMatch(
      /<dt>Deadline warnings<\/dt>\s*<dd>\s*3 <span class="hint">\(2 passed without a response\)<\/span>/,
    );
  });
});

describe('across Christmas and the substitute Boxing Day', () => {
  it('warns and escalates on Tuesday 29 December for an enquiry of Christmas Eve afternoon', async () => {
    // Christmas Eve (Thursday) 16:00: an hour of opening time today, then closed on the 25th, the
    // weekend and Monday 28th (Boxing Day's substitute). Target 29th 12:00; warning 11:00.
    await start('2026-12-24T16:00:00Z');
    const ref = await submit('Christmas market stabbing');
    for (const at of [
      '2026-12-24T17:00:00Z',
      '2026-12-25T12:00:00Z',
      '2026-12-26T11:00:00Z',
      '2026-12-28T11:00:00Z',
      '2026-12-28T23:59:00Z',
      '2026-12-29T10:59:59Z',
    ]) {
      expect(await sweepAt(at), at).toEqual({ warned: 0, breached: 0 });
    }
    expect(await sweepAt('2026-12-29T11:00:00Z')).toEqual({ warned: 1, breached: 0 });
    expect(await sweepAt('2026-12-29T11:59:59Z')).toEqual({ warned: 0, breached: 0 });
    expect(await sweepAt('2026-12-29T12:00:00Z')).toEqual({ warned: 0, breached: 1 });
    const body = `${ref} passed its respond-by time (Tue 29 Dec 12:00) without a response. Assigned: nobody. Christmas market stabbing`;
    expect(await escalationTexts()).toEqual(
      expect.arrayContaining([
        { to: DUTY_MANAGER, body },
        { to: HEAD_OF_NEWS, body },
      ]),
    );
    expect((await events(ref, 'deadline_warning')).map((e) => e.at)).toEqual([new Date('2026-12-29T11:00:00Z')]);
  });
});

describe('the sweep under load', () => {
  it('announces each enquiry once with two workers sweeping at the same moment, a batch at a time, and tells the live queue', async () => {
    await start('2026-12-02T10:00:00Z');
    const refs: string[] = [];
    for (let i = 0; i < 7; i++) refs.push(await submit(`Question ${i}`));
    h.clock.set('2026-12-02T13:00:00Z'); // 14:00 target, 13:00 warning
    const announced: string[] = [];
    const worker = () =>
      new DeadlineWatch({
        db: h.database.db,
        clock: h.clock.fn,
        config: h.config,
        arrivals: { announce: (r) => announced.push(r) },
        batch: 3,
      });
    const [a, b] = await Promise.all([worker().sweep(), worker().sweep()]);
    // Neither waits for the other's rows: together they take two batches' worth, never the same row.
    expect(a.warned + b.warned).toBeLessThanOrEqual(6);
    expect(a.warned + b.warned).toBeGreaterThanOrEqual(3);
    let total = a.warned + b.warned;
    while (total < 7) {
      const r = await worker().sweep();
      expect(r.warned).toBeGreaterThan(0);
      expect(r.warned).toBeLessThanOrEqual(3);
      total += r.warned;
    }
    expect(total).toBe(7);
    expect(await worker().sweep()).toEqual({ warned: 0, breached: 0 });
    for (const ref of refs) expect(await events(ref, 'deadline_warning')).toHaveLength(1);
    expect(announced.sort()).toEqual([...refs].sort());

    // Without escalation numbers a breach is recorded and nothing is texted.
    const quiet = new DeadlineWatch({
      db: h.database.db,
      clock: h.clock.fn,
      config: { ...h.config, desk: { ...h.config.desk, escalationNumbers: [] } },
    });
    h.clock.set('2026-12-02T14:00:00Z');
    expect(await quiet.sweep()).toEqual({ warned: 0, breached: 7 });
    expect(await escalationTexts()).toEqual([]);
  });
});
