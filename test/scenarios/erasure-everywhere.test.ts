/**
 * Issue 12, finding 4: an erasure request leaves none of the journalist's personal data
 * anywhere in the database. One journalist's data is sent down every path that stores or copies
 * it (each channel, a page and its acknowledgement, desk notes and replies, delivery reports and
 * failures, jobs that failed, the morning digest and its SMS), then erased, then every text and
 * JSON column of every table, found through information_schema (graphile-worker's tables
 * included), is searched for their name, number and email.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/desk-client.js';
import { findAnywhere as searchAll } from '../support/find-anywhere.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Saturday 5 December 2026, 10:00: closed until Monday 9:00.
const SATURDAY_10AM = '2026-12-05T10:00:00Z';
const MONDAY_0905 = '2026-12-07T09:05:00Z';
const ON_CALL = '+447911200001';
const HANDOVER_PHONE = '+447911200009';
const COLLEAGUE = '+447911200005';
const MANAGER = { email: 'erasure.manager@press.example', password: 'manager-password-1' };
const JOURNALIST = {
  name: 'Jasper Journo',
  email: 'Jasper.Journo@gazette.example',
  phone: '+447911123490',
  typed: '07911 123490',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: SATURDAY_10AM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null }, handover: { smsNumbers: [HANDOVER_PHONE] } },
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
  await h.services.users.create({ ...MANAGER, name: 'Erin Manager', role: 'manager' }, { userId: null, email: 'test' });
});
afterAll(async () => h?.close());

const findAnywhere = (needles: string[]) => searchAll(h.database.db, needles);

describe('an erasure request', () => {
  it('leaves the journalist’s name, number and email in no column of any table, and keeps the figures', async () => {
    // Three enquiries, one per channel, all while the office is closed; two urgent ones page.
    const form = await h.app.request('/enquiries', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: PUBLIC_BASE_URL,
        'Sec-Fetch-Site': 'same-origin',
      },
      body: new URLSearchParams({
        name: JOURNALIST.name,
        outlet: 'Gazette',
        email: JOURNALIST.email,
        phone: JOURNALIST.typed,
        subject: `${JOURNALIST.name} on the bridge`,
        details: `From ${JOURNALIST.name}, ${JOURNALIST.typed}`,
      }).toString(),
    });
    expect(form.status).toBe(303);
    const api = await h.postJson('/api/enquiries', {
      name: JOURNALIST.name,
      outlet: 'Gazette',
      email: JOURNALIST.email,
      phone: JOURNALIST.phone,
      subject: 'Depot fire',
      details: `Call ${JOURNALIST.name}`,
      urgent: true,
    });
    expect(api.status).toBe(201);
    const apiRef = ((await api.json()) as { reference: string }).reference;
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect((await h.sms(ON_CALL, `ACK ${apiRef}`)).status).toBe(200);
    expect(
      (await h.sms(JOURNALIST.phone, `${JOURNALIST.name} here: URGENT, is the bridge shut? Email ${JOURNALIST.email}`))
        .status,
    ).toBe(200);
    await h.jobs.settle();
    const smsRef = (
      await h.database.db
        .selectFrom('enquiry')
        .select('reference')
        .where('channel', '=', 'sms')
        .executeTakeFirstOrThrow()
    ).reference;

    // The desk: a note, a press line, replies (one undelivered, one refused, two failing jobs).
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    expect(
      (await manager.post(`/desk/enquiries/${smsRef}/note`, { note: `Rang ${JOURNALIST.name} on ${JOURNALIST.typed}` }))
        .status,
    ).toBe(303);
    expect(
      (
        await manager.post(`/desk/enquiries/${apiRef}/response`, {
          response: `Told ${JOURNALIST.name} the depot is safe`,
        })
      ).status,
    ).toBe(303);
    expect(
      (await manager.post(`/desk/enquiries/${smsRef}/reply`, { reply: `Hello ${JOURNALIST.name}, the bridge is open` }))
        .status,
    ).toBe(303);
    await h.jobs.settle();
    const reply = h.twilio.messages.find((m) => m.body?.startsWith('Hello'))!;
    expect(await h.twilio.sendStatusCallback(reply, 'undelivered')).toBeLessThan(300);
    h.twilio.failNext(1, {
      status: 400,
      code: 21211,
      message: `The 'To' number ${JOURNALIST.phone} is not a valid phone number.`,
    });
    expect(
      (await manager.post(`/desk/enquiries/${smsRef}/reply`, { reply: `Refused, ${JOURNALIST.name}` })).status,
    ).toBe(303);
    await h.jobs.settle();
    h.twilio.setDown(true);
    expect(
      (await manager.post(`/desk/enquiries/${smsRef}/reply`, { reply: `Waiting to retry, ${JOURNALIST.name}` })).status,
    ).toBe(303);
    expect(
      (await manager.post(`/desk/enquiries/${apiRef}/reply`, { reply: `Failed for good, ${JOURNALIST.name}` })).status,
    ).toBe(303);
    await h.jobs.settle();
    // One of the two failed jobs has run out of attempts (graphile-worker keeps it, payload and all).
    const failing = await sql<{
      id: string;
    }>`SELECT id::text AS id FROM graphile_worker._private_jobs WHERE attempts > 0 ORDER BY id`.execute(h.database.db);
    expect(failing.rows).toHaveLength(2);
    await sql`SELECT graphile_worker.reschedule_jobs(ARRAY[${failing.rows[1].id}]::bigint[], max_attempts => 1)`.execute(
      h.database.db,
    );
    h.twilio.setDown(false);
    // An incident about the bridge: the journalist's enquiries are linked and sent its holding line (issue 18),
    // and they add to one on its status page (issue 17).
    const incident = await h.services.incidents.declare(
      { name: 'Bridge closure', terms: 'bridge' },
      { kind: 'staff', actor: { userId: null, email: 'test' } },
    );
    expect(await h.services.incidents.linkSuggested(incident.id, { userId: null, email: 'test' })).toBeGreaterThan(0);
    const line = await h.services.holdingLines.addLine(
      incident.id,
      { kind: 'holding', text: 'We are aware of the bridge closure.' },
      { userId: null, email: 'test' },
    );
    await h.services.holdingLines.send(incident.id, line.id, { userId: null, email: 'test' });
    const statusToken = /\/status\/([A-Za-z0-9_-]{22})/.exec(
      (await h.database.db.selectFrom('sms_inbound').select('reply').executeTakeFirstOrThrow()).reply ?? '',
    )?.[1];
    expect(statusToken).toBeUndefined(); // stored replies carry the link blanked, never a token
    await h.jobs.settle();
    // The desk asks a colleague about it (issue 26): the question names the journalist, and the
    // colleague's answer by text quotes their number.
    const created = new Date();
    const { id: colleagueId } = await h.database.db
      .insertInto('colleague')
      .values({
        name: 'Insp. Ali Khan',
        mobile: COLLEAGUE,
        email: null,
        usual_hours: null,
        created_at: created,
        updated_at: created,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.services.questions.ask(
      apiRef,
      { colleagueIds: [colleagueId], via: 'sms', question: `Did ${JOURNALIST.name} ring the control room?`, due: '' },
      { userId: null, email: 'test' },
    );
    await h.jobs.settle();
    expect((await h.sms(COLLEAGUE, `Yes, ${JOURNALIST.name} rang from ${JOURNALIST.typed}.`)).status).toBe(200);
    // And sends a response naming them for sign-off; the colleague returns it, quoting their number.
    await h.services.signOff.request(
      apiRef,
      { text: `We spoke to ${JOURNALIST.name} this morning.`, colleagueIds: [colleagueId], via: 'sms' },
      { userId: null, email: 'test' },
    );
    await h.jobs.settle();
    const code = /CHANGES (\d{4})/.exec(h.twilio.messages.filter((m) => m.to === COLLEAGUE).at(-1)?.body ?? '')?.[1];
    expect((await h.sms(COLLEAGUE, `CHANGES ${code} not ${JOURNALIST.typed}`)).status).toBe(200);

    // Monday morning: the digest lists the three, and is texted (once failing, then sent).
    h.clock.set(MONDAY_0905);
    h.twilio.failNext(1, { status: 500, code: 20500, message: 'Twilio is down' });
    expect(await h.services.digest.generateIfDue()).not.toBeNull();
    await h.jobs.settle();
    await h.jobs.retryNow();
    await h.jobs.settle();
    const digestSms = h.twilio.messages.find((m) => m.to === HANDOVER_PHONE)!;
    expect(digestSms.body).toContain(JOURNALIST.name);

    const needles = [
      JOURNALIST.name,
      'Journo',
      JOURNALIST.phone,
      JOURNALIST.phone.slice(3),
      JOURNALIST.typed,
      JOURNALIST.email,
    ];
    const before = await findAnywhere(needles);
    // Everything above really did store their data in each of the places erasure has to reach.
    for (const place of [
      'public.enquiry.',
      'public.enquiry_event.',
      'public.sms_inbound.',
      'public.outbound_message.to_number',
      'public.outbound_message.last_error',
      'public.handover_digest.summary',
      'graphile_worker._private_jobs.payload',
      'graphile_worker._private_jobs.last_error',
      'public.incident_line_sent.contact',
      'public.colleague_question.text',
      'public.question_answer.text',
      'public.statement_draft.text',
      'public.signoff_request.comment',
    ]) {
      expect(
        before.some((f) => f.startsWith(place)),
        place,
      ).toBe(true);
    }
    expect(before.some((f) => f.startsWith('public.outbound_message.content') && f.includes('handover'))).toBe(true);

    const period = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-08T00:00:00Z') };
    const figures = async () => {
      const f = await h.services.reports.figures(period.from, period.to, null);
      const digest = await sql<{ summary: Record<string, number> }>`SELECT summary FROM handover_digest`.execute(
        h.database.db,
      );
      const { items: _items, ...counts } = digest.rows[0].summary;
      return {
        received: f.received,
        pages: f.pages,
        backlog: f.backlog.open,
        deadlines: [f.deadlines.met, f.deadlines.missed, f.deadlines.pending],
        digest: counts,
      };
    };
    const figuresBefore = await figures();

    // Monday's session: Saturday's ended long ago.
    const dpo = await loginAs(h, MANAGER.email, MANAGER.password);
    const done = await dpo.post('/desk/privacy/erase', {
      phone: JOURNALIST.typed,
      email: JOURNALIST.email.toUpperCase(),
      confirm: 'yes',
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Erased personal data from 3 enquiries');

    expect(await findAnywhere(needles)).toEqual([]);
    // The figures stay, except that the three open enquiries left the backlog: an erasure closes
    // them as erased, since nobody could answer them any more (issue 23, item 6).
    expect(figuresBefore.backlog).toBe(3);
    expect(await figures()).toEqual({ ...figuresBefore, backlog: 0 });
    // The digest still lists the three enquiries by reference, without their subjects.
    const digest = await sql<{
      summary: { items: Array<{ reference: string; subject: string }> };
    }>`SELECT summary FROM handover_digest`.execute(h.database.db);
    expect(digest.rows[0].summary.items.map((i) => i.subject)).toEqual(['[erased]', '[erased]', '[erased]']);
  });
});
