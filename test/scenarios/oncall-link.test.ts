/**
 * Issue 15, item 2: the link in the page. The page SMS carries {PUBLIC_BASE_URL}/m/{token}, a
 * single-purpose sign-in to a mobile view of that enquiry, acting as the officer the page went
 * to: it shows that enquiry only, offers call / reply / note / done behind a form token, opens
 * nothing under /desk, expires after onCall.linkHours, and its token is stored only as a hash.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventKind } from '../../src/enquiries/timeline.js';
import { createLogger, type Logger } from '../../src/log.js';
import { PRESS_OFFICE_NUMBER, PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { openView as openLinkView, pagedLink as pagedLinkTo, postLinkForm } from '../support/oncall-link.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const JOURNALIST = '+447911123401';
const OTHER_JOURNALIST = '+447911123402';
const HOUR = 3_600_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(config: Record<string, unknown> = {}, log?: Logger) {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0, ...config } },
    ...(log ? { log } : {}),
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
}

async function urgentEnquiry(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight on how many crews are there.',
    urgent: true,
    ...extra,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** The link in the `n`th page SMS to the on-call phone: its path and raw token. */
const pagedLink = (n = 1) => pagedLinkTo(h, ON_CALL, n);
const openView = (path: string) => openLinkView(h, path);
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  postLinkForm(h, path, fields, headers);

async function events(reference: string, kind?: EventKind) {
  let q = h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select(['enquiry_event.kind', 'enquiry_event.actor', 'enquiry_event.data'])
    .where('enquiry.reference', '=', reference);
  if (kind) q = q.where('enquiry_event.kind', '=', kind);
  return q.orderBy('enquiry_event.id').execute();
}

