/**
 * Issue 23, item 6: an erasure request about a journalist with open enquiries lists them first
 * and closes them as erased. Nothing of theirs is left on the queue that nobody could answer:
 * their escalation stops, they leave a bundle not yet sent, no deadline warning or breach comes
 * later, reports count them neither as answered nor as missed; the button is a warning button,
 * and the result lists the references erased.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const DUTY_MANAGER = '+447911200077';
const MANAGER = { email: 'dpo.manager@press.example', password: 'manager-password-1' };
const JO = { name: 'Jo Erased', outlet: 'Weekly Echo', phone: '+447911123455', typed: '07911 123455' };
const MINUTE = 60_000;

let h: Harness;
let dpo: DeskClient;

async function enquiry(body: Record<string, unknown>): Promise<string> {
  const res = await h.postJson('/api/enquiries', { details: 'Need a line on this, please.', ...body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function statusOf(reference: string) {
  return h.database.db
    .selectFrom('enquiry')
    .select(['status', 'closed_at', 'erased_at'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
}

/** Texts and calls to anyone since `since` that name `reference` (a page, a bundle line, a breach text). */
function sentNaming(reference: string, since: Date) {
  return h.twilio.messages
    .filter((m) => m.at >= since && (m.body ?? '').includes(reference))
    .concat(h.twilio.calls.filter((c) => c.at >= since && (c.twiml ?? '').includes(reference)));
}

