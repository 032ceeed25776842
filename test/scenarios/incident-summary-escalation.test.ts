/**
 * Issue 27, item 8: an incident summary that never reaches on-call escalates like a page. Out of
 * hours, once on-call has the story, its later urgent enquiries go into one summary text instead
 * of a page each (issue 18). When Twilio refuses that text for good, or reports it undelivered,
 * the enquiries it counted are paged instead, past the text: the on-call officer is called, then
 * the next person, then the out-of-hours line, exactly once however often the refusal is
 * reported, and an acknowledgement stops it as it stops any page. A summary that arrives changes
 * nothing. Each enquiry's record says what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import type { FakeTwilioRecord } from '../support/fake-twilio.js';
import { startHarness, type Harness } from '../support/harness.js';
import { nightRota } from '../support/rota.js';
import { eventsOf } from '../support/timeline.js';

// Christmas Eve 2026, 22:00 (London is on UTC in December): the office is closed until Tuesday.
const CHRISTMAS_EVE_10PM = '2026-12-24T22:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
// The shipped onCall.fallbackNumber: an 03 number, which takes no texts (its steps call only).
const FALLBACK = '+443001234567';
const MANAGER = { userId: null, email: 'manager@press.example.org' };
const DESK_MANAGER = { email: 'mona.manager@press.example', password: 'correct horse battery 1' };

let h: Harness;
afterEach(async () => h?.close());

let journalists = 0;
/** A journalist's own mobile, one per enquiry (so texts do not thread into one enquiry). */
function journalistPhone(): string {
  journalists += 1;
  return `+4479111236${String(journalists).padStart(2, '0')}`;
}

/** An urgent enquiry by the API about `subject`; returns its reference and whether it paged. */
async function urgentEnquiry(subject: string): Promise<{ reference: string; pagedOnCall: boolean; phone: string }> {
  const phone = journalistPhone();
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject,
    details: 'What can you tell us tonight?',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return { ...((await res.json()) as { reference: string; pagedOnCall: boolean }), phone };
}

const texts = (to: string) => h.twilio.messages.filter((m) => m.to === to);
const calls = (to: string) => h.twilio.calls.filter((c) => c.to === to);
/** A desk page as read: tags dropped, entities decoded, spaces collapsed. */
const text = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

/** Moves the clock to `at` and runs whatever jobs are then due. */
async function advanceTo(at: string) {
  h.clock.set(at);
  await h.jobs.settle();
}

/**
 * The night so far: Olu on call and Bea the backup; an incident Olu has (its first enquiry paged
 * and Olu acknowledged it), then `withheld` more urgent enquiries about it at 22:01 that go into
 * its summary, due at 22:16. Returns those enquiries.
 */
async function storyOnCallHas(withheld: number): Promise<Array<{ reference: string; phone: string }>> {
  h = await startHarness({
    now: CHRISTMAS_EVE_10PM,
    jobs: true,
    // One address sends everything, and every page call rings at once: neither is under test here.
    config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null, pageRateLimit: null } },
  });
  await nightRota(h, { primary: ON_CALL, backup: BACKUP });
  await h.services.incidents.declare(
    { name: 'Market St cordon', terms: 'market street cordon' },
    { kind: 'staff', actor: MANAGER },
  );
  const first = await urgentEnquiry('Market Street cordon: what is happening?');
  expect(first.pagedOnCall).toBe(true);
  await h.twilio.waitForMessages(1);
  await h.jobs.settle();
  await h.sms(ON_CALL, 'ACK');
  await h.jobs.settle();

  h.clock.set('2026-12-24T22:01:00Z');
  const held: Array<{ reference: string; phone: string }> = [];
  for (let i = 1; i <= withheld; i++) {
    const e = await urgentEnquiry(`Market Street cordon, update ${i}`);
    expect(e.pagedOnCall).toBe(false);
    held.push(e);
  }
  await h.jobs.settle();
  expect(texts(ON_CALL)).toHaveLength(1);
  return held;
}

/** The pages of these enquiries (in their order), with their status. */
async function pagesOf(references: string[]) {
  const rows = await h.database.db
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['page.id', 'page.status', 'enquiry.reference'])
    .where('enquiry.reference', 'in', references)
    .execute();
  return references.map((r) => rows.find((p) => p.reference === r));
}

