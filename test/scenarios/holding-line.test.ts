/**
 * One holding line to all (issue 18, item 2): a line written on an incident goes to every linked
 * journalist who has not had it, by the channel they used, once per person, at journalist
 * priority (a page still goes first); later arrivals get it with one more send, or at once with
 * `incidents.autoSendHoldingLine`. Times are real (the sending rate is about real seconds), so
 * the office is always closed and business time is the real clock.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeskSession } from '../../src/web/session.js';
import type { DeskEnv } from '../../src/web/session.js';
import { AppError, ERROR_STATUS } from '../../src/http/errors.js';
import { holdingLineRoutes } from '../../src/incidents/holding-line.routes.js';
import type { Incident } from '../../src/incidents/incident.tables.js';
import { fieldError } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { journalistPhone, until } from '../support/send-rates.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';
import { kindsOf } from '../support/timeline.js';

// A mobile out-of-hours line (outside journalistPhone's range), so the page is a text in the SMS queue (the shipped 03 line cannot take texts and is called: landline-fallback.test.ts).
const FALLBACK = '+447911250099';
const ALWAYS_CLOSED = {
  office: { hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: null },
};
const OFFICER = { userId: null, email: 'olive.officer@press.example' };
const LINE = 'We are aware of the cordon on Market Street and will say more at 23:00.';

let h: Harness;
let smtp: SmtpRecorder | undefined;
afterEach(async () => {
  await h?.close();
  await smtp?.close();
  smtp = undefined;
});

async function start(config: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  h = await startHarness({
    now: new Date().toISOString(),
    jobs: true,
    env,
    config: {
      ...ALWAYS_CLOSED,
      onCall: { bundleSeconds: 0, fallbackNumber: FALLBACK },
      intake: { rateLimit: null },
      twilio: { smsPerSecond: 1000 },
      ...config,
    },
  });
  h.clock.restore(); // real time from here: the limiter's seconds are real seconds
  return h;
}

async function declare(): Promise<Incident> {
  return h.services.incidents.declare({ name: 'Market St cordon', terms: 'cordon' }, { kind: 'staff', actor: OFFICER });
}

/** A non-urgent enquiry about the cordon by the JSON API (linked at intake). */
async function byApi(phone: string, i: number): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: `Api Reporter ${i}`,
    outlet: 'Evening Gazette',
    phone,
    subject: `Police cordon question ${i}`,
    details: 'What is happening at the cordon?',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** The same by the web form, a phone number and no address. */
async function byForm(phone: string, i: number): Promise<void> {
  const res = await h.postForm('/enquiries', {
    name: `Form Reporter ${i}`,
    outlet: 'Weekly Courier',
    phone,
    email: '',
    subject: `Cordon in town ${i}`,
    details: 'Why is there a cordon on Market Street?',
    deadline: '',
  });
  expect(res.status).toBe(303);
}

/** The same by SMS to the press office number. */
async function bySms(phone: string, i: number): Promise<void> {
  const res = await h.sms(phone, `Hi, Radio North here (${i}). Any line on the police cordon in Market Street?`);
  expect(res.status).toBe(200);
}

function lineTexts() {
  return h.twilio.messages.filter((m) => m.body?.includes(LINE));
}

async function timelineKinds(reference: string): Promise<string[]> {
  return kindsOf(h.database.db, reference);
}

