/**
 * Issue 17: the journalist's status link. Every enquiry gets /status/{token} at once (the API's
 * 201, the form's confirmation page, the SMS reply); it opens that enquiry and no other, works
 * until 30 days after the enquiry closes, and every link that opens nothing looks the same. From
 * it the journalist adds information, moves the deadline (which out of hours can page on-call) or
 * withdraws the enquiry, and they are told once, by their channel, when the response is released,
 * when it is withdrawn or closed, unless they turned the messages off. Nothing internal shows.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventKind } from '../../src/enquiries/timeline.js';
import { HOSTILE_STRINGS } from '../hostile/corpus.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { eventsOf } from '../support/timeline.js';

// Christmas Eve 2026, 18:00 (a Thursday): closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
// Wednesday 2 December 2026, 11:00: open.
const WEDNESDAY_11AM = '2026-12-02T11:00:00Z';
const ON_CALL = '+447911200001';
const JOURNALIST = '+447911123401';
const SYSTEM = { userId: null, email: 'officer@press.example' };
const DAY = 86_400_000;
const LINK = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/status/([A-Za-z0-9_-]{22}))`);

let h: Harness;
afterEach(async () => h?.close());

async function start(now: string, config: Record<string, unknown> = {}) {
  h = await startHarness({ now, jobs: true, config: { onCall: { bundleSeconds: 0 }, ...config } });
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({
    phone: ON_CALL,
    role: 'primary',
    startsAt: new Date('2026-11-01T00:00:00Z'),
    endsAt: new Date('2027-01-31T09:00:00Z'),
    createdBy: 'test',
  });
}

/** Submits through the API and returns the reference and the status link's path and token. */
async function viaApi(
  extra: Record<string, unknown> = {},
): Promise<{ reference: string; path: string; token: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'How many crews are there?',
    ...extra,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  const m = LINK.exec(body.statusUrl);
  expect(m, body.statusUrl).not.toBeNull();
  expect(body.statusUrl).toBe(`${PUBLIC_BASE_URL}${m![1]}`);
  return { reference: body.reference, path: m![1], token: m![2] };
}

async function page(path: string): Promise<{ status: number; html: string }> {
  const res = await h.app.request(path);
  return { status: res.status, html: await res.text() };
}