async function data(reference: string, kind: Parameters<typeof eventsOf>[2]) {
  return (await eventsOf(h.database.db, reference, kind)).map((e) => e.data);
}

/** Waits (a few seconds at most) until `done`, for what the fake Twilio receives from the job runner. */
async function until(what: string, done: () => boolean): Promise<void> {
  const giveUp = performance.now() + 5000;
  while (!done()) {
    if (performance.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await h.jobs.settle();
}

/** The summary text Twilio took at 22:16 (the officer's second text, after the first page). */
async function summaryTaken(): Promise<FakeTwilioRecord> {
  await advanceTo('2026-12-24T22:16:00Z');
  await until('the summary', () => texts(ON_CALL).length === 2);
  const summary = texts(ON_CALL)[1];
  expect(summary.body).toMatch(/^Incident 'Market St cordon': /);
  return summary;
}

describe('a summary Twilio refuses for good', () => {
  it('calls the on-call officer at once, then the next person, then the out-of-hours line, each once', async () => {
    const [held] = await storyOnCallHas(1);
    // The summary is refused when sent: Olu's number, Twilio says, cannot take texts.
    h.twilio.failNext(1, { status: 400, code: 21614, message: "'To' number is not a valid mobile number" });
    await advanceTo('2026-12-24T22:16:00Z');
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();

    // 22:16: the summary stood for the page's first step (a text to on-call): its call rings now.
    expect(texts(ON_CALL)).toHaveLength(1);
    expect(calls(ON_CALL)).toHaveLength(1);
    expect(calls(ON_CALL)[0].twiml).toContain('An urgent media enquiry has not been acknowledged.');
    const [page] = await pagesOf([held.reference]);
    expect(page?.status).toBe('active');
    expect(await data(held.reference, 'incident_summary_failed')).toEqual([
      {
        incidentId: expect.any(String),
        key: expect.stringMatching(/^incident-summary:\d+:2026-12-24T22:16:00\.000Z$/),
        to: ON_CALL,
        error: expect.stringContaining('not a valid mobile number'),
        code: '21614',
        paged: true,
      },
    ]);
    expect(await data(held.reference, 'escalated')).toEqual([
      { pageId: page!.id, fromStep: 0, reason: 'the incident summary to on-call did not reach them (Twilio 21614)' },
    ]);
    expect((await data(held.reference, 'page_call_placed')).map((d) => [d.step, d.to])).toEqual([[1, ON_CALL]]);
    // The desk's record of the enquiry says so.
    await h.services.users.create(
      { ...DESK_MANAGER, name: 'Mona Manager', role: 'manager' },
      { userId: null, email: 'test' },
    );
    const mona = await loginAs(h, DESK_MANAGER.email, DESK_MANAGER.password);
    const record = text((await mona.get(`/desk/enquiries/${held.reference}`)).body);
    expect(record).toContain(
      'The incident summary to on-call 07911 200001 did not reach them (Twilio 21614): paged instead',
    );
    expect(record).toContain('Escalated: the incident summary to on-call did not reach them (Twilio 21614)');

    // Nobody acknowledges: ten minutes on, the next person gets the page (text and call).
    await advanceTo('2026-12-24T22:25:59Z');
    expect(texts(BACKUP)).toEqual([]);
    await advanceTo('2026-12-24T22:26:00Z');
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    expect(texts(BACKUP)).toHaveLength(1);
    expect(texts(BACKUP)[0].body).toContain(`URGENT media enquiry ${held.reference}.`);
    expect(calls(BACKUP)).toHaveLength(1);

    // Ten more: the out-of-hours line, called (it takes no texts).
    await advanceTo('2026-12-24T22:36:00Z');
    await h.twilio.waitForCalls(3);
    await h.jobs.settle();
    expect(calls(FALLBACK)).toHaveLength(1);

    // And then the escalation has run its course: nothing more, nothing twice.
    await advanceTo('2026-12-24T23:30:00Z');
    expect(calls(ON_CALL)).toHaveLength(1);
    expect(calls(BACKUP)).toHaveLength(1);
    expect(texts(BACKUP)).toHaveLength(1);
    expect(calls(FALLBACK)).toHaveLength(1);
    expect((await pagesOf([held.reference]))[0]?.status).toBe('exhausted');
    expect(await data(held.reference, 'incident_summary_failed')).toHaveLength(1);
    // The summary job run again finds nothing new to summarise, and sends nothing.
    const incident = await h.database.db.selectFrom('incident').select('id').executeTakeFirstOrThrow();
    expect(await h.services.incidentSummaries.send(incident.id)).toBe(0);
  });

  it('reported twice at once (undelivered, then failed) and again later, pages each enquiry it counted once', async () => {
    const held = await storyOnCallHas(2);
    const summary = await summaryTaken();
    expect(calls(ON_CALL)).toEqual([]);

    // Twilio's two reports of one undelivered text, handled side by side, then a repeat.
    const answers = await Promise.all([
      h.twilio.sendStatusCallback(summary, 'undelivered', { ErrorCode: '30003' }),
      h.twilio.sendStatusCallback(summary, 'failed', { ErrorCode: '30005' }),
    ]);
    expect(answers).toEqual([204, 204]);
    await h.jobs.settle();
    expect(await h.twilio.sendStatusCallback(summary, 'undelivered', { ErrorCode: '30003' })).toBe(204);
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();

    // One call per enquiry it counted (bundling is off here), one page each, one record each.
    expect(calls(ON_CALL)).toHaveLength(2);
    const pages = await pagesOf(held.map((e) => e.reference));
    expect(pages.every((p) => p?.status === 'active')).toBe(true);
    for (const [i, e] of held.entries()) {
      const [failed] = await data(e.reference, 'incident_summary_failed');
      expect(await data(e.reference, 'incident_summary_failed')).toHaveLength(1);
      expect(failed).toMatchObject({ to: ON_CALL, paged: true, code: expect.stringMatching(/^3000[35]$/) });
      expect(await data(e.reference, 'page_created')).toHaveLength(1);
      expect(await data(e.reference, 'escalated')).toEqual([
        {
          pageId: pages[i]!.id,
          fromStep: 0,
          reason: expect.stringMatching(/^the incident summary to on-call did not reach them \(Twilio 3000[35]\)$/),
        },
      ]);
      expect((await data(e.reference, 'page_call_placed')).map((d) => [d.step, d.to])).toEqual([[1, ON_CALL]]);
    }
    // The desk shows it on each enquiry's record.
    const kinds = (await eventsOf(h.database.db, held[0].reference)).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['incident_summary', 'incident_summary_failed', 'page_created', 'escalated']),
    );

    // The next step goes once to the backup, for each page.
    await advanceTo('2026-12-24T22:26:00Z');
    await h.twilio.waitForCalls(4);
    await h.jobs.settle();
    expect(calls(ON_CALL)).toHaveLength(2);
    expect(calls(BACKUP)).toHaveLength(2);
    expect(texts(BACKUP)).toHaveLength(2);
  });

  it('an enquiry answered before the refusal is not paged; its record still says the summary did not arrive', async () => {
    const [answered, open] = await storyOnCallHas(2);
    const summary = await summaryTaken();
    await h.database.db
      .updateTable('enquiry')
      .set({ status: 'closed' })
      .where('reference', '=', answered.reference)
      .execute();

    await h.twilio.sendStatusCallback(summary, 'undelivered', { ErrorCode: '30003' });
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();

    expect(calls(ON_CALL)).toHaveLength(1);
    expect(await pagesOf([answered.reference, open.reference])).toEqual([
      undefined,
      expect.objectContaining({ status: 'active' }),
    ]);
    expect(await data(answered.reference, 'incident_summary_failed')).toEqual([
      expect.objectContaining({ paged: false, code: '30003' }),
    ]);
    expect(await data(open.reference, 'incident_summary_failed')).toEqual([
      expect.objectContaining({ paged: true, code: '30003' }),
    ]);
  });
});

