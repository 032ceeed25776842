/**
 * Issue 26, item 1: colleagues outside the desk. Managers keep a small directory of the people
 * press officers ask for facts (an investigating officer, a duty inspector, a service head): name,
 * role, department, mobile, email, usual hours. They never sign in; their data is exported on
 * request, erased on request, and erased by retention once they have been deactivated long enough,
 * and neither the audit log nor the worker's log names them.
 */
import type { JobHelpers } from 'graphile-worker';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryTasks } from '../../src/colleagues/colleagues.tasks.js';
import { NO_CONTACT } from '../../src/colleagues/directory.forms.js';
import { describeHours, hoursChoiceOf } from '../../src/colleagues/directory.service.js';
import { insertAnswer, insertQuestion, insertRecipient } from '../../src/colleagues/questions.repository.js';
import { ERASED } from '../../src/db/erased.js';
import { CRONTAB } from '../../src/tasks.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { decodeEntities, fieldError, inputValue, loginAs, type DeskClient } from '../support/desk-client.js';
import { apiEnquiry } from '../support/enquiry.js';
import { startHarness, type Harness } from '../support/harness.js';

// Friday 3 July 2026, 12:00 in London (BST).
const FRIDAY_NOON_BST = '2026-07-03T11:00:00Z';
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const SIO = {
  name: 'Dana Reyes',
  role: 'Detective Inspector',
  department: 'Major Crime',
  mobile: '07911 123456',
  e164: '+447911123456',
  email: 'Dana.Reyes@police.example',
};

let h: Harness;
afterEach(async () => h?.close());

async function start(opts: { log?: Logger } = {}) {
  h = await startHarness({ now: FRIDAY_NOON_BST, log: opts.log });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  return loginAs(h, MANAGER.email, MANAGER.password);
}

/** The add form as a manager fills it in: the SIO, Monday to Friday 08:00 to 16:00. */
function sioForm(fields: Record<string, string> = {}) {
  return {
    name: SIO.name,
    role: SIO.role,
    department: SIO.department,
    mobile: SIO.mobile,
    email: SIO.email,
    hours: 'weekdays',
    from: '08:00',
    to: '16:00',
    ...fields,
  };
}

/** Text of a page with tags removed and entities decoded, whitespace collapsed: what a reader sees. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** The directory's rows as a reader sees them. */
function rows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => text(m[1]).trim());
}

