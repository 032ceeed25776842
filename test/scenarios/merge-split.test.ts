/**
 * Issue 29, item 2: merge and split. An officer merges enquiry B into A: B's messages, timeline
 * and questions move to A, B says "merged into A", B's status link shows A's state, the
 * journalist is told once, the queue and the reports count one enquiry, and the merge can be
 * undone the same office day (not the next). Open enquiries from the same phone or email within a
 * few days, or with a similar subject, are suggested on the enquiry page with a one-click merge:
 * an email, then a call from the same journalist. A new question inside a thread is split into an
 * enquiry of its own, with its own reference, deadline and status link, and the journalist is
 * told. Erasing a journalist still erases what was merged from their enquiry into another's.
 *
 * Real PostgreSQL, through the desk's forms, the journalist's texts, the shared mailbox, the phone
 * line and the status page.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/email-parse.js';
import { statusFormToken } from '../../src/enquiries/status-link.js';
import { received } from '../../src/reports/reports.repository.js';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { composeTo } from '../support/mail.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Wednesday 2 December 2026, 10:00 GMT: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const WEDNESDAY_11PM = '2026-12-02T23:00:00Z';
const THURSDAY_9AM = '2026-12-03T09:00:00Z';
// Saturday 5 December, 10:00: the office is closed (the phone line takes a message).
const SATURDAY_10AM = '2026-12-05T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const OFFICER = { email: 'mia.officer@press.example', password: 'officer-password-29' };
const SYSTEM = { userId: null, email: 'test' };
const VOICE_URL = `${PUBLIC_BASE_URL}/twilio/voice`;

let h: Harness;
let smtp: SmtpRecorder;
let desk: DeskClient;

beforeAll(async () => {
  smtp = await startSmtpServer();
  h = await startHarness({
    now: WEDNESDAY_10AM,
    jobs: true,
    env: { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE },
    config: { intake: { rateLimit: null, pageRateLimit: null }, onCall: { bundleSeconds: 0 } },
  });
  await h.services.users.create({ ...OFFICER, name: 'Mia Officer', role: 'officer' }, SYSTEM);
});
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});
beforeEach(async () => {
  h.clock.set(WEDNESDAY_10AM);
  // Each test moves the clock; a fresh sign-in keeps the session in step with it.
  desk = await loginAs(h, OFFICER.email, OFFICER.password);
});

let numbers = 0;
/** A new journalist's mobile number. */
function newPhone(): string {
  numbers += 1;
  return `+4479112290${String(numbers).padStart(2, '0')}`;
}

/** An enquiry by the API; returns its reference and its status link's token. */
async function apiEnquiry(fields: Record<string, unknown>): Promise<{ reference: string; token: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    subject: 'Flooding on the ring road',
    details: 'When will the ring road reopen?',
    ...fields,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  return { reference: body.reference, token: body.statusUrl.split('/status/')[1] };
}

/** The journalist's texts to the press office number: the first starts an SMS enquiry, the rest join it. */
async function texts(phone: string, ...bodies: string[]): Promise<string> {
  for (const body of bodies) expect((await h.sms(phone, body)).status).toBe(200);
  const row = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .where('phone', '=', phone)
    .where('channel', '=', 'sms')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.reference;
}

