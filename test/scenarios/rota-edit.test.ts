import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { numbersVerified } from '../support/rota.js';
import type { RotaRole } from '../../src/oncall/rota.tables.js';

// Issue 23, item 8: a rota shift can be edited and deleted from the desk, and paging follows.
// Christmas Eve 2026, 18:00 (UTC = office time in winter): the office is closed, so an urgent
// enquiry pages whoever is on call.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const JO = '+447911200001';
const SAM = '+447911200003';
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(opts: { jobs?: boolean } = {}) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: opts.jobs, config: { onCall: { bundleSeconds: 0 } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const jo = await h.services.rota.addPerson({ name: 'Jo Smith', phone: JO });
  const sam = await h.services.rota.addPerson({ name: 'Sam Patel', phone: SAM });
  await numbersVerified(h.database.db);
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  return { jo, sam, mona };
}

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

function noticeOf(html: string): string | null {
  const m = /<div class="notice" role="status"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return m ? text(m[1]).trim() : null;
}

async function shift(personPhone: string, from: string, to: string, role: RotaRole = 'primary') {
  return h.services.rota.addShift({
    phone: personPhone,
    role,
    startsAt: new Date(from),
    endsAt: new Date(to),
    createdBy: 'test',
  });
}

async function edit(mona: DeskClient, id: string, fields: { personId: string; startsAt: string; endsAt: string }) {
  await mona.get('/desk/rota');
  return mona.post(`/desk/rota/shifts/${id}`, fields);
}