describe('one holding line to every linked journalist', () => {
  it('reaches 50 journalists by SMS, API and form exactly once each, one message for a journalist with two enquiries, nothing more on a second press, and one more for a late arrival', {
    timeout: 60_000,
  }, async () => {
    await start();
    const incident = await declare();
    const phones = Array.from({ length: 50 }, (_, i) => journalistPhone(i));
    for (let i = 0; i < 50; i++) {
      if (i % 3 === 0) await bySms(phones[i], i);
      else if (i % 3 === 1) await byApi(phones[i], i);
      else await byForm(phones[i], i);
    }
    // Journalist 0 (who texted) also asked through their newsroom's system: two enquiries, one person.
    const second = await byApi(phones[0], 0);
    const linked = await h.services.incidents.view(incident.id);
    expect(linked!.linked).toHaveLength(51);
    expect(new Set(linked!.linked.map((e) => e.channel))).toEqual(new Set(['sms', 'api', 'web']));

    const line = await h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: LINE }, OFFICER);
    expect((await h.services.holdingLines.linesOf(incident.id))[0]).toMatchObject({
      had: 0,
      notHad: 50,
      unreachable: 0,
    });
    await h.services.holdingLines.send(incident.id, line.id, OFFICER);
    await until(() => lineTexts().length >= 50, 30_000, 'the line to reach 50 journalists');
    await h.jobs.settle();
    await new Promise((r) => setTimeout(r, 500)); // a second copy would show here

    const texts = lineTexts();
    expect(texts).toHaveLength(50);
    expect(new Set(texts.map((m) => m.to))).toEqual(new Set(phones));
    expect(texts[0].body).toBe(LINE);
    // Both of journalist 0's enquiries record that they had it.
    expect(await timelineKinds(second)).toContain('incident_line_sent');
    const sentRows = await h.database.db
      .selectFrom('incident_line_sent')
      .select(['enquiry_id', 'contact'])
      .where('line_id', '=', line.id)
      .execute();
    expect(sentRows).toHaveLength(51);
    expect(sentRows.filter((r) => r.contact === phones[0])).toHaveLength(2);
    expect((await h.services.holdingLines.linesOf(incident.id))[0]).toMatchObject({ had: 50, notHad: 0 });

    // Pressing send again sends nothing more.
    await h.services.holdingLines.send(incident.id, line.id, OFFICER);
    await h.jobs.settle();
    await new Promise((r) => setTimeout(r, 500));
    expect(lineTexts()).toHaveLength(50);

    // A late arrival is linked but not sent it (autoSendHoldingLine is off) until the next press.
    const late = journalistPhone(77);
    const lateRef = await byApi(late, 77);
    await h.jobs.settle();
    expect(lineTexts()).toHaveLength(50);
    expect((await h.services.holdingLines.linesOf(incident.id))[0]).toMatchObject({ had: 50, notHad: 1 });
    await h.services.holdingLines.send(incident.id, line.id, OFFICER);
    await until(() => lineTexts().length >= 51, 10_000, 'the late arrival to get the line');
    await h.jobs.settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(lineTexts()).toHaveLength(51);
    expect(lineTexts()[50].to).toBe(late);
    expect(await timelineKinds(lateRef)).toEqual(['received', 'incident_linked', 'incident_line_sent', 'sms_out']);
  });

  it('sends the latest line to a late arrival automatically when incidents.autoSendHoldingLine is on', {
    timeout: 30_000,
  }, async () => {
    await start({ incidents: { autoSendHoldingLine: true } });
    const incident = await declare();
    await h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: 'An older holding line.' }, OFFICER);
    await h.services.holdingLines.addLine(incident.id, { kind: 'press', text: LINE }, OFFICER);
    const late = journalistPhone(5);
    const ref = await byApi(late, 5);
    await until(() => lineTexts().length >= 1, 10_000, 'the automatic line');
    await h.jobs.settle();
    expect(lineTexts().map((m) => m.to)).toEqual([late]);
    expect(h.twilio.messages.filter((m) => m.body?.includes('An older holding line'))).toHaveLength(0);
    expect(await timelineKinds(ref)).toEqual(['received', 'incident_linked', 'incident_line_sent', 'sms_out']);
  });

  it('never delays a page: an urgent enquiry about something else pages ahead of most of the 50 lines queued', {
    timeout: 60_000,
  }, async () => {
    await start({ twilio: { smsPerSecond: 5 } });
    const incident = await declare();
    for (let i = 0; i < 50; i++) await byApi(journalistPhone(i), i);
    const line = await h.services.holdingLines.addLine(incident.id, { text: LINE }, OFFICER);
    await h.services.holdingLines.send(incident.id, line.id, OFFICER);
    await until(() => lineTexts().length >= 3, 10_000, 'the lines to start going');
    const sentBefore = h.twilio.messages.length;
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: '+447911123401',
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { pagedOnCall: boolean }).pagedOnCall).toBe(true);
    await until(() => h.twilio.messages.length >= 51, 30_000, 'the 50 lines and the page');

    const index = h.twilio.messages.findIndex((m) => m.to === FALLBACK);
    console.log(`holding line: page at ${index + 1} of 51, queued after ${sentBefore} lines had gone`);
    // At most the lines already holding a sending slot when the page came go before it.
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThanOrEqual(sentBefore + 2);
    expect(lineTexts()).toHaveLength(50);
  });
});