async function enquiry(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

async function events(reference: string, kind: EventKind) {
  return eventsOf(h.database.db, reference, kind);
}

/** Texts the fake Twilio got for the journalist's phone. */
function textsToJournalist() {
  return h.twilio.messages.filter((m) => m.to === JOURNALIST);
}

describe('the status link from each channel', () => {
  it('opens its own enquiry and no other, from the API, the web form and an SMS', async () => {
    await start(WEDNESDAY_11AM);
    const api = await viaApi({ subject: 'Subject from the API' });

    // The web form: the confirmation page (for the browser that sent it) shows the link.
    const form = await h.postForm('/enquiries', {
      name: 'Fay Former',
      outlet: 'Daily Form',
      email: 'fay@form.example',
      subject: 'Subject from the form',
      details: 'Sent with the web form.',
    });
    expect(form.status).toBe(303);
    const cookies = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const confirmation = await h.app.request(form.headers.get('location')!, { headers: { Cookie: cookies } });
    expect(confirmation.status).toBe(200);
    const formLink = LINK.exec(await confirmation.text());
    expect(formLink).not.toBeNull();

    // An SMS: the reply carries the link.
    const reply = await (await h.sms('+447911123499', 'Subject from a text\nWhat is going on at the docks?')).text();
    const smsLink = LINK.exec(reply);
    expect(smsLink, reply).not.toBeNull();

    const subjects = ['Subject from the API', 'Subject from the form', 'Subject from a text'];
    for (const [path, mine] of [
      [api.path, subjects[0]],
      [formLink![1], subjects[1]],
      [smsLink![1], subjects[2]],
    ] as const) {
      const { status, html } = await page(path);
      expect(status).toBe(200);
      expect(html).toContain(mine);
      for (const other of subjects.filter((s) => s !== mine)) expect(html).not.toContain(other);
    }
    const { html } = await page(api.path);
    expect(html).toContain(api.reference);
  });

  it('keeps only hashes: the raw token is nowhere in the database, and the stored SMS reply has the link blanked', async () => {
    await start(WEDNESDAY_11AM);
    const api = await viaApi();
    const reply = await (await h.sms('+447911123498', 'A question by text')).text();
    const smsToken = LINK.exec(reply)![2];
    const links = await h.database.db.selectFrom('status_link').select('token_hash').execute();
    for (const token of [api.token, smsToken]) {
      expect(links.map((l) => l.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    }
    const stored = await h.database.db
      .selectFrom('sms_inbound')
      .select('reply')
      .where('from_number', '=', '+447911123498')
      .executeTakeFirstOrThrow();
    expect(stored.reply).toContain(`${PUBLIC_BASE_URL}/status/[link]`);
    expect(stored.reply).not.toContain(smsToken);
    const jobs = JSON.stringify(await h.jobs.pending());
    expect(jobs).not.toContain(api.token);
  });
});

describe('links that open nothing', () => {
  it('look the same (404) for a wrong token, a tampered one, one of an enquiry closed over 30 days ago and one of an erased enquiry', async () => {
    await start(WEDNESDAY_11AM);
    const closed = await viaApi({ subject: 'Closed long ago' });
    const erased = await viaApi({ subject: 'Erased on request', phone: '+447911123477' });
    await h.services.casework.setStatus(closed.reference, 'closed', SYSTEM);

    h.clock.advance(29 * DAY);
    expect((await page(closed.path)).status).toBe(200);
    h.clock.advance(2 * DAY);

    await h.services.privacy.erase({ phone: '+447911123477', email: null }, SYSTEM);

    const tampered = `${closed.path.slice(0, -1)}${closed.path.endsWith('A') ? 'B' : 'A'}`;
    const answers = await Promise.all(
      ['/status/AAAAAAAAAAAAAAAAAAAAAA', '/status/not-a-token', tampered, closed.path, erased.path].map(page),
    );
    for (const a of answers) expect(a.status).toBe(404);
    // One answer for every reason: nothing tells a guesser which it was.
    expect(new Set(answers.map((a) => a.html.replace(/\/status\/[^"'\s<]*/g, ''))).size).toBe(1);
    expect(answers[3].html).not.toContain('Closed long ago');
  });

  it('a status link lives 30 days after the enquiry closes: it works at 30 days less a second, not at 30 days', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi({ subject: 'Closed on the dot' });
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    const closedAt = (await enquiry(e.reference)).closed_at!;
    h.clock.set(new Date(closedAt.getTime() + 30 * DAY - 1000));
    expect((await page(e.path)).status).toBe(200);
    h.clock.set(new Date(closedAt.getTime() + 30 * DAY));
    expect((await page(e.path)).status).toBe(404);
  });

  it('keep working while the enquiry is answered, however long ago', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    await h.services.casework.setStatus(e.reference, 'answered', SYSTEM);
    h.clock.advance(60 * DAY);
    expect((await page(e.path)).status).toBe(200);
  });
});

describe('what the journalist does from the page', () => {
  it('adds information: on the timeline in their words, marked for the desk, and announced to the live queues', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    const announced: string[] = [];
    const stop = h.services.live.subscribe((ev) => {
      if ('reference' in ev) announced.push(ev.reference);
    });
    try {
      await h.services.live.ready();
      expect(
        await h.services.statusPages.addInformation(e.token, 'The fire spread to the warehouse next door at 10:40.'),
      ).toBe(true);
      expect(await h.services.statusPages.addInformation(e.token, 'Any update?')).toBe(true);
      const added = await events(e.reference, 'journalist_added');
      expect(added.map((a) => a.data)).toEqual([
        { text: 'The fire spread to the warehouse next door at 10:40.', chase: false },
        { text: 'Any update?', chase: true },
      ]);
      expect((await enquiry(e.reference)).journalist_added_at).not.toBeNull();
      const deadline = Date.now() + 10_000;
      while (!announced.includes(e.reference) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(announced).toContain(e.reference);
    } finally {
      stop();
    }
    // Their additions are shown back to them.
    expect((await page(e.path)).html).toContain('The fire spread to the warehouse next door at 10:40.');
  });

  it('refuses an empty addition beside its field, and changes nothing', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    await expect(h.services.statusPages.addInformation(e.token, '   ')).rejects.toMatchObject({
      code: 'validation',
      details: { fields: { information: expect.any(String) } },
    });
    expect(await events(e.reference, 'journalist_added')).toHaveLength(0);
  });

  it('moves the deadline before the next opening out of hours: urgent, and on-call is paged once', async () => {
    await start(CHRISTMAS_EVE_6PM);
    const e = await viaApi({ subject: 'Road closures over Christmas' });
    expect(await enquiry(e.reference)).toMatchObject({ urgent: false, needs_on_call: false });
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === ON_CALL)).toHaveLength(0);

    // 10:00 on Christmas Day, office time: before the office reopens on the 29th.
    expect(await h.services.statusPages.changeDeadline(e.token, '2026-12-25T10:00')).toBe(true);
    const now = await enquiry(e.reference);
    expect(now).toMatchObject({ urgent: true, urgent_reason: 'deadline', needs_on_call: true });
    expect(now.deadline?.toISOString()).toBe('2026-12-25T10:00:00.000Z');
    expect(now.respond_by?.toISOString()).toBe('2026-12-25T10:00:00.000Z');
    const [page1] = await h.twilio.waitForMessages(1);
    expect(page1.to).toBe(ON_CALL);
    expect(page1.body).toContain(e.reference);
    expect((await events(e.reference, 'deadline_changed')).map((x) => x.data)).toEqual([
      { from: null, to: '2026-12-25T10:00:00.000Z', urgent: true },
    ]);

    // Moving it again pages nobody twice.
    await h.services.statusPages.changeDeadline(e.token, '2026-12-25T08:00');
    await h.jobs.settle();
    expect(
      h.twilio.messages.filter((m) => m.to === ON_CALL && m.body?.includes(e.reference) && !m.body.includes('bundle')),
    ).toHaveLength(1);
  });

  it('refuses a deadline in the past or in a form it cannot read, naming the field', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    for (const bad of ['2026-12-01T10:00', 'next tuesday']) {
      await expect(h.services.statusPages.changeDeadline(e.token, bad)).rejects.toMatchObject({
        code: 'validation',
        details: { fields: { deadline: expect.any(String) } },
      });
    }
    expect((await enquiry(e.reference)).deadline).toBeNull();
  });

  it('withdraws it: closed as withdrawn (not answered), with the reason for the desk, the page stops escalating, one message to the journalist', async () => {
    await start(CHRISTMAS_EVE_6PM);
    const e = await viaApi({ urgent: true });
    const [paged] = await h.twilio.waitForMessages(1);
    expect(paged.to).toBe(ON_CALL);

    expect(await h.services.statusPages.withdraw(e.token, 'We dropped the story')).toBe(true);
    const row = await enquiry(e.reference);
    expect(row.status).toBe('withdrawn');
    expect(row.closed_at).not.toBeNull();
    expect(row.first_response_at).toBeNull();
    expect((await events(e.reference, 'withdrawn')).map((x) => x.data)).toEqual([{ reason: 'We dropped the story' }]);

    await h.jobs.settle();
    const told = textsToJournalist();
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain(`${e.reference} is withdrawn`);
    const link = LINK.exec(told[0].body ?? '');
    expect(link).not.toBeNull();
    expect((await page(link![1])).html).toMatch(/withdrawn/i);

    // The acknowledgement time passes: nobody is called about a withdrawn enquiry.
    h.clock.advance(11 * 60_000);
    await h.jobs.retryNow();
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(0);
    expect((await events(e.reference, 'escalation_stopped')).map((x) => x.data.reason)).toEqual([
      'the enquiry was withdrawn',
    ]);

    // Nothing more can be changed; withdrawing again tells nobody twice.
    await expect(h.services.statusPages.addInformation(e.token, 'Actually, one more thing')).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(h.services.statusPages.withdraw(e.token, '')).rejects.toMatchObject({ code: 'conflict' });
    await h.jobs.settle();
    expect(textsToJournalist()).toHaveLength(1);
  });
});

describe('told when it changes', () => {
  it('release: one SMS with a link to the response; recording it again sends nothing more', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    await h.services.casework.recordResponse(e.reference, 'Four crews attended; nobody was hurt.', SYSTEM, undefined, {
      release: true,
    });
    await h.jobs.settle();
    const told = textsToJournalist();
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain(`we have answered your enquiry ${e.reference}`);
    const link = LINK.exec(told[0].body ?? '')!;
    const shown = await page(link[1]);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Four crews attended; nobody was hurt.');
    // The outbox keeps the text with the link blanked.
    const stored = await h.database.db
      .selectFrom('outbound_message')
      .select('content')
      .where('to_number', '=', JOURNALIST)
      .execute();
    expect(stored.map((s) => s.content)).toEqual([expect.stringContaining('/status/[link]')]);

    await h.services.casework.recordResponse(
      e.reference,
      'Four crews attended; nobody was hurt. Updated.',
      SYSTEM,
      undefined,
      { release: true },
    );
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    await h.jobs.settle();
    expect(textsToJournalist()).toHaveLength(1);
  });

  it('a response recorded without release is not on the page, and nobody is told', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    await h.services.casework.recordResponse(e.reference, 'Internal wording, not for release yet.', SYSTEM);
    await h.jobs.settle();
    expect(textsToJournalist()).toHaveLength(0);
    expect((await page(e.path)).html).not.toContain('Internal wording, not for release yet.');
  });

  it('closing without a released response tells the journalist once', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    await h.services.casework.setStatus(e.reference, 'in_progress', SYSTEM);
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    await h.jobs.settle();
    // Compared as the texts themselves, so a failure shows what else the journalist was sent.
    expect(textsToJournalist().map((m) => m.body)).toEqual([expect.stringContaining(`${e.reference} is now closed`)]);
  });

  // Found by CI under load: the second close queued the same message again while the first text
  // was still at Twilio, a second job claimed it, looked for it, did not find it yet, and sent it again.
  it('closed again while the first "closed" text is still on its way to Twilio: told once', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    const posts = () => h.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
    h.twilio.delayNext(1, 1_500);
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    for (let i = 0; posts().length === 0; i += 1) {
      if (i > 500) throw new Error('the "closed" text never reached Twilio');
      await new Promise((r) => setTimeout(r, 10));
    }
    await h.services.casework.setStatus(e.reference, 'in_progress', SYSTEM);
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    await h.jobs.settle();
    expect(textsToJournalist().map((m) => m.body)).toEqual([expect.stringContaining(`${e.reference} is now closed`)]);
    expect(posts()).toHaveLength(1);
  });

  it('turned off on the page, no messages follow; the switch is on the timeline', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi();
    expect(await h.services.statusPages.setUpdates(e.token, false)).toBe(true);
    await h.services.casework.recordResponse(e.reference, 'Our statement.', SYSTEM, undefined, { release: true });
    await h.services.casework.setStatus(e.reference, 'closed', SYSTEM);
    await h.jobs.settle();
    expect(textsToJournalist()).toHaveLength(0);
    expect((await events(e.reference, 'updates_changed')).map((x) => x.data)).toEqual([{ on: false }]);
    // The page still shows the released response.
    expect((await page(e.path)).html).toContain('Our statement.');
  });

  it('a landline gets no texts: without an email address nobody is told, and the page says nothing will come', async () => {
    await start(WEDNESDAY_11AM);
    const e = await viaApi({ phone: '+442079460000' });
    await h.services.casework.recordResponse(e.reference, 'Statement.', SYSTEM, undefined, { release: true });
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === '+442079460000')).toHaveLength(0);
  });
});