async function row(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

async function kinds(reference: string): Promise<string[]> {
  const e = await row(reference);
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .select('kind')
    .where('enquiry_id', '=', e.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}

async function smsBodiesOn(reference: string): Promise<string[]> {
  const e = await row(reference);
  const rows = await h.database.db
    .selectFrom('sms_inbound')
    .select('body')
    .where('enquiry_id', '=', e.id)
    .orderBy('received_at')
    .execute();
  return rows.map((r) => r.body);
}

/** A page's text with tags removed and whitespace folded, as a reader sees it. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** The texts the fake Twilio was asked to send to `phone`, once the jobs have run. */
async function sentTo(phone: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');
}

/** Merges `from` into `into` from the desk (the one-click button's form), expecting the redirect back. */
async function merge(into: string, from: string) {
  const res = await desk.post(`/desk/enquiries/${into}/merge`, { from });
  expect(res.status, res.body.slice(0, 500)).toBe(303);
  expect(res.location).toMatch(new RegExp(`^/desk/enquiries/${into}\\?done=merged&event=\\d+$`));
  return res.location!;
}

/** The reference an action redirected to (the enquiry page, with its notice). */
function redirectedTo(location: string | null): string {
  return /^\/desk\/enquiries\/([A-Z0-9-]+)/.exec(location ?? '')?.[1] ?? '';
}

async function activeMergeId(from: string): Promise<string> {
  const e = await row(from);
  const m = await h.database.db
    .selectFrom('enquiry_merge')
    .select('id')
    .where('from_id', '=', e.id)
    .where('undone_at', 'is', null)
    .executeTakeFirstOrThrow();
  return m.id;
}

describe('merging enquiry B into A', () => {
  it('moves everything to A, B says merged into A, its status link shows A, the journalist is told once, and it counts once', async () => {
    const phone = newPhone();
    // B: two texts; then the same journalist's enquiry by the API, A, with the same number.
    const b = await texts(phone, 'Is the ring road flooded? Need to know by 3pm', 'Also, any injuries?');
    const a = await apiEnquiry({ phone, email: 'ann.reporter@gazette.example', deadline: '2026-12-02T15:00' });
    // B has a note and a status link too.
    await h.services.casework.addNote(b, 'Checked with highways: they are on site', SYSTEM);
    const bLink = await apiLinkFor(b);
    const beforeFigures = await receivedCount();

    const done = await merge(a.reference, b);
    // The page says what happened, and how the journalist was told.
    expect(text((await desk.get(done)).body)).toContain(
      `${b} merged into this enquiry: its messages, timeline and questions are here now; its journalist was told by SMS`,
    );

    // A carries B's texts and timeline now; B keeps only how it arrived, and the merge itself.
    expect(await smsBodiesOn(a.reference)).toEqual([
      'Is the ring road flooded? Need to know by 3pm',
      'Also, any injuries?',
    ]);
    expect(await smsBodiesOn(b)).toEqual([]);
    const onA = await kinds(a.reference);
    expect(onA.filter((k) => k === 'sms_in')).toHaveLength(2);
    expect(onA).toContain('note');
    expect(onA).toContain('merged_in');
    expect(await kinds(b)).toEqual(['received', 'merged_away', 'status_changed']);
    const merged = await row(b);
    expect(merged.merged_into).toBe((await row(a.reference)).id);
    expect(merged.status).toBe('closed');
    expect(merged.outcome).toBe('duplicate');

    // B's page says where it went; A's page lists what was merged into it, with the undo.
    const bPage = text((await desk.get(`/desk/enquiries/${b}`)).body);
    expect(bPage).toContain(`Merged into ${a.reference}`);
    expect(bPage).toContain('Undo the merge');
    const aPage = text((await desk.get(`/desk/enquiries/${a.reference}`)).body);
    expect(aPage).toContain(`${b} was merged into this enquiry`);
    expect(aPage).toContain('Checked with highways');

    // B's status link shows A's state, and says the two were combined.
    const status = await h.app.request(`/status/${bLink}`);
    expect(status.status).toBe(200);
    const statusText = text(await status.text());
    expect(statusText).toContain(`Your enquiry ${a.reference}`);
    expect(statusText).toContain(`Your enquiry ${b} was combined with ${a.reference}`);
    // What they add through B's link lands on A, which carries it.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await h.app.request(`/status/${bLink}`)).text())?.[1] ?? '';
    const added = await h.app.request(`/status/${bLink}/add`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, information: 'The road is now open again, I hear' }).toString(),
    });
    expect(added.status).toBe(303);
    expect(await kinds(a.reference)).toContain('journalist_added');
    expect(await kinds(b)).not.toContain('journalist_added');

    // Told once, by their channel (B came by text): the reference that now carries it.
    const told = (await sentTo(phone)).filter((m) => m.includes('combined them'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`We will answer under ${a.reference}`);

    // The queue lists A only, a search by B's reference finds A, and the reports count one enquiry.
    const queue = (await desk.get('/desk?status=all')).body;
    expect(queue).toContain(a.reference);
    expect(queue).not.toContain(`/desk/enquiries/${b}"`);
    const search = (await desk.get(`/desk?status=all&q=${encodeURIComponent(b)}`)).body;
    expect(search).toContain(`/desk/enquiries/${a.reference}"`);
    expect(await receivedCount()).toBe(beforeFigures - 1);

    // Audited on both.
    const audits = await h.database.db
      .selectFrom('audit_log')
      .select('enquiry_id')
      .where('action', '=', 'enquiry.merged')
      .where('enquiry_id', 'in', [merged.id, merged.merged_into!])
      .execute();
    expect(audits).toHaveLength(2);
  });

  it('undo the same day restores both; merged again, the journalist is not told twice; the next day it cannot be undone', async () => {
    const phone = newPhone();
    const b = await texts(phone, 'Road closure on the A61 tonight?');
    const a = await apiEnquiry({ phone, subject: 'A61 closure' });
    const bBefore = await row(b);
    await merge(a.reference, b);

    // Late the same evening (office time): still the same day.
    h.clock.set(WEDNESDAY_11PM);
    desk = await loginAs(h, OFFICER.email, OFFICER.password);
    const undo = await desk.post(`/desk/merges/${await activeMergeId(b)}/undo`);
    expect(undo.status).toBe(303);
    expect(text((await desk.get(undo.location!)).body)).toContain(`Merge undone: ${b} is on its own again`);
    const restored = await row(b);
    expect(restored.merged_into).toBeNull();
    expect(restored.status).toBe(bBefore.status);
    expect(restored.outcome).toBeNull();
    expect(restored.closed_at).toBeNull();
    expect(await smsBodiesOn(b)).toEqual(['Road closure on the A61 tonight?']);
    expect(await smsBodiesOn(a.reference)).toEqual([]);
    expect(await kinds(a.reference)).not.toContain('sms_in');
    expect(await kinds(b)).toContain('merge_undone');
    expect(await kinds(a.reference)).toContain('merge_undone');
    // B is back in the open queue.
    expect((await desk.get('/desk')).body).toContain(`/desk/enquiries/${b}"`);

    // Merged again: still one message to the journalist about it.
    await merge(a.reference, b);
    expect((await sentTo(phone)).filter((m) => m.includes('combined them'))).toHaveLength(1);

    // The next office day the undo is refused, and nothing moves.
    h.clock.set(THURSDAY_9AM);
    desk = await loginAs(h, OFFICER.email, OFFICER.password);
    expect(text((await desk.get(`/desk/enquiries/${b}`)).body)).not.toContain('Undo the merge');
    const late = await desk.post(`/desk/merges/${await activeMergeId(b)}/undo`);
    expect(late.status).toBe(409);
    expect(text(late.body)).toContain('can only be undone on the day it was made');
    expect((await row(b)).merged_into).not.toBeNull();
  });

  it("carries B's earlier deadline to A, and the undo gives A its own back", async () => {
    const phone = newPhone();
    const a = await apiEnquiry({ phone, subject: 'School closures' });
    const b = await apiEnquiry({ phone, subject: 'Which schools are shut?', deadline: '2026-12-02T14:00' });
    const aBefore = await row(a.reference);
    expect(aBefore.deadline).toBeNull();
    await merge(a.reference, b.reference);
    const carried = await row(a.reference);
    expect(carried.deadline?.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(carried.respond_by!.getTime()).toBeLessThanOrEqual(new Date('2026-12-02T14:00:00Z').getTime());
    expect(text((await desk.get(`/desk/enquiries/${a.reference}`)).body)).toContain(
      'Its earlier deadline is this enquiry’s now',
    );

    await desk.post(`/desk/merges/${await activeMergeId(b.reference)}/undo`);
    const back = await row(a.reference);
    expect(back.deadline).toBeNull();
    expect(back.respond_by?.toISOString()).toBe(aBefore.respond_by?.toISOString());
    expect(back.warn_at?.toISOString()).toBe(aBefore.warn_at?.toISOString());
  });

  it('refuses merging into itself, a closed enquiry, and chains, naming the field', async () => {
    const a = await apiEnquiry({ phone: newPhone() });
    const self = await desk.post(`/desk/enquiries/${a.reference}/merge`, { from: a.reference });
    expect(self.status).toBe(422);
    expect(text(self.body)).toContain('Enter the reference of another enquiry, not this one');
    expect(self.body).toContain('id="from-error"');

    const closed = await apiEnquiry({ phone: newPhone() });
    await h.services.casework.setStatus(closed.reference, 'closed', SYSTEM, undefined, {
      outcome: { outcome: 'no_comment' },
    });
    const refusedClosed = await desk.post(`/desk/enquiries/${a.reference}/merge`, { from: closed.reference });
    expect(refusedClosed.status).toBe(422);
    expect(text(refusedClosed.body)).toContain('only open enquiries can be merged');

    const bogus = await desk.post(`/desk/enquiries/${a.reference}/merge`, { from: 'not a reference' });
    expect(bogus.status).toBe(422);
    expect(text(bogus.body)).toContain('like PD-7KM-4QX');

    // B into A, then A into C: A carries B, so it cannot go into another; B cannot be merged twice.
    const b = await apiEnquiry({ phone: newPhone() });
    const c = await apiEnquiry({ phone: newPhone() });
    await merge(a.reference, b.reference);
    const chain = await desk.post(`/desk/enquiries/${c.reference}/merge`, { from: a.reference });
    expect(chain.status).toBe(422);
    expect(text(chain.body)).toContain(`Other enquiries were merged into ${a.reference}`);
    const twice = await desk.post(`/desk/enquiries/${c.reference}/merge`, { from: b.reference });
    expect(twice.status).toBe(422);
    expect(text(twice.body)).toContain('was already merged into another enquiry');
    const intoMerged = await desk.post(`/desk/enquiries/${b.reference}/merge`, { from: c.reference });
    expect(intoMerged.status).toBe(422);
  });

  it("tells another journalist's enquiry it is handled under A, without showing A's journalist's words", async () => {
    const first = newPhone();
    const second = newPhone();
    const a = await apiEnquiry({
      phone: first,
      subject: 'Fire at the Hollins Street warehouse',
      details: 'A quote from Ann',
    });
    const b = await texts(second, 'Fire at Hollins Street warehouse: how many engines?');
    const bLink = await apiLinkFor(b);
    await merge(a.reference, b);

    const told = (await sentTo(second)).filter((m) => m.includes('handling it under the reference'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(a.reference);
    expect((await sentTo(first)).filter((m) => m.includes(b))).toHaveLength(0);

    const page = text(await (await h.app.request(`/status/${bLink}`)).text());
    expect(page).toContain(`was combined with ${a.reference}`);
    expect(page).not.toContain('Fire at the Hollins Street warehouse');
    expect(page).toContain('Fire at Hollins Street warehouse: how many engines?');
    // Not theirs to change (the page offers no form): a post is sent to the press office with the reference.
    const csrf = statusFormToken(bLink);
    const refused = await h.app.request(`/status/${bLink}/withdraw`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, reason: 'No longer needed', confirm: 'yes' }).toString(),
    });
    expect(refused.status).toBe(409);
    expect(text(await refused.text())).toContain(`being handled under the reference ${a.reference}`);
    expect((await row(a.reference)).status).not.toBe('withdrawn');
  });
});

