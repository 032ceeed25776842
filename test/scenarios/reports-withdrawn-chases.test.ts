/**
 * Issue 17, item 5: the reports count enquiries the journalist withdrew and the chases (follow-ups
 * that only ask for news) that arrived, so the office can see whether the status link saves
 * journalists the chase. A withdrawn enquiry is not an answer: it must not pass for answered,
 * for a missed deadline the journalist no longer needed, or for a pending one.
 *
 * One known week, made through the real front doors: the API, the status page's actions, a
 * journalist's texts, an emailed reply and the desk's recorded response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/email-parse.js';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { composeTo } from '../support/mail.js';

// Monday 30 November 2026, 10:00 GMT: the office is open.
const MONDAY_10AM = '2026-11-30T10:00:00Z';
// The report is read on Saturday 5 December, after everything below happened.
const SATURDAY_NOON = '2026-12-05T12:00:00Z';
const WEEK = 'period=custom&from=2026-11-30&to=2026-12-04';
const MANAGER = { email: 'mo.manager@press.example', password: 'manager-password-5' };
const OFFICER = { email: 'ola.officer@press.example', password: 'officer-password-5' };
const SYSTEM = { userId: null, email: 'test' };
const C_PHONE = '+447911300003';

let h: Harness;
const ref: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', string> = { A: '', B: '', C: '', D: '', E: '', F: '' };

/** Submits through the API at `at`; returns the reference and the status link's token. */
async function submit(at: string, fields: Record<string, unknown>): Promise<{ reference: string; token: string }> {
  h.clock.set(at);
  const res = await h.postJson('/api/enquiries', {
    name: 'Dee Writer',
    outlet: 'Herald',
    email: 'dee@herald.example',
    subject: 'Bin collections',
    details: 'Are collections changing?',
    ...fields,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  return { reference: body.reference, token: body.statusUrl.split('/status/')[1] };
}

/** Runs `fn` with the clock at `at`. */
async function at<T>(when: string, fn: () => Promise<T>): Promise<T> {
  h.clock.set(when);
  return fn();
}

/** A page's text with tags removed and whitespace folded, as a reader would see it. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

let uid = 0;
/** An emailed reply from the journalist arriving in the shared mailbox at `when`. */
async function emailReply(when: string, subject: string, body: string): Promise<void> {
  h.clock.set(when);
  uid += 1;
  const raw = await composeTo('Press Office <press.office@press.example.org>', {
    from: 'Dee Writer <dee@herald.example>',
    subject,
    text: body,
    messageId: `<chase-${uid}@herald.example>`,
  });
  const mail = await parseEmail(raw, { maxAttachmentBytes: 1_000_000, maxMessageBytes: 5_000_000 });
  const result = await h.services.emailIntake.receive({ mailbox: 'INBOX', uidValidity: '1', uid }, mail);
  expect(result.outcome).toBe('joined');
}

beforeAll(async () => {
  h = await startHarness({ now: MONDAY_10AM, config: { intake: { rateLimit: null } } });
  const manager = await h.services.users.create({ ...MANAGER, name: 'Mo Manager', role: 'manager' }, SYSTEM);
  const officer = await h.services.users.create({ ...OFFICER, name: 'Ola Officer', role: 'officer' }, SYSTEM);
  await h.services.reports.syncCalendar();
  const pages = h.services.statusPages;

  // A: asks for news once on the status page, adds real information, then withdraws on Tuesday
  // morning with its deadline (Tuesday 16:00) still ahead.
  const a = await submit('2026-11-30T10:00:00Z', { deadline: '2026-12-01T16:00' });
  ref.A = a.reference;
  expect(await at('2026-11-30T11:00:00Z', () => pages.addInformation(a.token, 'Any update?'))).toBe(true);
  expect(
    await at('2026-11-30T11:05:00Z', () =>
      pages.addInformation(
        a.token,
        'The depot at Mill Lane has now closed, according to the union. Can you confirm how many crews are affected?',
      ),
    ),
  ).toBe(true);
  expect(await at('2026-12-01T09:30:00Z', () => pages.withdraw(a.token, 'Story dropped'))).toBe(true);

  // B: its deadline (Monday 12:00) passes without a response; withdrawn on Tuesday, too late.
  const b = await submit('2026-11-30T10:05:00Z', { deadline: '2026-11-30T12:00' });
  ref.B = b.reference;
  expect(await at('2026-12-01T10:00:00Z', () => pages.withdraw(b.token, null))).toBe(true);

  // C: a text, then a text that only asks for news. Still open; assigned to the officer.
  await at('2026-11-30T10:10:00Z', () => h.sms(C_PHONE, 'What is the council position on the bin strike?'));
  const c = await h.database.db
    .selectFrom('enquiry')
    .select(['reference'])
    .where('phone', '=', C_PHONE)
    .executeTakeFirstOrThrow();
  ref.C = c.reference;
  await at('2026-11-30T14:00:00Z', () => h.sms(C_PHONE, 'Any news?'));
  await h.services.casework.assign(ref.C, officer.id, { userId: manager.id, email: MANAGER.email });

  // D: chased by an emailed reply on Wednesday (quoting our acknowledgement), and again on the
  // status page on Saturday, after the week. Still open.
  const d = await submit('2026-11-30T10:15:00Z', {});
  ref.D = d.reference;
  await emailReply(
    '2026-12-02T09:00:00Z',
    `Re: [${ref.D}] Bin collections`,
    `Chasing this one, any update?\n\nOn Mon, 30 Nov 2026 at 10:15, Press Office <press.office@press.example.org> wrote:\n> Thank you for your enquiry ${ref.D}. We aim to reply by 12:15 today and will be in touch.\n> Press Office`,
  );
  expect(await at('2026-12-05T10:00:00Z', () => pages.addInformation(d.token, 'Any news?'))).toBe(true);

  // E: answered in 30 minutes, inside its deadline, then withdrawn anyway.
  const e = await submit('2026-11-30T10:20:00Z', { deadline: '2026-11-30T12:00' });
  ref.E = e.reference;
  await at('2026-11-30T10:50:00Z', () =>
    h.services.casework.recordResponse(ref.E, 'We do not comment on the strike.', {
      userId: manager.id,
      email: MANAGER.email,
    }),
  );
  expect(await at('2026-12-01T11:00:00Z', () => pages.withdraw(e.token, 'Got it elsewhere'))).toBe(true);

  // F: withdrawn with its deadline (11 December) still ahead of the report.
  const f = await submit('2026-11-30T10:25:00Z', { deadline: '2026-12-11T12:00' });
  ref.F = f.reference;
  expect(await at('2026-12-01T11:30:00Z', () => pages.withdraw(f.token, 'Not needed'))).toBe(true);

  h.clock.set(SATURDAY_NOON);
});
afterAll(async () => h?.close());

async function figures(query = WEEK, who = MANAGER) {
  const client = await loginAs(h, who.email, who.password);
  const res = await client.get(`/desk/reports.json?${query}`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body);
}

describe('withdrawn enquiries in the reports', () => {
  it('counts them apart, never as answered or still awaiting a response, and keeps a response given before the withdrawal', async () => {
    const f = await figures();
    expect(f.received.total).toBe(6);
    expect(f.withdrawn).toEqual({ total: 4, afterFirstResponse: 1 });
    // Only E was answered (in 30 minutes); C and D still wait. A, B and F are withdrawn, not waiting.
    expect(f.firstResponse.elapsed).toEqual({ n: 1, median: 1800, p90: 1800 });
    expect(f.firstResponse.working).toEqual({ n: 1, median: 1800, p90: 1800 });
    expect(f.firstResponse.without).toBe(2);
    // The journalist closed them, not the office: no time to close, and not "still open" either.
    expect(f.close.elapsed.n).toBe(0);
    expect(f.close.without).toBe(2);
    expect(f.backlog.open).toBe(2);
  });

  it('judges a deadline only up to the withdrawal: ahead then is neither met nor missed nor pending, already gone is missed', async () => {
    const f = await figures();
    // E met (answered before its deadline); B missed (its deadline passed unanswered before the
    // withdrawal); A's deadline passed after it was withdrawn and F's is still ahead: neither counts.
    expect(f.deadlines).toMatchObject({ met: 1, missed: 1, pending: 0, withdrawnBeforeDeadline: 2, shareMet: 0.5 });
    expect(f.deadlines.missedList.map((m: { reference: string }) => m.reference)).toEqual([ref.B]);
  });

  it('exports them with their status and a deadline outcome of withdrawn, or missed when it was too late', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const res = await manager.get(`/desk/reports.csv?${WEEK}`);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = lines[0].split(',');
    const row = (reference: string) => {
      const cells = lines.find((l) => l.startsWith(reference))!.split(',');
      return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    };
    expect(lines).toHaveLength(7);
    expect(row(ref.A)).toMatchObject({
      status: 'withdrawn',
      deadline_outcome: 'withdrawn',
      'first_response_at (Europe/London)': '',
    });
    expect(row(ref.F)).toMatchObject({ status: 'withdrawn', deadline_outcome: 'withdrawn' });
    expect(row(ref.B)).toMatchObject({ status: 'withdrawn', deadline_outcome: 'missed' });
    expect(row(ref.E)).toMatchObject({ status: 'withdrawn', deadline_outcome: 'met', first_response_minutes: '30' });
  });
});

describe('chases in the reports', () => {
  it('counts follow-ups that only ask for news by when they arrived, on every route, day by day', async () => {
    const f = await figures();
    // A's status page "Any update?", C's "Any news?" text and D's emailed chase; not A's real
    // addition, nor D's chase on Saturday, after the week.
    expect(f.chases).toMatchObject({ total: 3, enquiries: 3, byRoute: { statusPage: 1, sms: 1, email: 1 } });
    expect(f.chases.byDay).toEqual([
      { day: '2026-11-30', n: 2 },
      { day: '2026-12-01', n: 0 },
      { day: '2026-12-02', n: 1 },
      { day: '2026-12-03', n: 0 },
      { day: '2026-12-04', n: 0 },
    ]);
    const saturday = await figures('period=custom&from=2026-12-05&to=2026-12-05');
    expect(saturday.chases).toMatchObject({ total: 1, enquiries: 1, byRoute: { statusPage: 1, sms: 0, email: 0 } });
  });

  it('counts an enquiry chased twice once among the enquiries chased', async () => {
    const f = await figures('period=custom&from=2026-11-30&to=2026-12-05');
    expect(f.chases).toMatchObject({ total: 4, enquiries: 3 });
  });

  it('shows an officer only the chases on their own enquiries', async () => {
    const f = await figures(WEEK, OFFICER);
    expect(f.chases).toMatchObject({ total: 1, enquiries: 1, byRoute: { statusPage: 0, sms: 1, email: 0 } });
    expect(f.withdrawn.total).toBe(0);
  });
});

describe('the reports page', () => {
  it('says how many were withdrawn and chased, how they are counted, and charts the chases by day', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get(`/desk/reports?${WEEK}`);
    expect(page.status).toBe(200);
    const t = text(page.body);
    expect(t).toContain(
      'Withdrawn by the journalist: 4 of the enquiries received in this period (not counted as answered, nor as missed unless the deadline had already passed',
    );
    expect(t).toContain('1 of them after a first response from the office.');
    expect(t).toContain('2 withdrawn before their deadline, which counts neither as met nor as missed.');
    expect(t).toContain(
      'arrived in this period: 3, on 3 enquiries chased at least once (1 on the status page, 1 by text, 1 by email)',
    );
    expect(page.body).toContain('id="chases-by-day-title"');
    expect(t).toContain('12-02: 1 chases');
    // Only B is a missed deadline.
    const missed = /<h2>Missed deadlines<\/h2>([\s\S]*?)<h2>/.exec(page.body)![1];
    expect(missed).toContain(ref.B);
    for (const r of [ref.A, ref.E, ref.F]) expect(missed).not.toContain(r);
  });

  it('says so instead of drawing an empty chart when nothing was chased', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get('/desk/reports?period=custom&from=2026-12-03&to=2026-12-04');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('chases-by-day');
    expect(text(page.body)).toContain('No chases in this period.');
  });
});