describe('a refusal reported once the office has opened', () => {
  it('pages nobody: the desk has the enquiries, and their record says the summary did not arrive', async () => {
    const [held] = await storyOnCallHas(1);
    const summary = await summaryTaken();
    // Twilio's report comes late, after the office opened on Tuesday 29 December at 09:00.
    await advanceTo('2026-12-29T09:05:00Z');
    await h.twilio.sendStatusCallback(summary, 'undelivered', { ErrorCode: '30003' });
    await h.jobs.settle();

    expect(h.twilio.calls).toEqual([]);
    expect(await pagesOf([held.reference])).toEqual([undefined]);
    expect(await data(held.reference, 'incident_summary_failed')).toEqual([
      expect.objectContaining({ paged: false, code: '30003' }),
    ]);
  });
});

describe('a summary that reaches on-call', () => {
  it('escalates nothing', async () => {
    const held = await storyOnCallHas(2);
    const summary = await summaryTaken();
    expect(await h.twilio.progress(summary)).toEqual([204, 204]);
    await advanceTo('2026-12-25T01:00:00Z');

    expect(h.twilio.calls).toEqual([]);
    expect(texts(BACKUP)).toEqual([]);
    expect(texts(ON_CALL)).toHaveLength(2);
    expect(await pagesOf(held.map((e) => e.reference))).toEqual([undefined, undefined]);
    for (const e of held) expect(await data(e.reference, 'incident_summary_failed')).toEqual([]);
  });
});