describe('nothing internal on the page', () => {
  it('never shows internal notes, staff names, unreleased responses or other enquiries, whatever they contain', async () => {
    await start(WEDNESDAY_11AM);
    const officer = await h.services.users.create(
      {
        email: 'quentin.officer@press.example',
        password: 'officer-password-1',
        name: 'Quentin Zanzibar-Officer',
        role: 'officer',
      },
      SYSTEM,
    );
    const other = await viaApi({ subject: 'OTHER-ENQUIRY-SUBJECT-7731' });
    const e = await viaApi({ subject: 'Mine' });
    await h.services.casework.assign(e.reference, officer.id, SYSTEM);
    const secrets = ['SECRET-NOTE-MARKER-4410', ...HOSTILE_STRINGS.map((s) => s.value).filter((v) => v.length < 4000)];
    for (const s of secrets) await h.services.casework.addNote(e.reference, `Internal: ${s}`, SYSTEM);
    await h.services.casework.recordResponse(e.reference, 'UNRELEASED-LINE-9921', SYSTEM);
    // The journalist's own hostile text is shown back to them, escaped.
    await h.services.statusPages.addInformation(
      e.token,
      '<script>alert("x")</script> and <img src=x onerror=alert(1)>',
    );

    const { status, html } = await page(e.path);
    expect(status).toBe(200);
    for (const marker of [
      'SECRET-NOTE-MARKER-4410',
      'Internal:',
      'Quentin',
      'Zanzibar',
      'quentin.officer',
      'UNRELEASED-LINE-9921',
      'OTHER-ENQUIRY-SUBJECT-7731',
      other.reference,
    ]) {
      expect(html).not.toContain(marker);
    }
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;');
    // Headers: no referrer, no caching, no indexing.
    const res = await h.app.request(e.path);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('x-robots-tag')).toContain('noindex');
  });

  it("shows the officer's first name only when status.showOfficerFirstName is on", async () => {
    await start(WEDNESDAY_11AM, { status: { showOfficerFirstName: true, linkDaysAfterClose: 30, rateLimit: null } });
    const officer = await h.services.users.create(
      { email: 'sam.officer@press.example', password: 'officer-password-1', name: 'Samira Quill', role: 'officer' },
      SYSTEM,
    );
    const e = await viaApi();
    await h.services.casework.assign(e.reference, officer.id, SYSTEM);
    const { html } = await page(e.path);
    expect(html).toContain('Samira');
    expect(html).not.toContain('Quill');
  });
});