async function auditOf(action: string) {
  return h.database.db
    .selectFrom('audit_log')
    .select(['user_email', 'detail'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();
}

describe('editing a rota shift', () => {
  it('hands a future shift to someone else, says so, audits it, and the next page goes to the new person', async () => {
    const { sam, mona } = await start({ jobs: true });
    const s = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const page = await mona.get('/desk/rota');
    expect(text(page.body)).toContain(
      'Shifts and overrides From To Who Role Actions Thu 24 Dec 20:00 Fri 25 Dec 09:00 Jo Smith',
    );

    const res = await edit(mona, s.id, { personId: sam.id, startsAt: '2026-12-24T20:00', endsAt: '2026-12-25T09:00' });
    expect(res.status).toBe(303);
    expect(noticeOf((await mona.get(res.location!)).body)).toBe('Shift updated. Pages from now on follow the change.');
    const [entry] = await auditOf('rota.shift_updated');
    expect(entry).toMatchObject({
      user_email: MANAGER.email,
      detail: {
        before: { person: 'Jo Smith', phone: JO },
        after: { person: 'Sam Patel', phone: SAM, from: '8:00pm on Thursday 24 December 2026' },
      },
    });

    // 21:00: an urgent enquiry pages Sam, not Jo.
    h.clock.set('2026-12-24T21:00:00Z');
    const enquiry = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Gazette',
      phone: '+447911123401',
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    expect(enquiry.status).toBe(201);
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === SAM)).toHaveLength(1);
    expect(h.twilio.messages.filter((m) => m.to === JO)).toHaveLength(0);
  });

  it('refuses times that are invalid or overlap another shift of the same role, naming the field', async () => {
    const { jo, sam, mona } = await start();
    const a = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    await shift(SAM, '2026-12-25T09:00:00Z', '2026-12-25T17:00:00Z');
    const backwards = await edit(mona, a.id, {
      personId: jo.id,
      startsAt: '2026-12-24T20:00',
      endsAt: '2026-12-24T19:00',
    });
    expect(backwards.status).toBe(422);
    expect(fieldError(backwards.body, `entry-${a.id}-endsAt`)).toBe('The shift must end after it starts');
    const nonsense = await edit(mona, a.id, { personId: jo.id, startsAt: 'soon', endsAt: '2026-12-25T09:00' });
    expect(nonsense.status).toBe(422);
    expect(fieldError(nonsense.body, `entry-${a.id}-startsAt`)).toMatch(
      /^Enter a date and time that exists in office time/,
    );
    const overlap = await edit(mona, a.id, {
      personId: jo.id,
      startsAt: '2026-12-24T20:00',
      endsAt: '2026-12-25T12:00',
    });
    expect(overlap.status).toBe(422);
    expect(fieldError(overlap.body, `entry-${a.id}-endsAt`)).toBe(
      "This overlaps Sam Patel's shift from 9:00am on Friday 25 December 2026 to 5:00pm on Friday 25 December 2026",
    );
    const past = await edit(mona, a.id, { personId: sam.id, startsAt: '2026-12-24T17:00', endsAt: '2026-12-25T09:00' });
    expect(past.status).toBe(422);
    expect(fieldError(past.body, `entry-${a.id}-startsAt`)).toBe('The start cannot be in the past');
    // Nothing changed.
    expect(await h.services.rota.onCallAt(new Date('2026-12-24T21:00:00Z'))).toMatchObject({ name: 'Jo Smith' });
  });

  it('a shift that has started can be shortened to end now, but not rewritten into the past', async () => {
    const { jo, sam, mona } = await start();
    const s = await shift(JO, '2026-12-24T12:00:00Z', '2026-12-25T09:00:00Z');
    const moved = await edit(mona, s.id, { personId: jo.id, startsAt: '2026-12-24T14:00', endsAt: '2026-12-25T09:00' });
    expect(moved.status).toBe(422);
    expect(fieldError(moved.body, `entry-${s.id}-startsAt`)).toBe(
      'This shift has started: its start (12:00pm on Thursday 24 December 2026) cannot change',
    );
    const handed = await edit(mona, s.id, {
      personId: sam.id,
      startsAt: '2026-12-24T12:00',
      endsAt: '2026-12-25T09:00',
    });
    expect(fieldError(handed.body, `entry-${s.id}-personId`)).toBe(
      'This shift has started: Jo Smith was on call. End it now and add a new one for Sam Patel',
    );
    const intoPast = await edit(mona, s.id, {
      personId: jo.id,
      startsAt: '2026-12-24T12:00',
      endsAt: '2026-12-24T17:00',
    });
    expect(fieldError(intoPast.body, `entry-${s.id}-endsAt`)).toBe(
      'The shift cannot end in the past: the earliest it can end is now',
    );
    // A started shift offers "End now", not "Delete"; deleting it anyway is refused.
    const page = await mona.get('/desk/rota');
    expect(page.body).toContain(`action="/desk/rota/shifts/${s.id}/end"`);
    expect(page.body).not.toContain(`action="/desk/rota/shifts/${s.id}/delete"`);
    expect((await mona.post(`/desk/rota/shifts/${s.id}/delete`, {})).status).toBe(422);

    const ended = await mona.post(`/desk/rota/shifts/${s.id}/end`, {});
    expect(ended.status).toBe(303);
    expect(noticeOf((await mona.get(ended.location!)).body)).toBe(
      'Shift ended now. Pages from now on go to whoever else is on the rota.',
    );
    const row = await h.database.db
      .selectFrom('rota_entry')
      .selectAll()
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row.starts_at.toISOString()).toBe('2026-12-24T12:00:00.000Z');
    expect(row.ends_at.toISOString()).toBe('2026-12-24T18:00:00.000Z');
    expect(await h.services.rota.onCallAt(new Date('2026-12-24T18:00:00Z'))).toMatchObject({ source: 'fallback' });
    // Once over it cannot be changed at all.
    h.clock.advance(5 * MINUTE);
    const over = await edit(mona, s.id, { personId: jo.id, startsAt: '2026-12-24T12:00', endsAt: '2026-12-25T09:00' });
    expect(over.status).toBe(422);
    expect(text(over.body)).toContain('This shift is over: past shifts stay on record as they were');
  });

  it('deletes a future shift after confirming, says so and audits it', async () => {
    const { mona } = await start();
    const s = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const page = await mona.get('/desk/rota');
    expect(text(page.body)).toContain(
      "Delete Jo Smith's shift from Thu 24 Dec 20:00? Whoever else covers that time, or the out-of-hours line, is paged instead. Yes, delete this shift",
    );
    const res = await mona.post(`/desk/rota/shifts/${s.id}/delete`, {});
    expect(res.status).toBe(303);
    expect(noticeOf((await mona.get(res.location!)).body)).toBe('Shift deleted.');
    expect(
      await h.database.db.selectFrom('rota_entry').select('id').where('id', '=', s.id).executeTakeFirst(),
    ).toBeUndefined();
    const [entry] = await auditOf('rota.shift_deleted');
    expect(entry).toMatchObject({
      user_email: MANAGER.email,
      detail: { person: 'Jo Smith', phone: JO, from: '8:00pm on Thursday 24 December 2026' },
    });
    expect(await h.services.rota.onCallAt(new Date('2026-12-24T21:00:00Z'))).toMatchObject({ source: 'fallback' });
  });
});