/** Adds a colleague through the page; returns their id. */
async function add(mona: DeskClient, fields: Record<string, string>): Promise<string> {
  const res = await mona.post('/desk/colleagues', fields);
  expect(res.status, res.body.slice(0, 2000)).toBe(303);
  const row = await h.database.db
    .selectFrom('colleague')
    .select('id')
    .where('name', '=', fields.name)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function colleagueRow(id: string) {
  return h.database.db.selectFrom('colleague').selectAll().where('id', '=', id).executeTakeFirst();
}

async function auditOf(prefix: string) {
  const all = await h.database.db
    .selectFrom('audit_log')
    .select(['action', 'user_email', 'detail'])
    .orderBy('id')
    .execute();
  return all.filter((a) => a.action.startsWith(prefix));
}

/** Every way the SIO's personal data could appear in a text (the audit detail, a log line). */
function mentionsSio(s: string): string[] {
  return ['7911123456', '7911 123456', SIO.email.toLowerCase(), 'Dana', 'Reyes'].filter((x) =>
    s.toLowerCase().includes(x.toLowerCase()),
  );
}

describe('the colleagues directory', () => {
  it('a manager adds a colleague: the mobile is stored E.164, the page lists them with their hours, the audit names no contact', async () => {
    const mona = await start();
    const page = await mona.get('/desk/colleagues');
    expect(page.status).toBe(200);
    expect(text(page.body)).toContain('Nobody yet');
    // The header names the section, and marks it as the current page.
    expect(page.body).toContain('<a href="/desk/colleagues" aria-current="page">Colleagues</a>');

    const res = await mona.post('/desk/colleagues', sioForm());
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk/colleagues?done=added');
    const [stored] = await h.database.db.selectFrom('colleague').selectAll().execute();
    expect(stored).toMatchObject({
      name: SIO.name,
      role: SIO.role,
      department: SIO.department,
      mobile: SIO.e164,
      email: SIO.email,
      active: true,
      usual_hours: {
        mon: [['08:00', '16:00']],
        tue: [['08:00', '16:00']],
        wed: [['08:00', '16:00']],
        thu: [['08:00', '16:00']],
        fri: [['08:00', '16:00']],
        sat: [],
        sun: [],
      },
    });

    const list = await mona.get(res.location!);
    expect(text(list.body)).toContain('The colleague has been added.');
    expect(rows(list.body)).toEqual([
      `${SIO.name} ${SIO.role}, ${SIO.department} 07911 123456 ${SIO.email} Mon–Fri 08:00–16:00 Active`,
    ]);
    expect(list.body).toContain(`<a href="/desk/colleagues/${stored.id}">${SIO.name}</a>`);
    // The notice comes from a fixed key only.
    expect(text((await mona.get('/desk/colleagues?done=<b>pwned</b>')).body)).not.toContain('pwned');

    const audit = await auditOf('colleague.');
    expect(audit).toEqual([
      { action: 'colleague.added', user_email: MANAGER.email, detail: { colleagueId: stored.id } },
    ]);
    expect(mentionsSio(JSON.stringify(audit))).toEqual([]);
  });

  it('stores the office hours as a copy of the office’s week and "any time" as none, each described so', async () => {
    const mona = await start();
    const office = await add(mona, {
      name: 'Sam Head',
      role: 'Head of Highways',
      email: 'sam@council.example',
      hours: 'office',
    });
    const any = await add(mona, { name: 'Duty Inspector', mobile: '07911 123457', hours: 'any' });
    expect((await colleagueRow(office))?.usual_hours).toEqual(h.config.office.hours);
    expect((await colleagueRow(any))?.usual_hours).toBeNull();
    const list = await mona.get('/desk/colleagues');
    expect(rows(list.body)).toEqual([
      'Duty Inspector — 07911 123457 — Any time Active',
      'Sam Head Head of Highways — sam@council.example Office hours Active',
    ]);
  });

  it('refuses the directory to an officer with 403, reading or writing, and stores nothing', async () => {
    await start();
    const otto = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await otto.get('/desk/colleagues')).status).toBe(403);
    expect((await otto.post('/desk/colleagues', sioForm())).status).toBe(403);
    const id = await h.services.colleagues.add(sioForm(), TEST);
    for (const path of ['', '/export.json', '/erase'])
      expect((await otto.get(`/desk/colleagues/${id.id}${path}`)).status).toBe(403);
    for (const path of ['', '/deactivate', '/erase'])
      expect((await otto.post(`/desk/colleagues/${id.id}${path}`, sioForm({ name: 'Changed' }))).status).toBe(403);
    expect(await h.database.db.selectFrom('colleague').select(['name', 'active']).execute()).toEqual([
      { name: SIO.name, active: true },
    ]);
    // Officers are not shown the section.
    expect((await otto.get('/desk')).body).not.toContain('href="/desk/colleagues"');
  });

  it('without a mobile or an email: 422, the message beside both fields and in the summary, what was typed kept', async () => {
    const mona = await start();
    const res = await mona.post('/desk/colleagues', sioForm({ mobile: '', email: '  ' }));
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'colleague-mobile')).toBe(NO_CONTACT);
    expect(fieldError(res.body, 'colleague-email')).toBe(NO_CONTACT);
    expect(NO_CONTACT).toBe('Give a mobile or an email address, so questions can reach them');
    // The summary links to the field; the field is there to land on.
    expect(res.body).toContain(`<a href="#colleague-mobile">${NO_CONTACT}</a>`);
    expect(res.body).toMatch(/<input[^>]*id="colleague-mobile"/);
    expect(res.body).toContain('<title>Error: Colleagues');
    expect(inputValue(res.body, 'colleague-name')).toBe(SIO.name);
    expect(inputValue(res.body, 'colleague-role')).toBe(SIO.role);
    expect(inputValue(res.body, 'colleague-from')).toBe('08:00');
    expect(res.body).toMatch(/id="colleague-hours-weekdays" name="hours" value="weekdays" checked=""/);
    expect(await h.database.db.selectFrom('colleague').select('id').execute()).toEqual([]);
  });

  it('checks each field with a message a manager understands', async () => {
    const mona = await start();
    let res = await mona.post(
      '/desk/colleagues',
      sioForm({
        name: ' ',
        role: 'x'.repeat(101),
        mobile: '0300 123 4567',
        email: 'dana@police',
        from: '17:00',
        to: '09:00',
      }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'colleague-name')).toBe('Enter their name');
    expect(fieldError(res.body, 'colleague-role')).toBe('Keep it to 100 characters or fewer');
    expect(fieldError(res.body, 'colleague-mobile')).toBe(
      'This number cannot take texts (it looks like a landline): give a mobile number, or only an email address',
    );
    expect(fieldError(res.body, 'colleague-email')).toBe('Enter one email address, like jo.smith@police.example');
    expect(fieldError(res.body, 'colleague-to')).toBe('The finish time must be after the start time');
    res = await mona.post('/desk/colleagues', sioForm({ mobile: '+33 6 12 34 56 78', hours: '', from: '', to: '' }));
    expect(fieldError(res.body, 'colleague-mobile')).toBe(
      'Press Desk only texts numbers in the United Kingdom: give a mobile number there, or only an email address',
    );
    expect(fieldError(res.body, 'colleague-hours')).toBe('Choose when they can usually be reached');
    res = await mona.post('/desk/colleagues', sioForm({ from: '', to: '16:00' }));
    expect(fieldError(res.body, 'colleague-from')).toBe('Enter the time they usually start, like 08:00');
    // Times are asked for only when the hours are "weekdays".
    expect((await mona.post('/desk/colleagues', sioForm({ hours: 'any', from: 'x', to: '' }))).status).toBe(303);
    // Until midnight, as the office's own hours may say.
    const late = { name: 'Late Shift', mobile: '07911 123461', email: '', from: '18:00', to: '24:00' };
    expect((await mona.post('/desk/colleagues', sioForm(late))).status).toBe(303);
    expect(await h.database.db.selectFrom('colleague').select('usual_hours').orderBy('id').execute()).toEqual([
      { usual_hours: null },
      { usual_hours: expect.objectContaining({ fri: [['18:00', '24:00']], sat: [] }) },
    ]);
  });

  it('a mobile or email an active colleague has: 422 naming them, never a 500; a deactivated one’s are free', async () => {
    const mona = await start();
    const dana = await add(mona, sioForm());
    let res = await mona.post('/desk/colleagues', sioForm({ name: 'Sam Other', email: 'sam@police.example' }));
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'colleague-mobile')).toBe(
      `${SIO.name} (${SIO.role}, ${SIO.department}) already has this mobile number`,
    );
    expect(fieldError(res.body, 'colleague-email')).toBeNull();
    // Email addresses are the same in any case.
    res = await mona.post(
      '/desk/colleagues',
      sioForm({ name: 'Sam Other', mobile: '', email: SIO.email.toUpperCase() }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'colleague-email')).toBe(
      `${SIO.name} (${SIO.role}, ${SIO.department}) already has this email address`,
    );
    expect(inputValue(res.body, 'colleague-name')).toBe('Sam Other');

    // Once Dana is deactivated, her number may be someone else's; she cannot come back while it is.
    expect((await mona.post(`/desk/colleagues/${dana}/deactivate`)).status).toBe(303);
    const sam = await add(mona, sioForm({ name: 'Sam Other', email: 'sam@police.example' }));
    res = await mona.post(`/desk/colleagues/${dana}/reactivate`);
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'colleague-active')).toBe(
      `Sam Other (${SIO.role}, ${SIO.department}) now has this colleague’s mobile number: change theirs first`,
    );
    expect(res.body).toContain(`<a href="#colleague-active">`);
    expect((await colleagueRow(dana))?.active).toBe(false);
    expect((await colleagueRow(sam))?.mobile).toBe(SIO.e164);

    // Two managers adding one new number at once: whichever loses (at the check, or at the
    // database's unique index) is told who has it, never a 500.
    const both = await Promise.allSettled(
      ['Kit One', 'Kit Two'].map((name) =>
        h.services.colleagues.add(sioForm({ name, mobile: '07911 123462', email: '' }), TEST),
      ),
    );
    const won = both.filter((r) => r.status === 'fulfilled');
    const lost = both.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ name: string }>).value.name;
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'validation',
      details: { fields: { mobile: `${winner} (${SIO.role}, ${SIO.department}) already has this mobile number` } },
    });
  });

  it('a manager edits a colleague, deactivates and reactivates them; the audit names the fields changed, not their values', async () => {
    const mona = await start();
    const id = await add(mona, sioForm());
    let page = await mona.get(`/desk/colleagues/${id}`);
    expect(page.status).toBe(200);
    // The form is filled in as stored: the mobile as dialled, the hours' choice and times.
    expect(inputValue(page.body, 'colleague-mobile')).toBe('07911 123456');
    expect(inputValue(page.body, 'colleague-from')).toBe('08:00');
    expect(inputValue(page.body, 'colleague-to')).toBe('16:00');
    expect(page.body).toMatch(/id="colleague-hours-weekdays" name="hours" value="weekdays" checked=""/);

    // Saved as it was: nothing changes, nothing is audited.
    let res = await mona.post(`/desk/colleagues/${id}`, sioForm());
    expect(res.status).toBe(303);
    expect((await auditOf('colleague.')).map((a) => a.action)).toEqual(['colleague.added']);

    res = await mona.post(`/desk/colleagues/${id}`, sioForm({ mobile: '', email: '' }));
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'colleague-mobile')).toBe(NO_CONTACT);
    expect((await colleagueRow(id))?.mobile).toBe(SIO.e164);

    res = await mona.post(
      `/desk/colleagues/${id}`,
      sioForm({ role: 'Detective Chief Inspector', mobile: '07911 123460', hours: 'any' }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/desk/colleagues/${id}?done=updated`);
    expect(await colleagueRow(id)).toMatchObject({
      role: 'Detective Chief Inspector',
      mobile: '+447911123460',
      usual_hours: null,
    });
    page = await mona.get(res.location!);
    expect(text(page.body)).toContain('Changes saved.');
    expect(text(page.body)).toContain('Usual hours Any time');

    expect((await mona.post(`/desk/colleagues/${id}/deactivate`)).location).toBe(
      `/desk/colleagues/${id}?done=deactivated`,
    );
    expect((await colleagueRow(id))?.active).toBe(false);
    expect(await h.services.colleagues.active()).toEqual([]);
    const list = await mona.get('/desk/colleagues');
    expect(rows(list.body)[0]).toMatch(/Deactivated$/);
    page = await mona.get(`/desk/colleagues/${id}`);
    expect(page.body).toContain(`action="/desk/colleagues/${id}/reactivate"`);
    expect((await mona.post(`/desk/colleagues/${id}/reactivate`)).status).toBe(303);
    expect((await h.services.colleagues.active()).map((c) => c.id)).toEqual([id]);

    const audit = await auditOf('colleague.');
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ['colleague.added', { colleagueId: id }],
      ['colleague.updated', { colleagueId: id, changed: ['role', 'mobile', 'usual_hours'] }],
      ['colleague.deactivated', { colleagueId: id }],
      ['colleague.reactivated', { colleagueId: id }],
    ]);
    expect(mentionsSio(JSON.stringify(audit))).toEqual([]);
    // The audit page labels them.
    const log = text((await mona.get('/desk/audit')).body);
    expect(log).toContain('Changed a colleague in the directory');
    expect(log).toContain('Deactivated a colleague in the directory');
  });

  it('an unknown or malformed colleague id is a 404', async () => {
    const mona = await start();
    expect((await mona.get('/desk/colleagues/999')).status).toBe(404);
    expect((await mona.get('/desk/colleagues/nope')).status).toBe(404);
    expect((await mona.post('/desk/colleagues/999/erase')).status).toBe(404);
  });
});

describe('a colleague’s personal data', () => {
  /** Dana, asked one question about an enquiry, which she answered. */
  async function askedAndAnswered(mona: DeskClient) {
    const id = await add(mona, sioForm());
    const enquiry = await apiEnquiry(h, { email: 'ann@gazette.example' });
    const now = h.clock.now();
    const ids = await h.database.db.transaction().execute(async (tx) => {
      const questionId = await insertQuestion(tx, {
        enquiry_id: enquiry.id,
        asked_by: OFFICER.email,
        asked_at: now,
        text: 'Was anyone arrested?',
        due_at: new Date(now.getTime() + 3_600_000),
      });
      const recipientId = await insertRecipient(tx, {
        question_id: questionId,
        colleague_id: id,
        name: SIO.name,
        via: 'sms',
        address: SIO.e164,
        code: '1234',
      });
      await insertAnswer(tx, {
        question_id: questionId,
        recipient_id: recipientId,
        via: 'sms',
        text: 'Two people were arrested.',
        received_at: now,
      });
      return { questionId, recipientId };
    });
    return { id, enquiry, ...ids };
  }

  it('"Download what we hold" gives the directory row and the questions they were asked, and is audited', async () => {
    const mona = await start();
    const { id, enquiry } = await askedAndAnswered(mona);
    const page = await mona.get(`/desk/colleagues/${id}`);
    expect(page.body).toContain(`href="/desk/colleagues/${id}/export.json"`);
    expect(text(page.body)).toContain('Download what we hold (JSON)');
    const res = await mona.get(`/desk/colleagues/${id}/export.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="colleague-${id}.json"`);
    const data = JSON.parse(res.body);
    expect(data.colleague).toMatchObject({
      id,
      name: SIO.name,
      role: SIO.role,
      department: SIO.department,
      mobile: SIO.e164,
      email: SIO.email,
      usualHoursDescribed: 'Mon–Fri 08:00–16:00',
      active: true,
    });
    expect(data.colleague.usualHours.mon).toEqual([['08:00', '16:00']]);
    expect(data.questions).toEqual([
      expect.objectContaining({
        reference: enquiry.reference,
        question: 'Was anyone arrested?',
        askedAs: SIO.name,
        address: SIO.e164,
        answers: [expect.objectContaining({ via: 'sms', text: 'Two people were arrested.' })],
      }),
    ]);
    const audit = await auditOf('colleague.exported');
    expect(audit).toEqual([
      { action: 'colleague.exported', user_email: MANAGER.email, detail: { colleagueId: id, questions: 1 } },
    ]);
  });

  it('erasure asks to confirm, then removes the row; the questions forget them, their answer stays unsigned; the audit has no phone', async () => {
    const mona = await start();
    const { id, questionId, recipientId } = await askedAndAnswered(mona);
    const confirm = await mona.get(`/desk/colleagues/${id}/erase`);
    expect(confirm.status).toBe(200);
    expect(text(confirm.body)).toContain(`Erase ${SIO.name}? This cannot be undone.`);
    expect(confirm.body).toContain(`action="/desk/colleagues/${id}/erase"`);
    // Looking at the confirmation erases nothing.
    expect(await colleagueRow(id)).toBeDefined();

    const res = await mona.post(`/desk/colleagues/${id}/erase`);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk/colleagues?done=erased');
    expect(await colleagueRow(id)).toBeUndefined();
    const list = await mona.get(res.location!);
    expect(text(list.body)).toContain('The colleague has been erased.');
    expect(rows(list.body)).toEqual([]);
    expect((await mona.get(`/desk/colleagues/${id}`)).status).toBe(404);
    expect((await mona.get(`/desk/colleagues/${id}/export.json`)).status).toBe(404);

    const recipient = await h.database.db
      .selectFrom('question_recipient')
      .selectAll()
      .where('id', '=', recipientId)
      .executeTakeFirstOrThrow();
    expect(recipient).toMatchObject({ name: ERASED, address: ERASED, colleague_id: null });
    const answers = await h.database.db
      .selectFrom('question_answer')
      .select('text')
      .where('question_id', '=', questionId)
      .execute();
    expect(answers).toEqual([{ text: 'Two people were arrested.' }]);

    const audit = await auditOf('colleague.erased');
    expect(audit).toEqual([
      { action: 'colleague.erased', user_email: MANAGER.email, detail: { colleagueId: id, by: 'request' } },
    ]);
    const everything = JSON.stringify(await h.database.db.selectFrom('audit_log').select('detail').execute());
    expect(mentionsSio(everything)).toEqual([]);
    expect(text((await mona.get('/desk/audit')).body)).toContain('Erased a colleague from the directory');
  });

  it('retention erases a colleague deactivated longer ago than the retention period, and keeps a recent one and an active one', async () => {
    const mona = await start();
    const months = h.config.retention.monthsAfterClose;
    const long = await add(mona, sioForm());
    const recent = await add(mona, sioForm({ name: 'Sam Recent', mobile: '07911 123458', email: '' }));
    const active = await add(mona, sioForm({ name: 'Ash Active', mobile: '07911 123459', email: '' }));
    expect((await mona.post(`/desk/colleagues/${long}/deactivate`)).status).toBe(303);
    const deactivatedAt = h.clock.now();
    // A month later (the manager's session has long ended: as another manager would, through the service).
    h.clock.set(DateTime.fromJSDate(deactivatedAt).plus({ months: 1 }).toJSDate());
    await h.services.colleagues.deactivate(recent, TEST);

    const lines: string[] = [];
    const helpers = { logger: { info: (line: string) => void lines.push(line) } } as unknown as JobHelpers;
    const task = directoryTasks(h.services.colleagues).colleague_retention;
    if (!task) throw new Error('no colleague_retention task');

    // A second before the period is over: nothing goes.
    h.clock.set(DateTime.fromJSDate(deactivatedAt).plus({ months }).minus({ seconds: 1 }).toJSDate());
    await task({}, helpers);
    expect(await h.database.db.selectFrom('colleague').select('id').orderBy('id').execute()).toHaveLength(3);
    expect(lines).toEqual([]);

    h.clock.set(DateTime.fromJSDate(deactivatedAt).plus({ months, days: 1 }).toJSDate());
    await task({}, helpers);
    const left = await h.database.db.selectFrom('colleague').select(['id', 'active']).orderBy('id').execute();
    expect(left).toEqual([
      { id: recent, active: false },
      { id: active, active: true },
    ]);
    expect(lines).toEqual(['colleague retention: erased 1 colleague from the directory']);
    const cutoff = DateTime.fromJSDate(h.clock.now()).minus({ months });
    expect(await auditOf('colleague.erased')).toEqual([
      {
        action: 'colleague.erased',
        user_email: 'retention',
        detail: { colleagueId: long, by: 'retention', inactiveBefore: cutoff.toUTC().toISO() },
      },
    ]);
    // Idempotent: the next night erases nothing more and says nothing.
    await task({}, helpers);
    expect(lines).toHaveLength(1);
    // It runs every night, after the journalists' retention sweep.
    expect(CRONTAB.split('\n')).toContain('47 2 * * * colleague_retention ?max=1');
  });
});

describe('the log', () => {
  it('names no colleague: adding, a refusal, an edit, the download, the erasure and retention log neither their name nor how to reach them', async () => {
    const lines: string[] = [];
    const mona = await start({ log: createLogger('debug', { write: (line: string) => void lines.push(line) }) });
    const id = await add(mona, sioForm());
    expect((await mona.post('/desk/colleagues', sioForm({ name: 'Dana Reyes Two' }))).status).toBe(422);
    expect((await mona.post(`/desk/colleagues/${id}`, sioForm({ hours: 'any' }))).status).toBe(303);
    expect((await mona.get(`/desk/colleagues/${id}/export.json`)).status).toBe(200);
    const other = await add(mona, sioForm({ name: 'Dana Reyes', mobile: '07911 123463', email: '' }));
    expect((await mona.post(`/desk/colleagues/${other}/erase`)).status).toBe(303);
    expect((await mona.post(`/desk/colleagues/${id}/deactivate`)).status).toBe(303);
    h.clock.advance(400 * 24 * 3_600_000);
    const helpers = { logger: { info: (line: string) => void lines.push(line) } } as unknown as JobHelpers;
    await directoryTasks(h.services.colleagues).colleague_retention?.({}, helpers);
    expect(await h.database.db.selectFrom('colleague').select('id').execute()).toEqual([]);
    expect(lines.length).toBeGreaterThan(5);
    expect(mentionsSio(lines.join('\n'))).toEqual([]);
  });
});

describe('describing usual hours', () => {
  const office = loadConfig({}).office.hours;
  const weekdays = (from: string, to: string) => ({
    mon: [[from, to]] as Array<[string, string]>,
    tue: [[from, to]] as Array<[string, string]>,
    wed: [[from, to]] as Array<[string, string]>,
    thu: [[from, to]] as Array<[string, string]>,
    fri: [[from, to]] as Array<[string, string]>,
    sat: [],
    sun: [],
  });

  it('says any time, office hours, or the days and times', () => {
    expect(describeHours(null, office)).toBe('Any time');
    expect(describeHours(weekdays('09:00', '17:00'), office)).toBe('Office hours');
    expect(describeHours(weekdays('08:00', '16:00'), office)).toBe('Mon–Fri 08:00–16:00');
    expect(
      describeHours({ ...weekdays('09:00', '17:00'), fri: [['09:00', '16:30']], sat: [['10:00', '12:00']] }, office),
    ).toBe('Mon–Thu 09:00–17:00; Fri 09:00–16:30; Sat 10:00–12:00');
  });

  it('fills the edit form in again: any, office, weekdays with times, or keep what no choice says', () => {
    expect(hoursChoiceOf(null, office)).toEqual({ hours: 'any', from: '', to: '' });
    expect(hoursChoiceOf(weekdays('09:00', '17:00'), office)).toEqual({ hours: 'office', from: '', to: '' });
    expect(hoursChoiceOf(weekdays('08:00', '16:00'), office)).toEqual({
      hours: 'weekdays',
      from: '08:00',
      to: '16:00',
    });
    expect(hoursChoiceOf({ ...weekdays('09:00', '17:00'), sat: [['10:00', '12:00']] }, office)).toEqual({
      hours: 'keep',
      from: '',
      to: '',
    });
  });
});