describe('possible duplicates', () => {
  it('suggests an email, then a call from the same journalist, on the enquiry page with a one-click merge', async () => {
    h.clock.set(SATURDAY_10AM);
    desk = await loginAs(h, OFFICER.email, OFFICER.password);
    const phone = newPhone();
    const typed = `0${phone.slice(3, 7)} ${phone.slice(7)}`;
    await emailFrom(
      'Nell Byline <nell.byline@courier.example>',
      'Burst water main on Castle Street',
      `How many homes are without water?\n\nNell Byline\nThe Courier\n${typed}`,
    );
    const emailed = await h.database.db
      .selectFrom('enquiry')
      .select('reference')
      .where('channel', '=', 'email')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    h.clock.set('2026-12-05T10:30:00Z');
    await h.twilio.call({
      from: phone,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 15, transcript: 'Nell from the Courier about the water main' } },
    });
    await h.jobs.settle();
    const called = await h.database.db
      .selectFrom('enquiry')
      .select('reference')
      .where('channel', '=', 'voice')
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();

    const page = (await desk.get(`/desk/enquiries/${called.reference}`)).body;
    const panel = text(page.slice(page.indexOf('id="duplicates-title"')));
    expect(panel).toContain('Possible duplicates');
    expect(panel).toContain(emailed.reference);
    expect(panel).toContain('same phone number');
    expect(page).toContain(`value="${emailed.reference}"`);

    // One click: the email's enquiry goes into the call's.
    await merge(called.reference, emailed.reference);
    expect((await row(emailed.reference)).merged_into).toBe((await row(called.reference)).id);
    expect(await kinds(called.reference)).toContain('email_in');
    // Merged, it is no longer suggested.
    const after = (await desk.get(`/desk/enquiries/${called.reference}`)).body;
    expect(after).not.toContain(`value="${emailed.reference}"`);
  });

  it('suggests an email and a call with nothing in common but the journalist record they are both on', async () => {
    const phone = newPhone();
    // Their record has the address and the mobile; the email carries no number at all.
    await desk.get('/desk/journalists/new');
    const added = await desk.post('/desk/journalists', {
      name: 'Rhys Penny',
      outlets: 'The Courier',
      phones: phone,
      emails: 'rhys.penny@courier.example',
      preferredChannel: '',
      pressCardCheckedOn: '',
    });
    expect(added.status, added.body.slice(0, 300)).toBe(303);
    const { reference: emailed } = await apiEnquiry({
      name: 'Rhys Penny',
      outlet: 'The Courier',
      email: 'Rhys.Penny@courier.example',
      subject: 'Council tax arrears figures',
      details: 'Could you send the latest figures?',
    });
    const { reference: texted } = await apiEnquiry({
      name: 'Rhys Penny',
      outlet: 'The Courier',
      phone,
      subject: 'Swimming pool reopening',
      details: 'When does it open?',
    });
    const page = (await desk.get(`/desk/enquiries/${texted}`)).body;
    const panel = text(page.slice(page.indexOf('id="duplicates-title"')));
    expect(panel).toContain(emailed);
    expect(panel).toContain('same journalist record');
    // Without the record, the two would have nothing in common.
    const other = newPhone();
    const { reference: stranger } = await apiEnquiry({
      name: 'Someone Else',
      outlet: 'The Courier',
      phone: other,
      subject: 'Bin collections',
      details: 'Are they late?',
    });
    const strangerPage = (await desk.get(`/desk/enquiries/${stranger}`)).body;
    expect(strangerPage).not.toContain(`value="${emailed}"`);
  });

  it('suggests a similar subject from another number, and nothing unrelated', async () => {
    const a = await apiEnquiry({ phone: newPhone(), subject: 'Lorry fire closes the Northern bypass' });
    const similar = await apiEnquiry({ phone: newPhone(), subject: 'Northern bypass closed after lorry fire?' });
    const unrelated = await apiEnquiry({ phone: newPhone(), subject: 'Library opening hours over Christmas' });
    const page = (await desk.get(`/desk/enquiries/${a.reference}`)).body;
    expect(page).toContain(`value="${similar.reference}"`);
    expect(page).not.toContain(`value="${unrelated.reference}"`);
    expect(text(page)).toMatch(/\d words of the subject in common/);
  });
});