describe('the line goes out as written', () => {
  it("sends the officer's words and nothing else by text and by email: no office name, no incident name, and an email subject of Press Desk's own with the reference", {
    timeout: 30_000,
  }, async () => {
    smtp = await startSmtpServer();
    await start({}, { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: 'Press Office <press.office@press.example.org>' });
    // An internal name the journalists must never see: an operation's name and a victim's.
    const incident = await h.services.incidents.declare(
      { name: 'Op Kestrel: Jane Doe death', terms: 'cordon' },
      { kind: 'staff', actor: OFFICER },
    );
    const texter = journalistPhone(1);
    await bySms(texter, 1);
    const res = await h.postJson('/api/enquiries', {
      name: 'Mail Reporter',
      outlet: 'Evening Gazette',
      email: 'mail.reporter@gazette.example',
      subject: 'The cordon',
      details: 'What is happening at the cordon?',
    });
    expect(res.status).toBe(201);
    const emailRef = ((await res.json()) as { reference: string }).reference;

    const line = await h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: LINE }, OFFICER);
    await h.services.holdingLines.send(incident.id, line.id, OFFICER);
    await until(
      () => lineTexts().length >= 1 && smtp!.messages.some((m) => m.parsed.text?.includes(LINE)),
      15_000,
      'the line by text and by email',
    );

    expect(lineTexts().map((m) => [m.to, m.body])).toEqual([[texter, LINE]]);
    const mails = smtp.messages.filter((m) => m.parsed.text?.includes(LINE));
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['mail.reporter@gazette.example']);
    expect(mails[0].parsed.subject).toBe(`Your enquiry ${emailRef} to ${h.config.office.name}`);
    expect(mails[0].parsed.text?.trim()).toBe(LINE);
    for (const m of h.twilio.messages) expect(m.body ?? '').not.toContain('Kestrel');
    for (const m of smtp.messages) expect(m.raw).not.toContain('Kestrel');
  });
});

describe('incidents.holdingLineCounts: whether the line stops the respond-by clock', () => {
  for (const [setting, counts] of [
    [undefined, false],
    ['nothing', false],
    ['first_response', true],
  ] as const) {
    it(`${setting ?? 'by default'}: the line ${counts ? 'is' : 'is not'} the enquiry's first response`, {
      timeout: 30_000,
    }, async () => {
      await start(setting ? { incidents: { holdingLineCounts: setting } } : {});
      const incident = await declare();
      const ref = await byApi(journalistPhone(3), 3);
      const line = await h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: LINE }, OFFICER);
      await h.services.holdingLines.send(incident.id, line.id, OFFICER);
      await until(() => lineTexts().length >= 1, 10_000, 'the line');
      await h.jobs.settle();
      const [sent] = await h.database.db
        .selectFrom('incident_line_sent')
        .select('queued_at')
        .where('line_id', '=', line.id)
        .execute();
      const e = await h.database.db
        .selectFrom('enquiry')
        .select(['first_response_at', 'first_response_working_s'])
        .where('reference', '=', ref)
        .executeTakeFirstOrThrow();
      if (counts) {
        expect(e.first_response_at).toEqual(sent.queued_at);
        expect(e.first_response_working_s).toBe(0); // the office is closed all week here
      } else expect(e).toEqual({ first_response_at: null, first_response_working_s: null });
    });
  }
});

describe('writing a line', () => {
  it('names the field that is wrong, and keeps what was typed', { timeout: 30_000 }, async () => {
    await start();
    const incident = await declare();
    await expect(
      h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: '   ' }, OFFICER),
    ).rejects.toMatchObject({ details: { fields: { text: expect.any(String) } } });
    await expect(
      h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: 'x'.repeat(1001) }, OFFICER),
    ).rejects.toMatchObject({ details: { fields: { text: 'Keep it to 1,000 characters or fewer' } } });
    await expect(
      h.services.holdingLines.addLine(incident.id, { kind: 'rumour', text: LINE }, OFFICER),
    ).rejects.toMatchObject({ details: { fields: { kind: expect.any(String) } } });

    // Through the routes, as the desk mounts them behind its session and CSRF checks.
    const user = await h.services.users.create(
      { email: OFFICER.email, name: 'Olive Officer', role: 'officer', password: 'a long enough passphrase' },
      { userId: null, email: 'cli' },
    );
    const session = { token: 't', session: { csrf_token: 'c' }, user } as unknown as DeskSession;
    const app = new Hono<DeskEnv>();
    app.use('*', async (c, next) => {
      c.set('desk', session);
      await next();
    });
    app.route('/desk', holdingLineRoutes({ config: h.config, holdingLines: h.services.holdingLines }));
    app.onError((err, c) => c.text(err.message, err instanceof AppError ? ERROR_STATUS[err.code] : 500));
    const post = (path: string, fields: Record<string, string>) =>
      app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });

    const bad = await post(`/desk/incidents/${incident.id}/lines`, { kind: 'press', text: 'y'.repeat(1001) });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(fieldError(html, 'text')).toBe('Keep it to 1,000 characters or fewer');
    expect(html).toContain('y'.repeat(1001));
    expect(html).toMatch(/<option value="press" selected/);

    const ok = await post(`/desk/incidents/${incident.id}/lines`, { kind: 'holding', text: LINE });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/desk/incidents/${incident.id}#lines`);
    const [line] = await h.services.holdingLines.linesOf(incident.id);
    expect(line.line).toMatchObject({ kind: 'holding', text: LINE, created_by: OFFICER.email });
    const sent = await post(`/desk/incidents/${incident.id}/lines/${line.line.id}/send`, {});
    expect(sent.status).toBe(303);
    expect((await post(`/desk/incidents/${incident.id}/lines/999999/send`, {})).status).toBe(404);
  });
});