describe('an acknowledgement', () => {
  it('stops the escalation of a refused summary as it stops a page, and the journalist is told', async () => {
    const [held] = await storyOnCallHas(1);
    const summary = await summaryTaken();
    await h.twilio.sendStatusCallback(summary, 'undelivered', { ErrorCode: '30003' });
    const [call] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();

    const log = await h.twilio.answerCall(call, { answeredBy: 'human', digits: ['1'] });
    expect(log.said.join(' ')).toContain('Acknowledged. Escalation stopped.');
    await h.jobs.settle();
    expect((await pagesOf([held.reference]))[0]?.status).toBe('acknowledged');
    expect(await data(held.reference, 'acknowledged')).toEqual([expect.objectContaining({ via: 'voice' })]);
    await until('the journalist’s notice', () =>
      texts(held.phone).some((m) => m.body?.includes(`we have your urgent enquiry ${held.reference}`)),
    );

    // Nobody else is woken for it.
    await advanceTo('2026-12-25T01:00:00Z');
    expect(texts(BACKUP)).toEqual([]);
    expect(calls(BACKUP)).toEqual([]);
    expect(calls(FALLBACK)).toEqual([]);
    expect(calls(ON_CALL)).toHaveLength(1);
  });
});

describe('a summary said on a call', () => {
  it('that nobody answers escalates the same way, from the step after it', async () => {
    const LANDLINE = '+442079460000';
    h = await startHarness({
      now: CHRISTMAS_EVE_10PM,
      jobs: true,
      config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null, pageRateLimit: null } },
    });
    await nightRota(h, { primary: LANDLINE, backup: BACKUP });
    const incident = await h.services.incidents.declare(
      { name: 'Depot fire', terms: 'depot fire' },
      { kind: 'oncall', name: `on call (${LANDLINE})` },
    );
    const held = await urgentEnquiry('Depot fire: any injuries?');
    expect(held.pagedOnCall).toBe(false);
    await h.jobs.settle();
    await advanceTo('2026-12-24T22:15:00Z');
    const [said] = await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    expect(said.to).toBe(LANDLINE);
    expect(said.twiml).toContain('Incident Depot fire');

    expect(await h.twilio.sendStatusCallback(said, 'no-answer')).toBe(204);
    const [, page] = await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    // The page's first step would only have called this number too: its second step calls it now.
    expect(page.to).toBe(LANDLINE);
    expect(page.twiml).toContain('An urgent media enquiry has not been acknowledged.');
    expect(await data(held.reference, 'incident_summary_failed')).toEqual([
      expect.objectContaining({ incidentId: incident.id, to: LANDLINE, paged: true }),
    ]);
    expect((await data(held.reference, 'page_call_placed')).map((d) => d.step)).toEqual([1]);
    expect(await h.twilio.sendStatusCallback(said, 'no-answer')).toBe(204);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(2);
  });
});
