/**
 * Issue 23, item 7: the on-call link of an enquiry in an incident shows the incident's current
 * line exactly as the journalist would get it (with its SMS length) and "Send the holding line to
 * this journalist": the desk's own send, to this one journalist by their channel, through the
 * outbox, once; it marks the enquiry as having had the line, acknowledges the page, and is on
 * the timeline and in the audit log as the on-call officer. A revoked link cannot send, and the
 * link reaches only its own enquiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/incidents/incident.tables.js';
import { decodeEntities, fieldError } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const JOURNALIST = '+447911123401';
const OTHER_JOURNALIST = '+447911123402';
/** A London landline: it takes no texts. */
const LANDLINE = '+442079460000';
const JOURNALIST_EMAIL = 'ann@example.org';
const MINUTE = 60_000;
const DESK = { userId: null, email: 'desk@press.example.org' };
const LINE = 'Crews are at the depot fire. We will say more at 21:00.';
const LINK = new RegExp(`\\nOpen: ${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/[A-Za-z0-9_-]{22})\\n`);
const STATUS_LINK = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}/status/([A-Za-z0-9_-]{22})`);

let h: Harness;
let smtp: SmtpRecorder | undefined;
afterEach(async () => {
  await h?.close();
  await smtp?.close();
  smtp = undefined;
});

async function start(env: Record<string, string> = {}) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, env, config: { onCall: { bundleSeconds: 0 } } });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: BACKUP });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  await h.services.rota.addShift({ phone: BACKUP, role: 'backup', startsAt: from, endsAt: to, createdBy: 'test' });
}

/** An incident the desk declared (on-call does not have it yet, so its urgent enquiries page) with one holding line. */
async function incidentWithLine(
  text = LINE,
  kind: 'holding' | 'press' = 'holding',
): Promise<{ incident: Incident; lineId: string }> {
  const incident = await h.services.incidents.declare(
    { name: 'Op Larch depot', terms: 'depot' },
    { kind: 'staff', actor: DESK },
  );
  const line = await h.services.holdingLines.addLine(incident.id, { kind, text }, DESK);
  return { incident, lineId: line.id };
}

async function urgentEnquiry(phone: string, subject = 'Fire at the depot'): Promise<string> {
  return (await urgentEnquiryBy({ phone }, subject)).reference;
}

/** The same by phone or by email (the API takes either), with the token of the journalist's status page. */
async function urgentEnquiryBy(
  contact: { phone: string } | { email: string },
  subject = 'Fire at the depot',
): Promise<{ reference: string; statusToken: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    ...contact,
    subject,
    details: 'Need a line tonight.',
    urgent: true,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  return { reference: body.reference, statusToken: STATUS_LINK.exec(body.statusUrl)![1] };
}

function textsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

/**
 * The link in the `n`th page to on-call (or, given `reference`, in the page about that enquiry:
 * two pages sent at once may reach Twilio in either order), opened: its path, page and form fields.
 */
async function openLink(
  n = 1,
  reference?: string,
): Promise<{ path: string; html: string; fields: Record<string, string> }> {
  await h.twilio.waitForMessages(n);
  await h.jobs.settle();
  const texts = textsTo(ON_CALL);
  const text = reference ? texts.find((m) => m.body!.includes(reference)) : texts[n - 1];
  const path = LINK.exec(text!.body!)![1];
  const res = await h.app.request(path);
  expect(res.status).toBe(200);
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return {
    path,
    html,
    fields: { _csrf: field('_csrf'), reference: field('reference'), key: field('key'), line: field('line') },
  };
}

function post(path: string, fields: Record<string, string>) {
  return h.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Posts and follows the redirect: the view as the officer then sees it. */
async function submit(path: string, fields: Record<string, string>): Promise<string> {
  const res = await post(path, fields);
  expect(res.status).toBe(303);
  return (await h.app.request(res.headers.get('location')!)).text();
}

async function lineTextsTo(phone: string, text = LINE) {
  await h.jobs.settle();
  return textsTo(phone).filter((m) => m.body === text);
}

/** `html` as it reads: tags gone, entities decoded, whitespace collapsed. */
function asText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the line's section of the link says, as text (null: the page has none). */
function lineSection(html: string): string | null {
  const m = /<section class="action holding-line" id="line"[^>]*>([\s\S]*?)<\/section>/.exec(html);
  return m ? asText(m[1]) : null;
}

/** The notice at the top of the link after an action, as text (null: none). */
function noticeOf(html: string): string | null {
  const m = /<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(html);
  return m ? asText(m[1]) : null;
}

/**
 * "N characters, M SMS segments." counted here for `text` as the journalist gets it: plain GSM
 * characters only (none of the extension table), one place each; one SMS holds 160, a joined
 * one 153 a segment.
 */
function sizeOf(text: string): { length: number; segments: number } {
  expect(text).toMatch(/^[A-Za-z0-9 .,:;'!?()-]+$/);
  return { length: text.length, segments: text.length <= 160 ? 1 : Math.ceil(text.length / 153) };
}

/** The start of the line's section: its heading, the incident's name and the exact words with their size. */
function sectionHead(heading: string, text: string, size: string): string {
  return `${heading} Agreed by the desk for “Op Larch depot”. The journalist gets exactly these words: ${text} ${size}`;
}

/** A send pressed anyway (a form kept from before) is refused with `message` beside the line. */
async function expectRefused(link: { path: string; fields: Record<string, string> }, message: string) {
  const res = await post(`${link.path}/line`, link.fields);
  expect(res.status).toBe(422);
  expect(fieldError(await res.text(), 'line')).toBe(message);
}

const BY_SMS_WORDS = 'Goes by SMS to 07911 123401 from the press office, as written above, and stops the escalation.';

describe('the incident line on the on-call link', () => {
  it('shows the current line exactly as it would be sent, with its SMS length, and a button to send it to this journalist; an enquiry outside the incident gets none', async () => {
    await start();
    await incidentWithLine();
    await urgentEnquiry(JOURNALIST);
    const link = await openLink();
    expect(link.html).toContain(`<p class="pre quote" id="line-text">${LINE}</p>`);
    expect(link.html).toMatch(/id="line-size">\s*55 characters, 1 SMS segment\./);
    expect(link.html).toContain('Send the holding line to this journalist');
    expect(link.html).toContain('Goes by SMS to 07911 123401 from the press office');
    // Opening it sends nothing.
    expect(await lineTextsTo(JOURNALIST)).toEqual([]);

    // An enquiry outside the incident is offered no line.
    await urgentEnquiry(OTHER_JOURNALIST, 'Burst water main on the High Street');
    const outside = await openLink(2);
    expect(outside.html).not.toContain('id="line-text"');
    expect(outside.html).not.toContain('to this journalist');
  });

  it('sends it once to this journalist, marks the enquiry, acknowledges the page (nothing escalates) and records it as the officer', async () => {
    await start();
    const { lineId } = await incidentWithLine();
    const ref = await urgentEnquiry(JOURNALIST);
    const link = await openLink();

    // The line's id as a browser may send it, with white space around it: the same line.
    const view = await submit(`${link.path}/line`, { ...link.fields, line: ` ${link.fields.line} ` });
    expect(view).toContain('The holding line is queued to the journalist by SMS to 07911 123401, exactly as written.');
    expect(view).toContain('The page is acknowledged: escalation stopped.');
    expect(view).toContain('Sent to this journalist at Thu 24 Dec 18:00.');
    expect(view).not.toContain('Send the holding line to this journalist');

    const texts = await lineTextsTo(JOURNALIST);
    expect(texts.map((m) => m.body)).toEqual([LINE]);
    const e = await h.database.db
      .selectFrom('enquiry')
      .select('id')
      .where('reference', '=', ref)
      .executeTakeFirstOrThrow();
    expect(
      await h.database.db
        .selectFrom('incident_line_sent')
        .select(['line_id', 'contact'])
        .where('enquiry_id', '=', e.id)
        .execute(),
    ).toEqual([{ line_id: lineId, contact: JOURNALIST }]);
    const sent = await h.database.db
      .selectFrom('enquiry_event')
      .select(['actor', 'data'])
      .where('enquiry_id', '=', e.id)
      .where('kind', '=', 'incident_line_sent')
      .execute();
    expect(sent).toEqual([
      { actor: 'Olu On-Call', data: expect.objectContaining({ lineId, text: LINE, to: JOURNALIST }) },
    ]);
    const audited = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'detail'])
      .where('action', '=', 'incident.line_sent')
      .where('enquiry_id', '=', e.id)
      .execute();
    expect(audited).toEqual([{ user_email: 'Olu On-Call', detail: expect.objectContaining({ lineId, via: 'link' }) }]);
    const page = await h.database.db.selectFrom('page').selectAll().executeTakeFirstOrThrow();
    expect(page).toMatchObject({ status: 'acknowledged', ack_via: 'link', acknowledged_by: 'Olu On-Call' });

    // The ack timeout and every step after it pass: no call, nothing to the backup.
    for (const _ of [10, 20, 30]) {
      h.clock.advance(10 * MINUTE);
      await h.jobs.settle();
      expect(h.twilio.calls.map((c) => c.to)).toEqual([]);
      expect(textsTo(BACKUP)).toEqual([]);
    }
    expect(await lineTextsTo(JOURNALIST)).toHaveLength(1);
  });

  it('pressed twice (a resubmitted form), sends once and says it was already sent', async () => {
    await start();
    await incidentWithLine();
    await urgentEnquiry(JOURNALIST);
    const link = await openLink();
    const [first, second] = await Promise.all([
      post(`${link.path}/line`, link.fields),
      post(`${link.path}/line`, link.fields),
    ]);
    const locations = [first, second].map((r) => r.headers.get('location'));
    expect(locations.sort()).toEqual(
      [`${link.path}?done=line&acked=1&line=queued`, `${link.path}?done=line&line=already`].sort(),
    );
    const again = await submit(`${link.path}/line`, link.fields);
    expect(again).toContain('This journalist was already sent the holding line: nothing was sent again.');
    expect(await lineTextsTo(JOURNALIST)).toHaveLength(1);
  });

  it('goes to this journalist only: other linked journalists do not get it', async () => {
    await start();
    await incidentWithLine();
    const mine = await urgentEnquiry(JOURNALIST);
    await urgentEnquiry(OTHER_JOURNALIST, 'Depot fire smoke');
    const link = await openLink(2, mine);
    await submit(`${link.path}/line`, link.fields);
    expect(await lineTextsTo(JOURNALIST)).toHaveLength(1);
    expect(await lineTextsTo(OTHER_JOURNALIST)).toEqual([]);
  });

  it('cannot be sent through a revoked link, nor for another enquiry', async () => {
    await start();
    await incidentWithLine();
    const mine = await urgentEnquiry(JOURNALIST);
    const other = await urgentEnquiry(OTHER_JOURNALIST, 'Depot fire smoke');
    const link = await openLink(2, mine);

    // The form naming another enquiry than the link's reaches nothing.
    expect((await post(`${link.path}/line`, { ...link.fields, reference: other })).status).toBe(404);

    // Taken off the staff list: the link is revoked.
    const olu = (await h.services.rota.findPersonByPhone(ON_CALL))!;
    await h.services.rota.deactivatePersonAudited(olu.id, DESK);
    expect((await post(`${link.path}/line`, link.fields)).status).toBe(410);
    expect(await lineTextsTo(JOURNALIST)).toEqual([]);
    expect(await lineTextsTo(OTHER_JOURNALIST)).toEqual([]);
  });

  it('refuses a line changed since the page was opened (showing the new one), or gone with the enquiry unlinked', async () => {
    await start();
    const { incident } = await incidentWithLine();
    await urgentEnquiry(JOURNALIST);
    const link = await openLink();
    await h.services.holdingLines.addLine(incident.id, { kind: 'holding', text: 'Updated: the fire is out.' }, DESK);
    const res = await post(`${link.path}/line`, link.fields);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('The incident’s line has changed since this page was opened');
    expect(html).toContain('Updated: the fire is out.');
    expect(await lineTextsTo(JOURNALIST)).toEqual([]);

    // Taken out of the incident meanwhile: refused too, the message in its place.
    await h.services.incidents.unlink(link.fields.reference, DESK);
    const unlinked = await post(`${link.path}/line`, link.fields);
    expect(unlinked.status).toBe(422);
    const unlinkedHtml = await unlinked.text();
    expect(unlinkedHtml).toContain('This enquiry is no longer in an incident with a line: nothing was sent.');
    expect(unlinkedHtml).toContain('id="line"');
    expect(await lineTextsTo(JOURNALIST)).toEqual([]);
  });
});

describe('what the on-call link says about the line, word for word', () => {
  it('a holding line by SMS: its heading, the desk’s words and their size, the button and its route; once sent, the notice (with the acknowledgement) and when it went in place of the button; pressed again, already', async () => {
    await start();
    await incidentWithLine();
    await urgentEnquiry(JOURNALIST);
    const link = await openLink();
    const size = sizeOf(LINE);
    expect(size).toEqual({ length: 55, segments: 1 });
    const head = sectionHead('Holding line of the incident', LINE, `${size.length} characters, 1 SMS segment.`);
    expect(lineSection(link.html)).toBe(`${head} Send the holding line to this journalist ${BY_SMS_WORDS}`);
    expect(noticeOf(link.html)).toBeNull();

    const view = await submit(`${link.path}/line`, link.fields);
    expect(noticeOf(view)).toBe(
      'The holding line is queued to the journalist by SMS to 07911 123401, exactly as written. The enquiry is marked as having had it. The page is acknowledged: escalation stopped.',
    );
    expect(lineSection(view)).toBe(`${head} Sent to this journalist at Thu 24 Dec 18:00.`);
    // The size was of what the journalist gets.
    const [text] = await lineTextsTo(JOURNALIST);
    expect(sizeOf(text.body!)).toEqual(size);

    const again = await submit(`${link.path}/line`, link.fields);
    expect(noticeOf(again)).toBe('This journalist was already sent the holding line: nothing was sent again.');
    expect(lineSection(again)).toBe(`${head} Sent to this journalist at Thu 24 Dec 18:00.`);
    expect(await lineTextsTo(JOURNALIST)).toHaveLength(1);
  });

  it('a press line of two SMS segments: “Press line”, its size in segments, and, the page already acknowledged, no word of acknowledging it', async () => {
    const press =
      'Two crews from Larch Road and Mill Lane stations are at the depot fire. Nobody was hurt. The ring road is closed between junctions 4 and 5: please avoid the area. We will say more at 21:00.';
    const size = sizeOf(press);
    expect(size.segments).toBe(2);
    await start();
    await incidentWithLine(press, 'press');
    await urgentEnquiry(JOURNALIST);
    const link = await openLink();
    const head = sectionHead('Press line of the incident', press, `${size.length} characters, 2 SMS segments.`);
    expect(lineSection(link.html)).toBe(`${head} Send the press line to this journalist ${BY_SMS_WORDS}`);

    // "I have it" first: the send that follows acknowledges nothing, and its notice says nothing of it.
    await submit(`${link.path}/ack`, link.fields);
    const view = await submit(`${link.path}/line`, link.fields);
    expect(noticeOf(view)).toBe(
      'The press line is queued to the journalist by SMS to 07911 123401, exactly as written. The enquiry is marked as having had it.',
    );
    expect(lineSection(view)).toBe(`${head} Sent to this journalist at Thu 24 Dec 18:00.`);
    const [text] = await lineTextsTo(JOURNALIST, press);
    expect(sizeOf(text.body!)).toEqual(size);
  });

  it('a one-character line is “1 character, 1 SMS segment.”', async () => {
    await start();
    await incidentWithLine('Y');
    await urgentEnquiry(JOURNALIST);
    const link = await openLink();
    expect(sizeOf('Y')).toEqual({ length: 1, segments: 1 });
    expect(lineSection(link.html)).toBe(
      `${sectionHead('Holding line of the incident', 'Y', '1 character, 1 SMS segment.')} Send the holding line to this journalist ${BY_SMS_WORDS}`,
    );
  });

  it('a journalist with only an email address: the button goes by email, and so does the notice', async () => {
    smtp = await startSmtpServer();
    await start({ SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: 'Press Office <press.office@press.example.org>' });
    await incidentWithLine();
    await urgentEnquiryBy({ email: JOURNALIST_EMAIL });
    const link = await openLink();
    const head = sectionHead('Holding line of the incident', LINE, '55 characters, 1 SMS segment.');
    expect(lineSection(link.html)).toBe(
      `${head} Send the holding line to this journalist Goes by email to ann@example.org from the press office, as written above, and stops the escalation.`,
    );

    const view = await submit(`${link.path}/line`, link.fields);
    expect(noticeOf(view)).toBe(
      'The holding line is queued to the journalist by email to ann@example.org, exactly as written. The enquiry is marked as having had it. The page is acknowledged: escalation stopped.',
    );
    expect(lineSection(view)).toBe(`${head} Sent to this journalist at Thu 24 Dec 18:00.`);
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual([JOURNALIST_EMAIL]);
    expect(mail.parsed.text?.trim()).toBe(LINE);
  });

  it('the same journalist’s second enquiry: the line is shared (nothing sent again) and that enquiry marked as having had it', async () => {
    await start();
    await incidentWithLine();
    const first = await urgentEnquiry(JOURNALIST);
    const second = await urgentEnquiry(JOURNALIST, 'Depot fire: which roads are closed?');
    const firstLink = await openLink(2, first);
    const secondLink = await openLink(2, second);
    expect(secondLink.path).not.toBe(firstLink.path);
    await submit(`${firstLink.path}/line`, firstLink.fields);

    // This enquiry has not had it yet: its link still offers it.
    const head = sectionHead('Holding line of the incident', LINE, '55 characters, 1 SMS segment.');
    const before = await (await h.app.request(secondLink.path)).text();
    expect(lineSection(before)).toBe(`${head} Send the holding line to this journalist ${BY_SMS_WORDS}`);
    h.clock.advance(2 * MINUTE);
    const view = await submit(`${secondLink.path}/line`, secondLink.fields);
    expect(noticeOf(view)).toBe(
      'The journalist already had the holding line through another of their enquiries: nothing was sent again. This enquiry is marked as having had it. The page is acknowledged: escalation stopped.',
    );
    expect(lineSection(view)).toBe(`${head} Sent to this journalist at Thu 24 Dec 18:02.`);
    expect(await lineTextsTo(JOURNALIST)).toHaveLength(1);
  });

  it('withdrawn by the journalist: says so, with no button, and sends nothing', async () => {
    await start();
    await incidentWithLine();
    const { statusToken } = await urgentEnquiryBy({ phone: JOURNALIST });
    const link = await openLink();
    expect(await h.services.statusPages.withdraw(statusToken, 'We dropped the story')).toBe(true);

    const html = await (await h.app.request(link.path)).text();
    const head = sectionHead('Holding line of the incident', LINE, '55 characters, 1 SMS segment.');
    expect(lineSection(html)).toBe(`${head} Not sent: the journalist has withdrawn this enquiry.`);
    expect(html).not.toContain(`action="${link.path}/line"`);
    await expectRefused(link, 'The journalist has withdrawn this enquiry: the line is not sent.');
    expect(await lineTextsTo(JOURNALIST)).toEqual([]);
  });

  it('messages turned off by the journalist: says so, with no button, and sends nothing', async () => {
    await start();
    await incidentWithLine();
    const { statusToken } = await urgentEnquiryBy({ phone: JOURNALIST });
    const link = await openLink();
    expect(await h.services.statusPages.setUpdates(statusToken, false)).toBe(true);

    const html = await (await h.app.request(link.path)).text();
    const head = sectionHead('Holding line of the incident', LINE, '55 characters, 1 SMS segment.');
    expect(lineSection(html)).toBe(`${head} Not sent: the journalist has turned off messages about this enquiry.`);
    expect(html).not.toContain(`action="${link.path}/line"`);
    await expectRefused(link, 'The journalist has turned off messages about this enquiry: the line is not sent.');
    expect(await lineTextsTo(JOURNALIST)).toEqual([]);
  });

  it('a journalist with only a landline cannot be reached: says so, with no button, and sends nothing', async () => {
    await start();
    const { lineId } = await incidentWithLine();
    await urgentEnquiry(LANDLINE);
    const link = await openLink();
    const head = sectionHead('Holding line of the incident', LINE, '55 characters, 1 SMS segment.');
    expect(lineSection(link.html)).toBe(
      `${head} This journalist cannot be reached: no number that takes texts and no email address Press Desk can write to.`,
    );
    expect(link.html).not.toContain(`action="${link.path}/line"`);
    // No form to press: posted by hand, with the line's id, it is refused all the same.
    await expectRefused(
      { path: link.path, fields: { ...link.fields, line: lineId } },
      'This journalist has no number that takes texts and no email address Press Desk can write to.',
    );
    expect(await lineTextsTo(LANDLINE)).toEqual([]);
  });

  it('the notices no send redirects to (unreachable: refused before; a line notice without its outcome) still read right', async () => {
    await start();
    await incidentWithLine();
    await urgentEnquiry(LANDLINE);
    const link = await openLink();
    const unreachable = await (await h.app.request(`${link.path}?done=line&line=unreachable`)).text();
    expect(noticeOf(unreachable)).toBe(
      'The holding line could not be sent: the journalist cannot be reached by text or email.',
    );
    const bare = await (await h.app.request(`${link.path}?done=line`)).text();
    expect(noticeOf(bare)).toBe('Holding line sent to the journalist, exactly as written.');
  });
});
