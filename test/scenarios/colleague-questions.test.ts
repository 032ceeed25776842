/**
 * Issue 26, item 2: asking colleagues outside the desk. An officer asks a colleague from the
 * directory a question about an enquiry, by text; the colleague answers by replying to the text or
 * on their own link; the answer lands on the timeline as internal and never on the journalist's
 * status page, which only says the facts are being checked. At the due time whoever has not
 * answered is reminded and the queue says the answer is overdue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { eventsOf } from '../support/timeline.js';

// Tuesday 8 December 2026, 10:00 in London (GMT): the office is open.
const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const JOURNALIST = '+447911123456';
const KHAN = '+447911200001';
const OKAFOR = '+447911200002';
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };

let h: Harness;
afterEach(async () => h?.close());

async function start(): Promise<DeskClient> {
  h = await startHarness({ now: TUESDAY_10AM, jobs: true, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...OFFICER, role: 'officer' }, { userId: null, email: 'test' });
  return loginAs(h, OFFICER.email, OFFICER.password);
}

/** A colleague in the directory (as a manager would have added them); returns their id. */
async function colleague(name: string, role: string, mobile: string | null, email: string | null = null) {
  const now = h.clock.now();
  const row = await h.database.db
    .insertInto('colleague')
    .values({ name, role, department: 'CID', mobile, email, usual_hours: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A journalist's enquiry by the API, deadline 15:30 today; returns its reference and status link. */
async function enquiry(): Promise<{ reference: string; statusPath: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Arrest in Northfield',
    details: 'Has the man arrested last night been charged?',
    deadline: '2026-12-08T15:30',
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  return { reference: body.reference, statusPath: new URL(body.statusUrl).pathname };
}

/** Texts the fake Twilio accepted for `to`, after the queued jobs ran. */
async function textsTo(to: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === to).map((m) => m.body ?? '');
}

describe('asking a colleague by text', () => {
  it('sends the question, shows who the desk is waiting on, and takes the answer from a reply without making an enquiry of it', async () => {
    const otto = await start();
    const khan = await colleague('Insp. Ali Khan', 'Investigating officer', KHAN);
    const { reference, statusPath } = await enquiry();

    // Arrange done; act: the officer asks, leaving the due time as suggested.
    const page = await otto.get(`/desk/enquiries/${reference}`);
    expect(page.body).toContain('Questions to colleagues');
    // Suggested: an hour before respond-by (14:00: the office's target for an urgent enquiry, before the 15:30 deadline).
    expect(page.body).toContain('value="2026-12-08T13:00"');
    const asked = await otto.post(`/desk/enquiries/${reference}/questions`, {
      colleagues: [khan],
      via: 'sms',
      question: 'Has the man arrested last night been charged, and with what?',
      due: '2026-12-08T14:30',
    });
    expect(asked.status).toBe(303);
    const after = await otto.get(asked.location!);
    expect(decodeEntities(after.body)).toContain(
      'Question sent to Insp. Ali Khan (Investigating officer); answer wanted by',
    );

    // Expect a text to the colleague: the reference, the due time, the question, a working link.
    const [text] = await textsTo(KHAN);
    expect(text).toContain(reference);
    expect(text).toContain('14:30');
    expect(text).toContain('Has the man arrested last night been charged, and with what?');
    const link = /https:\/\/press\.example\.org(\/q\/[A-Za-z0-9_-]{22})/.exec(text);
    expect(link, text).not.toBeNull();
    // Stored without the working link (only its hash is kept).
    const stored = await h.database.db.selectFrom('outbound_message').select('content').execute();
    expect(stored.map((m) => m.content).join('\n')).not.toContain(link![1]);

    // The queue says whom the desk waits on and until when.
    const queue = decodeEntities((await otto.get('/desk')).body);
    expect(queue).toMatch(/Waiting on Insp\. Ali Khan \(Investigating officer\), due .*14:30/);

    // The journalist's page says the facts are being checked, and names nobody.
    const status = decodeEntities(await (await h.app.request(statusPath)).text());
    expect(status).toContain('We are checking the facts');
    expect(status).not.toContain('Khan');

    // The colleague replies to the text.
    const reply = await h.sms(KHAN, 'Yes: charged at 11:00 with burglary, in court tomorrow.');
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain(`thank you, we have your answer about ${reference}`);

    // On the timeline as internal; not an enquiry of its own; not on the journalist's page.
    const answered = await eventsOf(h.database.db, reference, 'question_answered');
    expect(answered.map((e) => e.data)).toEqual([
      expect.objectContaining({
        from: 'Insp. Ali Khan (Investigating officer)',
        via: 'sms',
        text: expect.stringContaining('burglary'),
      }),
    ]);
    const enquiries = await h.database.db.selectFrom('enquiry').select('reference').execute();
    expect(enquiries.map((e) => e.reference)).toEqual([reference]);
    const later = decodeEntities(await (await h.app.request(statusPath)).text());
    expect(later).not.toContain('burglary');
    expect(later).not.toContain('We are checking the facts');
    const enquiryPage = decodeEntities((await otto.get(`/desk/enquiries/${reference}`)).body);
    expect(enquiryPage).toContain('charged at 11:00 with burglary');
    expect(decodeEntities((await otto.get('/desk')).body)).not.toContain('Waiting on Insp. Ali Khan');
  });

  it('refuses a question to nobody, or by text to someone with no mobile, naming the field', async () => {
    const otto = await start();
    const byEmailOnly = await colleague('Dr Mary Jones', 'Head of service', null, 'mary.jones@council.example');
    const { reference } = await enquiry();

    const nobody = await otto.post(`/desk/enquiries/${reference}/questions`, {
      via: 'sms',
      question: 'Any news?',
      due: '',
    });
    expect(nobody.status).toBe(422);
    expect(fieldError(nobody.body, 'ask-colleagues')).toBe('Choose at least one colleague to ask');

    const noMobile = await otto.post(`/desk/enquiries/${reference}/questions`, {
      colleagues: [byEmailOnly],
      via: 'sms',
      question: 'Any news?',
      due: '',
    });
    expect(noMobile.status).toBe(422);
    expect(fieldError(noMobile.body, 'ask-via')).toContain('Dr Mary Jones has no mobile Press Desk can text');
    // The question typed is kept.
    expect(noMobile.body).toContain('Any news?</textarea>');
    expect(await h.database.db.selectFrom('colleague_question').select('id').execute()).toEqual([]);
  });
});

describe("a colleague's erasure", () => {
  it('takes their name (with their role) from the questions and their timeline entries; their answer stays', async () => {
    await start();
    const khan = await colleague('Insp. Ali Khan', 'SIO', KHAN);
    const okafor = await colleague('Sgt Ngozi Okafor', 'Custody', OKAFOR);
    const { reference } = await enquiry();
    await h.services.questions.ask(
      reference,
      { colleagueIds: [khan, okafor], via: 'sms', question: 'Charged?', due: '' },
      { userId: null, email: 'test' },
    );
    await textsTo(KHAN);
    await h.sms(KHAN, 'Yes, burglary.');

    await h.services.colleagues.erase(khan, { userId: null, email: 'test' });

    const [asked] = await eventsOf(h.database.db, reference, 'question_asked');
    expect(asked.data.to).toEqual([
      { name: '[erased]', via: 'sms' },
      { name: 'Sgt Ngozi Okafor (Custody)', via: 'sms' },
    ]);
    const [answered] = await eventsOf(h.database.db, reference, 'question_answered');
    expect(answered.data).toMatchObject({ from: '[erased]', text: 'Yes, burglary.' });
  });
});

describe('the text to a colleague at its worst size', () => {
  it('fits what Twilio accepts with the longest question and office name, cutting only the question', async () => {
    h = await startHarness({
      now: TUESDAY_10AM,
      jobs: true,
      config: { intake: { rateLimit: null }, office: { name: 'N'.repeat(100) } },
    });
    await h.services.users.create({ ...OFFICER, role: 'officer' }, { userId: null, email: 'test' });
    const khan = await colleague('Insp. Ali Khan', 'SIO', KHAN);
    const { reference } = await enquiry();
    // 1,200 characters that each take two places in a GSM text: the most the question box takes.
    await h.services.questions.ask(
      reference,
      { colleagueIds: [khan], via: 'sms', question: '€'.repeat(1200), due: '' },
      { userId: null, email: 'test' },
    );
    const [text] = await textsTo(KHAN);
    // The fake Twilio refuses a body over 1,600 characters, as Twilio does: it was accepted.
    expect(text.length).toBeLessThanOrEqual(1600);
    expect(text).toMatch(
      /€…\n\nAnswer here: https:\/\/press\.example\.org\/q\/[A-Za-z0-9_-]{22} or reply to this text \(code \d{4}\)\.$/,
    );
  });
});

describe('the due time and the answer link', () => {
  it('reminds whoever has not answered at the due time, marks it overdue, and takes an answer on the link', async () => {
    let otto = await start();
    const khan = await colleague('Insp. Ali Khan', 'SIO', KHAN);
    const okafor = await colleague('Sgt Ngozi Okafor', 'Custody', OKAFOR);
    const { reference } = await enquiry();
    const asked = await otto.post(`/desk/enquiries/${reference}/questions`, {
      colleagues: [khan, okafor],
      via: 'sms',
      question: 'Is he still in custody?',
      due: '2026-12-08T12:00',
    });
    expect(asked.status).toBe(303);
    const [toOkafor] = await textsTo(OKAFOR);
    const link = /https:\/\/press\.example\.org(\/q\/[A-Za-z0-9_-]{22})/.exec(toOkafor)![1];

    // Okafor answers on the link before the due time.
    const form = await h.app.request(link);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('Is he still in custody?');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const empty = await h.postForm(link, { _csrf: csrf, answer: '   ' });
    expect(empty.status).toBe(422);
    expect(fieldError(await empty.text(), 'answer')).toBe('Enter your answer');
    const sent = await h.postForm(link, { _csrf: csrf, answer: 'Yes, until court tomorrow at 10.' });
    expect(sent.status).toBe(303);
    expect(decodeEntities(await (await h.app.request(sent.headers.get('location')!)).text())).toContain(
      'the press office has your answer',
    );

    // Still waiting on Khan.
    expect(decodeEntities((await otto.get('/desk')).body)).toMatch(/Waiting on Insp\. Ali Khan \(SIO\), due/);

    // Advance the clock to the due time: Khan is reminded, Okafor is not, and the desk is warned.
    h.clock.set('2026-12-08T12:00:30Z');
    await h.jobs.settle();
    const toKhan = await textsTo(KHAN);
    expect(toKhan).toHaveLength(2);
    expect(toKhan[1]).toContain(`reminder, we still need your answer about media enquiry ${reference}`);
    expect(await textsTo(OKAFOR)).toHaveLength(1);
    expect(await eventsOf(h.database.db, reference, 'question_overdue')).toHaveLength(1);
    // Two hours on, the officer signs in again (the desk's idle time-out) and sees it marked.
    otto = await loginAs(h, OFFICER.email, OFFICER.password);
    expect(decodeEntities((await otto.get('/desk')).body)).toContain('Answer overdue');

    // The officer stops waiting: the queue marker goes, and Khan's link says no answer is needed.
    const q = await h.database.db.selectFrom('colleague_question').select('id').executeTakeFirstOrThrow();
    const closed = await otto.post(`/desk/enquiries/${reference}/questions/${q.id}/close`, { how: 'withdrawn' });
    expect(closed.status).toBe(303);
    expect(decodeEntities((await otto.get('/desk')).body)).not.toContain('Waiting on Insp.');
    const khanLink = /https:\/\/press\.example\.org(\/q\/[A-Za-z0-9_-]{22})/.exec(toKhan[1])![1];
    expect(decodeEntities(await (await h.app.request(khanLink)).text())).toContain('withdrew this question');
    // A text from Khan now is told so, and makes no enquiry.
    expect(await (await h.sms(KHAN, 'He was released')).text()).toContain('no answer is needed');
    expect(await h.database.db.selectFrom('enquiry').select('id').execute()).toHaveLength(1);
  });

  it('stops every answer link once the enquiry is closed', async () => {
    const otto = await start();
    const khan = await colleague('Insp. Ali Khan', 'SIO', KHAN);
    const { reference } = await enquiry();
    await otto.post(`/desk/enquiries/${reference}/questions`, {
      colleagues: [khan],
      via: 'sms',
      question: 'Charged?',
      due: '',
    });
    const [text] = await textsTo(KHAN);
    const link = /https:\/\/press\.example\.org(\/q\/[A-Za-z0-9_-]{22})/.exec(text)![1];
    expect((await h.app.request(link)).status).toBe(200);
    expect((await otto.post(`/desk/enquiries/${reference}/status`, { status: 'closed' })).status).toBe(303);
    expect((await h.app.request(link)).status).toBe(404);
    expect((await h.app.request('/q/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
  });
});

describe('asking from the on-call link, out of hours', () => {
  it('lets the on-call officer ask two colleagues from the page link; each gets a text, and a refused form keeps what was typed', async () => {
    // Christmas Eve 18:00: the office is closed; the urgent enquiry pages on-call.
    const ON_CALL = '+447911200009';
    h = await startHarness({
      now: '2026-12-24T18:00:00Z',
      jobs: true,
      config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null } },
    });
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });
    const khan = await colleague('Insp. Ali Khan', 'Duty inspector', KHAN);
    const okafor = await colleague('Sgt Ngozi Okafor', 'Custody', OKAFOR);
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Fire at the depot',
      details: 'How many crews are there?',
      urgent: true,
    });
    const { reference } = (await res.json()) as { reference: string };
    const [page] = await textsTo(ON_CALL);
    const path = /\/m\/[A-Za-z0-9_-]{22}/.exec(page)![0];

    const view = await (await h.app.request(path)).text();
    expect(view).toContain('Questions to colleagues');
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(view)![1];
    const form = (extra: Array<[string, string]>) =>
      h.app.request(`${path}/questions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([
          ['_csrf', field('_csrf')],
          ['reference', reference],
          ['key', field('key')],
          ...extra,
        ]).toString(),
      });

    const refused = await form([
      ['via', 'sms'],
      ['question', 'How many appliances are at the depot fire?'],
      ['due', ''],
    ]);
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(fieldError(refusedHtml, 'ask-colleagues')).toBe('Choose at least one colleague to ask');
    expect(refusedHtml).toContain('How many appliances are at the depot fire?</textarea>');

    const asked = await form([
      ['colleagues', khan],
      ['colleagues', okafor],
      ['via', 'sms'],
      ['question', 'How many appliances are at the depot fire?'],
      ['due', ''],
    ]);
    expect(asked.status).toBe(303);
    expect(await textsTo(KHAN)).toEqual([expect.stringContaining('How many appliances are at the depot fire?')]);
    expect(await textsTo(OKAFOR)).toEqual([expect.stringContaining(reference)]);
    const [asked1] = await eventsOf(h.database.db, reference, 'question_asked');
    expect(asked1.actor).toBe('Olu On-Call');
  });
});