describe('splitting a new question out of a thread', () => {
  it('gives the question its own reference, deadline and status link, moves its message, and tells the journalist', async () => {
    const phone = newPhone();
    const original = await texts(
      phone,
      'When does the ring road reopen?',
      'Separate question: is the mayor resigning?',
    );
    const form = await desk.get(`/desk/enquiries/${original}/split`);
    expect(form.status).toBe(200);
    expect(text(form.body)).toContain('is the mayor resigning?');
    const question = await h.database.db
      .selectFrom('enquiry_event')
      .select('id')
      .where('enquiry_id', '=', (await row(original)).id)
      .where('kind', '=', 'sms_in')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();

    // A subject is needed: refused, naming the field, with what was chosen kept.
    const refused = await desk.post(`/desk/enquiries/${original}/split`, {
      message: question.id,
      question: '',
      subject: '',
      deadline: '',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('id="subject-error"');
    expect(refused.body).toMatch(new RegExp(`value="${question.id}"[^>]*checked`));

    const res = await desk.post(`/desk/enquiries/${original}/split`, {
      message: question.id,
      question: '',
      subject: 'Is the mayor resigning?',
      deadline: '2026-12-02T17:00',
    });
    expect(res.status).toBe(303);
    const created = redirectedTo(res.location);
    expect(created).not.toBe(original);
    expect(text((await desk.get(res.location!)).body)).toContain(
      `New enquiry split out of ${original}; the journalist was told its reference by SMS`,
    );
    const fresh = await row(created);
    expect(fresh.phone).toBe(phone);
    expect(fresh.subject).toBe('Is the mayor resigning?');
    expect(fresh.details).toBe('Separate question: is the mayor resigning?');
    expect(fresh.deadline?.toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(fresh.respond_by).not.toBeNull();
    expect(fresh.status).toBe('new');

    // The message moved; the original keeps its first question.
    expect(await smsBodiesOn(created)).toEqual(['Separate question: is the mayor resigning?']);
    expect(await smsBodiesOn(original)).toEqual(['When does the ring road reopen?']);
    expect(await kinds(original)).toContain('split_out');
    expect(await kinds(created)).toEqual(expect.arrayContaining(['received', 'sms_in', 'split_from']));

    // Told by text, with the new reference and a working status link of the new enquiry.
    const told = (await sentTo(phone)).filter((m) => m.includes('separate enquiry'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(created);
    const link = /\/status\/([A-Za-z0-9_-]+)/.exec(told[0])?.[1];
    expect(link).toBeTruthy();
    const status = text(await (await h.app.request(`/status/${link}`)).text());
    expect(status).toContain(`Your enquiry ${created}`);

    // Audited on both.
    const audits = await h.database.db
      .selectFrom('audit_log')
      .select('enquiry_id')
      .where('action', '=', 'enquiry.split')
      .where('enquiry_id', 'in', [fresh.id, (await row(original)).id])
      .execute();
    expect(audits).toHaveLength(2);
  });

  it('takes a question typed by the officer when no message asks it, with the office target when no deadline', async () => {
    const a = await apiEnquiry({ email: 'sam.scribe@gazette.example', phone: newPhone() });
    const res = await desk.post(`/desk/enquiries/${a.reference}/split`, {
      message: '',
      question: 'Asked on the phone: what will the repairs cost?',
      subject: 'Cost of the repairs',
      deadline: '',
    });
    expect(res.status).toBe(303);
    const fresh = await row(redirectedTo(res.location));
    expect(fresh.details).toBe('Asked on the phone: what will the repairs cost?');
    expect(fresh.deadline).toBeNull();
    expect(fresh.respond_by).not.toBeNull();
    const none = await desk.post(`/desk/enquiries/${a.reference}/split`, {
      message: '',
      question: '',
      subject: 'Something',
      deadline: '',
    });
    expect(none.status).toBe(422);
    expect(none.body).toContain('id="message-error"');
  });
});

describe('erasure after a merge', () => {
  it("erasing B's journalist erases what was merged from B into another journalist's A, and leaves A's", async () => {
    const mine = newPhone();
    const theirs = newPhone();
    const a = await apiEnquiry({ phone: theirs, name: 'Other Writer', subject: 'Gas leak on Mill Lane' });
    const b = await texts(mine, 'Gas leak on Mill Lane: marmalade heron evacuated?');
    await merge(a.reference, b);
    expect(await smsBodiesOn(a.reference)).toHaveLength(1);

    await h.services.privacy.erase({ phone: mine, email: null }, SYSTEM);

    const aEvents = await h.database.db
      .selectFrom('enquiry_event')
      .select('data')
      .where('enquiry_id', '=', (await row(a.reference)).id)
      .execute();
    expect(JSON.stringify(aEvents)).not.toContain('marmalade heron');
    expect(await smsBodiesOn(a.reference)).toEqual([]);
    const all = await h.database.db.selectFrom('sms_inbound').select('body').where('from_number', '=', mine).execute();
    expect(JSON.stringify(all)).not.toContain('marmalade heron');
    expect((await row(a.reference)).name).toBe('Other Writer');
    // The merge is released: it can no longer be undone.
    const m = await h.database.db
      .selectFrom('enquiry_merge')
      .select('released_at')
      .where('from_id', '=', (await row(b)).id)
      .executeTakeFirstOrThrow();
    expect(m.released_at).not.toBeNull();
  });
});

/** A status link for an enquiry that has none the test can read (texts carry theirs only once sent). */
async function apiLinkFor(reference: string): Promise<string> {
  const { mintStatusLink } = await import('../../src/enquiries/status-link.js');
  return mintStatusLink(h.database.db, (await row(reference)).id, h.clock.now());
}

/** Enquiries received this week, as the reports count them. */
async function receivedCount(): Promise<number> {
  const r = await received(h.database.db, {
    from: new Date('2026-11-30T00:00:00Z'),
    to: new Date('2026-12-07T00:00:00Z'),
    timezone: 'Europe/London',
    assignedTo: null,
    fallbackNumber: '',
    now: h.clock.now(),
  });
  return r.totals.reduce((n, t) => n + t.n, 0);
}

let uid = 0;
/** An email read from the shared mailbox. */
async function emailFrom(from: string, subject: string, body: string) {
  uid += 1;
  const raw = await composeTo(OFFICE, {
    from,
    subject,
    text: body,
    messageId: `<m${uid}.${Date.now()}@courier.example>`,
  });
  const mail = await parseEmail(raw, { maxAttachmentBytes: 1_000_000, maxMessageBytes: 5_000_000 });
  return h.services.emailIntake.receive({ mailbox: 'INBOX', uidValidity: '1', uid }, mail);
}