describe('erasing a journalist with two open enquiries', () => {
  let a1: string;
  let a2: string;
  let other: string;

  beforeAll(async () => {
    h = await startHarness({
      now: CHRISTMAS_EVE_6PM,
      jobs: true,
      config: { onCall: { bundleSeconds: 120 }, desk: { escalationNumbers: [DUTY_MANAGER] } },
    });
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });
    await h.services.users.create(
      { ...MANAGER, name: 'Dee Manager', role: 'manager' },
      { userId: null, email: 'test' },
    );
    dpo = await loginAs(h, MANAGER.email, MANAGER.password);
    // Jo's first urgent enquiry pages on-call at once (its escalation runs); another journalist's
    // and Jo's second, a minute later, wait for the bundle to the same phone.
    a1 = await enquiry({ name: JO.name, outlet: JO.outlet, phone: JO.phone, subject: 'Depot fire', urgent: true });
    await h.jobs.settle();
    h.clock.advance(MINUTE / 2);
    other = await enquiry({
      name: 'Sam Other',
      outlet: 'Daily Post',
      phone: '+447911123466',
      subject: 'Road closed',
      urgent: true,
    });
    a2 = await enquiry({
      name: JO.name,
      outlet: JO.outlet,
      phone: JO.phone,
      subject: 'Depot fire, casualties',
      deadline: '2026-12-25T09:00:00Z',
      urgent: true,
    });
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === ON_CALL).map((m) => m.body)).toEqual([expect.stringContaining(a1)]);
  });
  afterAll(async () => {
    await h?.close();
    h?.clock.restore();
  });

  it('lists the open enquiries before the warning button, and says they will be closed as erased', async () => {
    const page = await dpo.get(`/desk/privacy?phone=${encodeURIComponent(JO.typed)}`);
    expect(page.status).toBe(200);
    const listBeforeButton = page.body.slice(0, page.body.indexOf('Erase this journalist'));
    expect(listBeforeButton).toContain('2 open enquiries will be closed as erased');
    const table = /<table class="stack open-before-erasure">([\s\S]*?)<\/table>/.exec(listBeforeButton)?.[1] ?? '';
    expect(table).toContain(a1);
    expect(table).toContain(a2);
    expect(table).not.toContain(other);
    expect(table).toContain('New');
    expect(table).toContain('18:00');
    expect(page.body).toMatch(/<button class="button button--warning" type="submit">\s*Erase this journalist’s data/);
  });

  it('closes them as erased, off the queue, with nothing sent about them afterwards, and lists the references', async () => {
    const erasedAt = h.clock.now();
    const done = await dpo.post('/desk/privacy/erase', { phone: JO.typed, email: '', confirm: 'yes' });
    expect(done.status).toBe(200);
    const notice = /<div class="panel" role="status">([\s\S]*?)<\/div>/.exec(done.body)?.[1] ?? '';
    expect(notice).toContain('Erased personal data from 2 enquiries');
    expect(notice).toContain(a1);
    expect(notice).toContain(a2);
    expect(notice).toContain('closed as erased');

    for (const ref of [a1, a2])
      expect(await statusOf(ref)).toMatchObject({ status: 'erased', closed_at: erasedAt, erased_at: erasedAt });
    expect((await statusOf(other)).status).toBe('new');
    // The record says why the escalation of Jo's first stopped.
    const stopped = await sql<{ data: { reason: string } }>`
      SELECT ev.data FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
       WHERE e.reference = ${a1} AND ev.kind = 'escalation_stopped'`.execute(h.database.db);
    expect(stopped.rows.map((r) => r.data.reason)).toEqual(['the enquiry was erased']);

    // Nothing of Jo's is left on the open queue; the other journalist's enquiry is.
    const queue = await dpo.get('/desk');
    expect(queue.body).not.toContain(a1);
    expect(queue.body).not.toContain(a2);
    expect(queue.body).toContain(other);

    // The bundle goes out without Jo's enquiry; Jo's escalation never rings anyone; no warning or
    // breach comes for Jo's deadline on Christmas morning.
    for (let i = 0; i < 4; i++) {
      h.clock.advance(10 * MINUTE);
      await h.jobs.settle();
    }
    expect(h.twilio.messages.filter((m) => m.to === ON_CALL && m.at >= erasedAt).map((m) => m.body)).toEqual(
      expect.arrayContaining([expect.stringContaining(other)]),
    );
    h.clock.set('2026-12-25T10:00:00Z');
    await h.services.deadlines.sweep();
    await h.jobs.settle();
    expect(sentNaming(a1, erasedAt)).toEqual([]);
    expect(sentNaming(a2, erasedAt)).toEqual([]);
    const steps = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM page_step st JOIN page p ON p.id = st.page_id JOIN enquiry e ON e.id = p.enquiry_id
       WHERE e.reference IN (${a1}, ${a2}) AND st.state = 'sent' AND st.created_at >= ${erasedAt}`.execute(
      h.database.db,
    );
    expect(steps.rows[0].n).toBe(0);
    const deadlineEvents = await sql<{ kind: string }>`
      SELECT ev.kind FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
       WHERE e.reference IN (${a1}, ${a2}) AND ev.kind IN ('deadline_warning', 'deadline_breached')`.execute(
      h.database.db,
    );
    expect(deadlineEvents.rows).toEqual([]);

    // Reports: Jo's are neither answered, nor still owed, nor missed (the deadline passed after the erasure).
    const f = await h.services.reports.figures(
      new Date('2026-12-24T00:00:00Z'),
      new Date('2026-12-26T00:00:00Z'),
      null,
    );
    expect(f.received.total).toBe(3);
    expect(f.firstResponse.elapsed.n).toBe(0);
    expect(f.firstResponse.without).toBe(1);
    expect(f.close.without).toBe(1);
    expect(f.close.elapsed.n).toBe(0);
    expect(f.deadlines).toMatchObject({ met: 0, missed: 0, pending: 0, missedList: [] });
    expect(f.backlog.open).toBe(1);
  });

  it('refuses to reopen an enquiry the erasure closed, so nothing unanswerable returns to the queue', async () => {
    dpo = await loginAs(h, MANAGER.email, MANAGER.password); // a day on: the session has ended
    const page = await dpo.get(`/desk/enquiries/${a1}`);
    const res = await dpo.post(`/desk/enquiries/${a1}/status`, { status: 'in_progress' });
    expect(page.status).toBe(200);
    expect(res.status).toBe(409);
    expect(res.body).toContain('closed by an erasure request');
    expect((await statusOf(a1)).status).toBe('erased');
    expect((await dpo.get('/desk')).body).not.toContain(a1);
  });
});