async function enquiry(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

describe('the link in the page', () => {
  it('is in the page SMS, within two segments, and opens that enquiry as the officer paged', async () => {
    await start();
    const ref = await urgentEnquiry({ deadline: '2026-12-24T21:30' });
    const { path, body } = await pagedLink();
    expect(body).toContain(ref);
    expect(body).toMatch(/Reply ACK \d{4} to acknowledge\./);
    expect(body.length).toBeLessThanOrEqual(306);

    const res = await h.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    for (const part of [
      ref,
      'Ann Reporter',
      'Evening Gazette',
      '07911 123401',
      'Thu 24 Dec 21:30',
      'Fire at the depot',
      'Need a line tonight on how many crews are there.',
    ]) {
      expect(html).toContain(part);
    }
    // The officer calls through the office number: the journalist's number is text, not a tel: link.
    expect(html).not.toContain('tel:');
    for (const action of ['call', 'reply', 'note', 'done']) expect(html).toContain(`action="${path}/${action}"`);
    // The latest timeline entries: the page that was just sent.
    expect(html).toContain('Page SMS sent to Olu On-Call');
    expect(await events(ref, 'oncall_viewed')).toEqual([
      { kind: 'oncall_viewed', actor: 'Olu On-Call', data: { via: 'link' } },
    ]);
  });

  it('trims the subject, not the link, to keep a long page within two segments', async () => {
    await start();
    await urgentEnquiry({
      name: 'Siobhán O’Neill',
      subject: 'The depot’s fire – and the road closures around it, what we know '.repeat(2).trim(),
    });
    const { body } = await pagedLink();
    expect(body.length).toBeLessThanOrEqual(306);
    expect(body).toContain("Siobhan O'Neill");
    expect(body).toMatch(
      /Subject: The depot's fire - and the road.*\.\.\.\nOpen: https:\S+\nReply ACK \d{4} to acknowledge\.$/,
    );
    // Folded to GSM characters (no "…"), so 306 characters are two segments, not five.
    expect(body).toMatch(/^[\x20-\x7e\n]*$/);

    // An emoji would make the text UCS-2 (134 characters): the subject goes without it, the link stays.
    await urgentEnquiry({ phone: OTHER_JOURNALIST, subject: '🔥 Flooded road by the depot' });
    const second = await pagedLink(2);
    expect(second.body).toContain('Subject: Flooded road by the depot\nOpen: ');
    expect(second.body).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('offers the four actions, each recorded as the officer', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink();

    let form = await openView(path);
    expect(form.reference).toBe(ref);
    let res = await post(`${path}/note`, {
      _csrf: form.csrf,
      reference: ref,
      key: form.key,
      note: 'Duty inspector says four crews.',
    });
    expect(res.status).toBe(303);
    // The first work through the link acknowledges the page, and the notice says so.
    expect(res.headers.get('location')).toBe(`${path}?done=note&acked=1`);
    expect((await events(ref, 'note')).map((e) => [e.actor, e.data])).toEqual([
      ['Olu On-Call', { text: 'Duty inspector says four crews.' }],
    ]);
    const after = await h.app.request(res.headers.get('location')!);
    expect(await after.text()).toContain('Note added.');
    // The redirect back is not a second opening.
    expect(await events(ref, 'oncall_viewed')).toHaveLength(1);

    form = await openView(path);
    res = await post(`${path}/reply`, {
      _csrf: form.csrf,
      reference: ref,
      key: form.key,
      reply: 'We will have a statement by 8pm.',
    });
    expect(res.status).toBe(303);
    await h.jobs.settle();
    expect(
      h.twilio.messages
        .filter((m) => m.to === JOURNALIST && m.body === 'We will have a statement by 8pm.')
        .map((m) => m.from),
    ).toEqual([PRESS_OFFICE_NUMBER]);

    form = await openView(path);
    res = await post(`${path}/call`, { _csrf: form.csrf, reference: ref, key: form.key });
    expect(res.status).toBe(303);
    // Sent twice (a double tap, a resubmitted form): one call.
    expect((await post(`${path}/call`, { _csrf: form.csrf, reference: ref, key: form.key })).status).toBe(303);
    await h.jobs.settle();
    const [call] = await h.twilio.waitForCalls(1);
    expect(call).toMatchObject({ to: ON_CALL, from: PRESS_OFFICE_NUMBER });
    // The journalist's number is read when the officer has answered, not stored in the call.
    expect(call.twiml).not.toContain(JOURNALIST);
    await h.jobs.settle();
    const log = await h.twilio.answerCall(call, { parties: { [JOURNALIST]: { answers: true } } });
    expect(log.dials.map((d) => d.numbers)).toEqual([[JOURNALIST]]);
    expect(h.twilio.calls).toHaveLength(1);
    expect((await events(ref, 'callback_requested'))[0]).toMatchObject({ actor: 'Olu On-Call', data: { via: 'link' } });

    form = await openView(path);
    res = await post(`${path}/done`, {
      _csrf: form.csrf,
      reference: ref,
      key: form.key,
      response: 'Four crews on scene, no injuries.',
    });
    expect(res.status).toBe(303);
    const e = await enquiry(ref);
    expect(e.status).toBe('answered');
    expect(e.response_given).toBe('Four crews on scene, no injuries.');
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email'])
      .where('enquiry_id', '=', e.id)
      .orderBy('id')
      .execute();
    expect(audit.filter((a) => a.user_email === 'Olu On-Call').map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'oncall.viewed',
        'enquiry.note_added',
        'enquiry.reply_sent',
        'oncall.call',
        'enquiry.response_recorded',
        'enquiry.status_changed',
      ]),
    );
  });

  it('shows a user problem beside its form (422) and keeps what was typed', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink();
    const form = await openView(path);
    const long = 'x'.repeat(1001);
    const res = await post(`${path}/reply`, { _csrf: form.csrf, reference: ref, key: form.key, reply: long });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Keep it to 1,000 characters or fewer');
    expect(html).toContain(`>${long}</textarea>`);
    expect(html).toContain('aria-invalid="true"');
    expect(await events(ref, 'reply_queued')).toEqual([]);
    expect(
      (await post(`${path}/done`, { _csrf: form.csrf, reference: ref, key: form.key, response: '  ' })).status,
    ).toBe(422);
    expect((await enquiry(ref)).status).not.toBe('answered');
  });

  it('refuses a form without its form token, or from another site', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink();
    const form = await openView(path);
    expect((await post(`${path}/note`, { reference: ref, key: form.key, note: 'forged' })).status).toBe(403);
    expect(
      (
        await post(`${path}/note`, {
          _csrf: 'x'.repeat(form.csrf.length),
          reference: ref,
          key: form.key,
          note: 'forged',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await post(
          `${path}/note`,
          { _csrf: form.csrf, reference: ref, key: form.key, note: 'forged' },
          { 'Sec-Fetch-Site': 'cross-site' },
        )
      ).status,
    ).toBe(403);
    expect((await post(`${path}/done`, { reference: ref, key: form.key, response: 'forged' })).status).toBe(403);
    expect(await events(ref, 'note')).toEqual([]);
    expect((await enquiry(ref)).status).not.toBe('answered');
  });

  it('shows only its own enquiry and opens nothing under /desk', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink(1);
    const other = await urgentEnquiry({ phone: OTHER_JOURNALIST, subject: 'Flooded road' });
    await pagedLink(2);
    const form = await openView(path);
    expect(form.html).not.toContain(other);

    for (const p of [`${path}/${other}`, `${path}/${ref}`, `${path}/`])
      expect((await h.app.request(p)).status, p).toBe(404);
    for (const action of ['note', 'reply', 'done', 'call']) {
      const res = await post(`${path}/${action}`, {
        _csrf: form.csrf,
        reference: other,
        key: form.key,
        note: 'wrong one',
        reply: 'wrong one',
        response: 'wrong one',
      });
      expect(res.status, action).toBe(404);
    }
    expect((await post(`${path}/assign`, { _csrf: form.csrf, reference: ref, key: form.key })).status).toBe(404);
    expect((await events(other)).map((e) => e.kind)).not.toEqual(
      expect.arrayContaining(['note', 'reply_queued', 'response_recorded', 'callback_requested']),
    );
    expect((await enquiry(other)).status).not.toBe('answered');

    // Whatever the link's page holds, the desk still asks for a sign-in.
    for (const p of [
      '/desk',
      `/desk/enquiries/${ref}`,
      `/desk/enquiries/${other}`,
      '/desk/rota',
      '/desk/users',
      '/desk/audit',
    ]) {
      const res = await h.app.request(p, { headers: { Referer: `${PUBLIC_BASE_URL}${path}` } });
      expect(res.status, p).toBe(303);
      expect(res.headers.get('location'), p).toMatch(/^\/desk\/login/);
    }
    const res = await post(
      `/desk/enquiries/${ref}/note`,
      { _csrf: form.csrf, note: 'from the link' },
      { 'X-CSRF-Token': form.csrf },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/desk\/login/);
    expect(await events(ref, 'note')).toEqual([]);
  });

  it(`stops working after onCall.linkHours, with the same answer as an unknown or tampered token`, async () => {
    await start({ linkHours: 2 });
    const ref = await urgentEnquiry();
    const { path, token } = await pagedLink();
    const form = await openView(path);

    h.clock.advance(2 * HOUR - 60_000);
    expect((await h.app.request(path)).status).toBe(200);
    expect(
      (await post(`${path}/note`, { _csrf: form.csrf, reference: ref, key: form.key, note: 'Just in time.' })).status,
    ).toBe(303);

    h.clock.advance(60_000);
    const expired = await h.app.request(path);
    expect(expired.status).toBe(410);
    expect(expired.headers.get('cache-control')).toBe('no-store');
    const expiredHtml = await expired.text();
    expect(expiredHtml).toContain('This link has expired');
    expect(expiredHtml).toContain('text INFO');
    expect(expiredHtml).not.toContain(ref);
    expect(
      (await post(`${path}/note`, { _csrf: form.csrf, reference: ref, key: form.key, note: 'Too late.' })).status,
    ).toBe(410);
    expect((await events(ref, 'note')).map((e) => e.data)).toEqual([{ text: 'Just in time.' }]);

    const tampered = `/m/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const p of [tampered, '/m/AAAAAAAAAAAAAAAAAAAAAA', '/m/short', `/m/${token}x`]) {
      const res = await h.app.request(p);
      expect(res.status, p).toBe(410);
      expect(await res.text(), p).toBe(expiredHtml);
    }
  });

  it('keeps the raw token out of the database: the page text is stored with the link redacted', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path, token } = await pagedLink();
    await openView(path);

    const stored = await h.database.db
      .selectFrom('outbound_message')
      .select('content')
      .where('owner_kind', '=', 'page_step')
      .executeTakeFirstOrThrow();
    expect(stored.content).toContain(ref);
    expect(stored.content).toContain(`${PUBLIC_BASE_URL}/m/[link]`);
    const link = await h.database.db.selectFrom('oncall_link').selectAll().executeTakeFirstOrThrow();
    expect(link.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(link.phone).toBe(ON_CALL);

    // Every text-like column of every table (outbound_message, oncall_link, the timeline, the
    // audit log, the job queue): the token is in none of them.
    const columns = await sql<{ table_schema: string; table_name: string; column_name: string }>`
      SELECT c.table_schema, c.table_name, c.column_name
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
         AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea', 'ARRAY')`.execute(h.database.db);
    const names = columns.rows.map((c) => `${c.table_schema}.${c.table_name}.${c.column_name}`);
    expect(names).toEqual(expect.arrayContaining(['public.outbound_message.content', 'public.oncall_link.token_hash']));
    for (const c of columns.rows) {
      const hit = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM ${sql.id(c.table_schema, c.table_name)} WHERE ${sql.id(c.column_name)}::text LIKE ${`%${token}%`}`.execute(
        h.database.db,
      );
      expect(hit.rows[0].n, `${c.table_schema}.${c.table_name}.${c.column_name}`).toBe(0);
    }
  });
});

describe('who the link still acts for', () => {
  const MANAGER = { userId: null, email: 'mona.manager@press.example' };
  const olu = async () => (await h.services.rota.findPersonByPhone(ON_CALL))!;

  it('stops working when its person is taken off the staff list (desk or CLI), with the answer of an expired link', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink();
    const form = await openView(path);
    const unknown = await (await h.app.request('/m/AAAAAAAAAAAAAAAAAAAAAA')).text();

    // As the desk's "take off the rota" button does.
    await h.services.rota.deactivatePersonAudited((await olu()).id, MANAGER);
    const res = await h.app.request(path);
    expect(res.status).toBe(410);
    expect(await res.text()).toBe(unknown);
    expect(
      (await post(`${path}/note`, { _csrf: form.csrf, reference: ref, key: form.key, note: 'after removal' })).status,
    ).toBe(410);
    expect(await events(ref, 'note')).toEqual([]);
    expect(await events(ref, 'oncall_viewed')).toHaveLength(1);
  });

  it("stops working when its person's number changes, even if it is changed back", async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink();
    const form = await openView(path);
    const person = await olu();

    // As the desk's phone form does; then back again as `npm run oncall -- phone` does.
    await h.services.rota.changePhoneAudited(person.id, '07911 200009', MANAGER);
    expect((await h.app.request(path)).status).toBe(410);
    await h.services.rota.updatePersonPhone(person.id, ON_CALL);
    expect((await h.app.request(path)).status).toBe(410);
    expect(
      (await post(`${path}/note`, { _csrf: form.csrf, reference: ref, key: form.key, note: 'after the change' }))
        .status,
    ).toBe(410);
    expect(await events(ref, 'note')).toEqual([]);
  });

  it('keeps working when the change is to someone else: another person removed, or a number set to what it was', async () => {
    await start();
    await h.services.rota.addPerson({ name: 'Kim Backup', phone: '+447911200002' });
    await urgentEnquiry();
    const { path } = await pagedLink();
    await h.services.rota.deactivatePerson((await h.services.rota.findPersonByPhone('+447911200002'))!.id);
    await h.services.rota.updatePersonPhone((await olu()).id, '07911 200001');
    expect((await h.app.request(path)).status).toBe(200);
  });
});

describe('opening the link', () => {
  it('records a view only for a real page load: not a HEAD, a prefetch or a link preview', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink();

    const head = await h.app.request(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const previews: Array<Record<string, string>> = [
      { Purpose: 'prefetch' },
      { 'Sec-Purpose': 'prefetch' },
      { 'Sec-Purpose': 'prefetch;prerender' },
      { 'X-Purpose': 'preview' },
      { 'User-Agent': 'WhatsApp/2.23.20.0 A' },
      { 'User-Agent': 'facebookexternalhit/1.1 Facebot Twitterbot/1.0' },
      { 'User-Agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
      { 'User-Agent': 'TelegramBot (like TwitterBot)' },
      { 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) SkypeUriPreview Preview/0.5' },
    ];
    for (const headers of previews) {
      const res = await h.app.request(path, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
    expect(await events(ref, 'oncall_viewed')).toEqual([]);
    expect(
      await h.database.db.selectFrom('audit_log').select('action').where('action', '=', 'oncall.viewed').execute(),
    ).toEqual([]);
    expect(
      (await h.database.db.selectFrom('oncall_link').select('viewed_at').executeTakeFirstOrThrow()).viewed_at,
    ).toBeNull();

    // The officer's own phone then opens it: that is the opening recorded.
    await openView(path);
    expect(await events(ref, 'oncall_viewed')).toEqual([
      { kind: 'oncall_viewed', actor: 'Olu On-Call', data: { via: 'link' } },
    ]);
  });
});

describe('the link and the log', () => {
  it('never writes the token to the log: it is a credential', async () => {
    const lines: string[] = [];
    await start({}, createLogger('debug', { write: (line: string) => void lines.push(line) }));
    await urgentEnquiry();
    const { path, token } = await pagedLink();
    const view = await openView(path);
    expect(
      (
        await post(`${path}/note`, {
          _csrf: view.csrf,
          reference: view.reference,
          key: view.key,
          note: 'Rang the fire service',
        })
      ).status,
    ).toBe(303);
    await h.jobs.settle();
    expect(lines.some((l) => l.includes('/m/[link]'))).toBe(true);
    expect(lines.filter((l) => l.includes(token))).toEqual([]);
  });
});
