/**
 * What the on-call officer reads on the link in a page (`/m/{token}`), word for word: where the
 * escalation stands (what comes next and when, who stopped it, or why it ended), what each action
 * did, the enquiry's details when the journalist left some out, who did what on the timeline, and
 * the answers to a form that cannot be acted on. Written from the mutation run's survivors in
 * src/oncall/link.views.tsx, link.routes.tsx and link.service.ts (issue 24): the link scenarios
 * acted through the page without reading what it said.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { CASEWORK_LIMITS } from '../../src/enquiries/casework.limits.js';
import { fieldError } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { openView, pagedLink, postLinkForm, readableText } from '../support/oncall-link.js';
import { OLU, oluAndBeaOnCall } from '../support/rota.js';
import { replyTo } from '../support/sms-reply.js';

// Christmas Eve 2026, 18:00 (UTC is office time in winter): closed until Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = OLU.phone;
const JOURNALIST = '+447911123401';
const MINUTE = 60_000;
const TEST = { userId: null, email: 'test' };

let h: Harness;
afterEach(async () => h?.close());

async function start(onCall: Record<string, unknown> = {}) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0, ...onCall } } });
  await oluAndBeaOnCall(h);
}

async function urgentEnquiry(fields: Record<string, unknown> = {}): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Fire at the depot',
    details: 'Need a line tonight.',
    urgent: true,
    ...fields,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** The page's escalation panel as the officer reads it. */
async function escalation(path: string): Promise<string> {
  const html = await (await h.app.request(path)).text();
  const m = /<section class="panel escalation[^"]*"[^>]*>([\s\S]*?)<\/section>/.exec(html);
  expect(m, 'the escalation panel').not.toBeNull();
  return readableText(m![1]);
}

/** The notice at the top of the page (after an action), or null. */
function notice(html: string): string | null {
  const m = /<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(html);
  return m ? readableText(m[1]) : null;
}

/** Posts `action` from a freshly opened view; returns where it redirected (303 expected). */
async function act(path: string, action: string, fields: Record<string, string> = {}): Promise<string> {
  const form = await openView(h, path);
  const res = await postLinkForm(h, `${path}/${action}`, {
    _csrf: form.csrf,
    reference: form.reference,
    key: form.key,
    ...fields,
  });
  expect(res.status, await res.clone().text()).toBe(303);
  return res.headers.get('location')!;
}

/** Lets the escalation's next step run: the clock moved on, its job done. */
async function advance(ms: number) {
  h.clock.advance(ms);
  await h.jobs.settle();
}

describe('the escalation, as the officer reads it', () => {
  it('says what comes next and when, the next two steps, while nobody has the page', async () => {
    // Texted again after 5 minutes, texted and rung after 5 more, then the backup, then the out-of-hours line.
    await start({
      ackTimeoutSeconds: 300,
      escalation: [
        { action: 'sms', to: 'oncall', afterSeconds: 0 },
        { action: 'sms', to: 'oncall' },
        { action: 'sms+call', to: 'oncall' },
        { action: 'sms', to: 'next' },
        { action: 'sms+call', to: 'fallback' },
      ],
    });
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    expect(await escalation(path)).toBe(
      'Escalation Not yet acknowledged: you will be texted again at Thu 24 Dec 18:05, and you will be texted and rung at Thu 24 Dec 18:10. ' +
        'I have it Stops the escalation: nobody else is paged. Replying, calling, a note or recording the line stop it too.',
    );
    await advance(5 * MINUTE);
    expect(await escalation(path)).toMatch(
      /^Escalation Not yet acknowledged: you will be texted and rung at Thu 24 Dec 18:10, and the backup will be paged at Thu 24 Dec 18:15\. I have it/,
    );
    await advance(5 * MINUTE);
    expect(await escalation(path)).toMatch(
      /^Escalation Not yet acknowledged: the backup will be paged at Thu 24 Dec 18:15, and the out-of-hours line will be paged at Thu 24 Dec 18:20\. I have it/,
    );
  });

  it('ends, with no button, when every step went unacknowledged', async () => {
    await start({
      ackTimeoutSeconds: 300,
      escalation: [
        { action: 'sms', to: 'oncall', afterSeconds: 0 },
        { action: 'call', to: 'oncall' },
      ],
    });
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    expect(await escalation(path)).toMatch(
      /^Escalation Not yet acknowledged: your phone will ring at Thu 24 Dec 18:05\. I have it/,
    );
    await advance(5 * MINUTE);
    const [call] = await h.twilio.waitForCalls(1);
    await h.twilio.answerCall(call, { digits: [] });
    await advance(5 * MINUTE);
    expect(await escalation(path)).toBe('Escalation Escalation ended: the page was not acknowledged after every step.');
  });

  it('says it was the officer who stopped it, by text or on the link, and when', async () => {
    await start();
    const a = await urgentEnquiry();
    const { path: first } = await pagedLink(h, ON_CALL);
    h.clock.advance(MINUTE);
    expect(await replyTo(h, ON_CALL, `ACK ${a}`)).toContain(`acknowledged ${a}`);
    expect(await escalation(first)).toBe('Escalation Escalation stopped: acknowledged by you at Thu 24 Dec 18:01.');

    await urgentEnquiry({ phone: '+447911123402', subject: 'Road closed' });
    const { path: second } = await pagedLink(h, ON_CALL, 2);
    h.clock.advance(MINUTE);
    const done = await act(second, 'ack');
    expect(done).toBe(`${second}?done=ack&acked=1`);
    const html = await (await h.app.request(done)).text();
    // The button's own notice, without "the page is acknowledged" said twice.
    expect(notice(html)).toBe('You have it: escalation stopped, nobody else is paged about this enquiry.');
    expect(await escalation(second)).toBe('Escalation Escalation stopped: acknowledged by you at Thu 24 Dec 18:02.');
  });

  it('names a colleague who stopped it from the desk, or the enquiry’s status when it was closed', async () => {
    await start();
    const user = await h.services.users.create(
      { name: 'Dee Desk', email: 'dee.desk@press.example', password: 'correct horse battery 1', role: 'officer' },
      TEST,
    );
    const a = await urgentEnquiry();
    const { path: first } = await pagedLink(h, ON_CALL);
    h.clock.advance(3 * MINUTE);
    await h.services.casework.acknowledgePage(a, { userId: user.id, email: user.email });
    expect(await escalation(first)).toBe(
      'Escalation Escalation stopped: acknowledged by Dee Desk at Thu 24 Dec 18:03.',
    );

    const b = await urgentEnquiry({ phone: '+447911123402', subject: 'Road closed' });
    const { path: second } = await pagedLink(h, ON_CALL, 2);
    await h.services.casework.setStatus(b, 'closed', { userId: user.id, email: user.email });
    expect(await escalation(second)).toBe('Escalation Escalation stopped: the enquiry is closed.');
  });
});

describe('what each action says it did', () => {
  it('says the call is coming to the officer’s own phone, and that the page is now acknowledged', async () => {
    await start();
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const done = await act(path, 'call');
    expect(done).toBe(`${path}?done=call&acked=1`);
    expect(notice(await (await h.app.request(done)).text())).toBe(
      'Calling you now on 07911 200001. Answer it and you will be put through to the journalist. The page is acknowledged: escalation stopped.',
    );
  });

  it('says a reply is queued, and a response recorded sends nothing; neither repeats the acknowledgement once it is done', async () => {
    await start();
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    let done = await act(path, 'reply', { reply: 'A statement by 8pm.' });
    expect(notice(await (await h.app.request(done)).text())).toBe(
      'Your reply is queued: the journalist gets it by SMS from the press office number. The page is acknowledged: escalation stopped.',
    );
    done = await act(path, 'done', { response: 'Four crews, no injuries.' });
    expect(done).toBe(`${path}?done=done`);
    expect(notice(await (await h.app.request(done)).text())).toBe(
      'Response recorded and the enquiry marked answered. Nothing was sent to the journalist.',
    );
    // A notice in the address that names no action shows none.
    expect(notice(await (await h.app.request(`${path}?done=assign`)).text())).toBeNull();
  });

  it('takes the text of a reply, note or response and not of a call; a refused one keeps what was typed', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    // A call posted with text fields: nothing of them is used (no note, no reply).
    await act(path, 'call', { note: 'stray', reply: 'stray', response: 'stray' });
    const form = await openView(h, path);
    const res = await postLinkForm(h, `${path}/note`, {
      _csrf: form.csrf,
      reference: ` ${ref.toLowerCase()} `,
      key: form.key,
      note: '   ',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(/<title>([^<]*)<\/title>/.exec(html)?.[1]).toMatch(new RegExp(`^Error: ${ref} \\(on call\\)`));
    expect(readableText(html)).toContain('There is a problem Enter a note');
    const kinds = await h.database.db
      .selectFrom('enquiry_event')
      .select('kind')
      .where('kind', 'in', ['note', 'reply_queued'])
      .execute();
    expect(kinds).toEqual([]);
    // The page opened without a problem has no "Error:" in its title.
    expect(/<title>([^<]*)<\/title>/.exec((await openView(h, path)).html)?.[1]).toMatch(
      new RegExp(`^${ref} \\(on call\\)`),
    );
  });

  it('shows a call that cannot be made beside the call button', async () => {
    await start();
    await urgentEnquiry({ phone: undefined, email: 'ann@example.org' });
    const { path } = await pagedLink(h, ON_CALL);
    const form = await openView(h, path);
    const res = await postLinkForm(h, `${path}/call`, { _csrf: form.csrf, reference: form.reference, key: form.key });
    expect(res.status).toBe(422);
    expect(fieldError(await res.text(), 'call')).toBe(`${form.reference} has no phone number to call`);
    expect(h.twilio.calls).toEqual([]);
  });

  it('refuses a form whose one-off key is not one (400), and one for an unknown action (404)', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const form = await openView(h, path);
    for (const key of ['short', 'x'.repeat(65), `${form.key} x`]) {
      const res = await postLinkForm(h, `${path}/call`, { _csrf: form.csrf, reference: ref, key });
      expect(res.status, key).toBe(400);
      expect(readableText(await res.text()), key).toContain(
        'The form could not be read. Reload the page and try again.',
      );
    }
    const res = await postLinkForm(h, `${path}/escalate`, { _csrf: form.csrf, reference: ref, key: form.key });
    expect(res.status).toBe(404);
    expect(h.twilio.calls).toEqual([]);
  });
});

describe('the enquiry as the link shows it', () => {
  it('says what the journalist did not give', async () => {
    await start();
    const ref = await urgentEnquiry({ phone: undefined, email: 'ann@example.org' });
    const { path } = await pagedLink(h, ON_CALL);
    // As an enquiry by text or by phone has: no name or outlet given (the form and the API ask for both).
    await sql`UPDATE enquiry SET name = '', outlet = '' WHERE reference = ${ref}`.execute(h.database.db);
    const html = (await openView(h, path)).html;
    const summary = readableText(/<dl class="summary">([\s\S]*?)<\/dl>/.exec(html)![1]);
    expect(summary).toBe(
      'Journalist (not given) Outlet (not given) Phone None given Email ann@example.org Deadline None given Status New',
    );
  });

  it('says so when there is no email address', async () => {
    await start();
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const html = (await openView(h, path)).html;
    expect(readableText(/<dl class="summary">([\s\S]*?)<\/dl>/.exec(html)![1])).toBe(
      'Journalist Ann Reporter Outlet Evening Gazette Phone 07911 123401 Email None given Deadline None given Status New',
    );
  });

  it('shows the journalist’s number and email, and the deadline', async () => {
    await start();
    await urgentEnquiry({ email: 'ann@example.org', deadline: '2026-12-24T21:30' });
    const { path } = await pagedLink(h, ON_CALL);
    const html = (await openView(h, path)).html;
    const summary = readableText(/<dl class="summary">([\s\S]*?)<\/dl>/.exec(html)![1]);
    expect(summary).toMatch(
      /^Journalist Ann Reporter Outlet Evening Gazette Phone 07911 123401 Email ann@example\.org Deadline .*21:30.* Status New$/,
    );
  });

  it('says who did what on the timeline, but not who acknowledged (the entry itself says)', async () => {
    await start();
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    await act(path, 'note', { note: 'Rang the fire service.' });
    const html = (await openView(h, path)).html;
    const items = [...html.matchAll(/<li class="ev ev--([a-z_]+)">([\s\S]*?)<\/li>/g)].map(
      (m) => [m[1], readableText(m[2])] as const,
    );
    const note = items.find(([kind]) => kind === 'note');
    expect(note?.[1]).toMatch(/^Thu 24 Dec 18:00 Internal note by Olu On-Call Rang the fire service\.$/);
    const acked = items.find(([kind]) => kind === 'acknowledged');
    // The entry's own words name who; the hint " by …" is not added a second time.
    expect(acked?.[1]).toBe('Thu 24 Dec 18:00 Page acknowledged by Olu On-Call (link)');
  });

  it('suggests search terms for an incident from the subject, never the journalist’s name or outlet', async () => {
    await start();
    await urgentEnquiry({ name: 'Kestrel Jones', outlet: 'Depot Weekly', subject: 'Kestrel depot warehouse blaze' });
    const { path } = await pagedLink(h, ON_CALL);
    const html = (await openView(h, path)).html;
    const terms =
      /name="terms"[^>]*value="([^"]*)"/.exec(html)?.[1] ?? /value="([^"]*)"[^>]*name="terms"/.exec(html)?.[1];
    expect(terms).toBe('warehouse blaze');
  });
});

describe('the forms of the link', () => {
  it('each posts to its own action, starts empty, is labelled by its heading and holds what its field may', async () => {
    await start();
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const html = (await openView(h, path)).html;
    for (const action of ['ack', 'call', 'reply', 'note', 'done', 'declare'])
      expect(html, action).toContain(`action="${path}/${action}"`);
    for (const [id, max] of [
      ['reply', CASEWORK_LIMITS.reply],
      ['note', CASEWORK_LIMITS.note],
      ['response', CASEWORK_LIMITS.response],
    ] as const) {
      expect(html, id).toContain(`<section class="action" aria-labelledby="${id}-title"><h3 id="${id}-title">`);
      const area = new RegExp(`<textarea([^>]*)id="${id}"([^>]*)>([^<]*)</textarea>`).exec(html);
      expect(area, id).not.toBeNull();
      expect(`${area![1]}${area![2]}`, id).toContain(`maxlength="${max}"`);
      expect(area![3], id).toBe('');
    }
  });

  it('answers a form it cannot act on in words, and records no opening for a post', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const form = await openView(h, path);
    const fields = { _csrf: form.csrf, reference: ref, key: form.key, note: 'A note.' };
    const said = async (res: Response) => [res.status, readableText(await res.text())] as const;
    // Past the quarter of an hour within which a reload is not recorded again: a post that showed
    // the page and counted as an opening would be recorded now.
    h.clock.advance(15 * MINUTE);

    let [status, text] = await said(await postLinkForm(h, `${path}/note`, { ...fields, _csrf: 'x' }));
    expect(status).toBe(403);
    expect(text).toContain(
      'This form has expired or did not come from Press Desk. Open the link in the page text again and try once more.',
    );
    [status, text] = await said(await postLinkForm(h, `${path}/note`, fields, { 'Sec-Fetch-Site': 'cross-site' }));
    expect(status).toBe(403);
    expect(text).toContain('This form did not come from Press Desk. Open the link in the page text again.');
    for (const res of [
      await postLinkForm(h, `${path}/note`, { ...fields, reference: 'PD-AAA-AAA' }),
      await postLinkForm(h, `${path}/escalate`, fields),
      await postLinkForm(h, `${path}/declare`, { ...fields, reference: 'PD-AAA-AAA', name: 'X', terms: 'x' }),
    ]) {
      [status, text] = await said(res);
      expect(status).toBe(404);
      expect(text).toContain('The page you asked for does not exist.');
    }
    // A body that cannot be read as a form.
    const broken = await h.app.request(`${path}/note`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=nope' },
      body: 'this is not multipart',
    });
    [status, text] = await said(broken);
    expect(status).toBe(400);
    expect(text).toContain('The form could not be read. Go back, reload the page and send it again.');
    // A field sent as a file is no text: the note is empty.
    const multipart = new FormData();
    for (const [k, v] of Object.entries({ _csrf: form.csrf, reference: ref, key: form.key })) multipart.set(k, v);
    multipart.set('note', new Blob(['from a file']), 'note.txt');
    [status, text] = await said(await h.app.request(`${path}/note`, { method: 'POST', body: multipart }));
    expect(status).toBe(422);
    expect(text).toContain('There is a problem Enter a note');
    // Refused posts, and a declaration with the reference as typed in lower case, are no new opening.
    const declared = await postLinkForm(h, `${path}/declare`, {
      ...fields,
      reference: ` ${ref.toLowerCase()} `,
      name: 'Depot fire',
      terms: 'depot',
    });
    expect(declared.status).toBe(303);
    expect(declared.headers.get('location')).toBe(`${path}?done=declare`);
    const viewed = await h.database.db
      .selectFrom('enquiry_event')
      .select('kind')
      .where('kind', '=', 'oncall_viewed')
      .execute();
    expect(viewed).toHaveLength(1);
    const note = await h.database.db.selectFrom('enquiry_event').select('kind').where('kind', '=', 'note').execute();
    expect(note).toEqual([]);
  });

  it('says what became of a line even when the line is no longer on the enquiry, and nothing of an unknown outcome', async () => {
    await start();
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const shown = async (query: string) => notice(await (await h.app.request(`${path}?${query}`)).text());
    expect(await shown('done=line&line=already')).toBe(
      'This journalist was already sent the holding line: nothing was sent again.',
    );
    expect(await shown('done=line&line=queued')).toBe(
      'The holding line is queued to the journalist, exactly as written. The enquiry is marked as having had it.',
    );
    expect(await shown('done=line&line=sent')).toBe('Holding line sent to the journalist, exactly as written.');
  });
});

describe('declaring an incident from the link', () => {
  it('shows a refused declaration beside its fields, keeping what was typed', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const form = await openView(h, path);
    const res = await postLinkForm(h, `${path}/declare`, {
      _csrf: form.csrf,
      reference: ref,
      key: form.key,
      name: '',
      terms: 'depot fire',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/id="incident-name-error"/);
    expect(html).not.toMatch(/id="incident-terms-error"/);
    expect(/name="terms"[^>]*value="([^"]*)"/.exec(html)?.[1]).toBe('depot fire');
    expect(await h.database.db.selectFrom('incident').select('id').execute()).toEqual([]);
  });

  it('refuses a declaration for another enquiry (404), and through a link that stopped working (410)', async () => {
    await start();
    const ref = await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    const form = await openView(h, path);
    const fields = { _csrf: form.csrf, reference: 'PD-AAA-AAA', key: form.key, name: 'Depot fire', terms: 'depot' };
    expect((await postLinkForm(h, `${path}/declare`, fields)).status).toBe(404);
    const olu = (await h.services.rota.findPersonByPhone(ON_CALL))!;
    await h.services.rota.deactivatePerson(olu.id);
    expect((await postLinkForm(h, `${path}/declare`, { ...fields, reference: ref })).status).toBe(410);
    expect(await h.database.db.selectFrom('incident').select('id').execute()).toEqual([]);
  });
});

describe('a link that no longer opens', () => {
  it('says how long links work and how to reach the enquiry by text instead', async () => {
    await start({ linkHours: 6 });
    await urgentEnquiry();
    const { path } = await pagedLink(h, ON_CALL);
    h.clock.advance(6 * 60 * MINUTE);
    const res = await h.app.request(path);
    expect(res.status).toBe(410);
    expect(readableText(/<main[^>]*>([\s\S]*?)<\/main>/.exec(await res.text())![1])).toBe(
      'This link has expired This link has expired or is not valid. Links in page texts work for 6 hours. ' +
        "From the on-call phone, text INFO and the enquiry's reference to the press office number, 07700 100200, " +
        'for its details. CALL, REPLY, NOTE and DONE work by text too; text HELP for how.',
    );
  });

  it('stops opening when its enquiry’s data is erased, or its person is made inactive outside the rota page', async () => {
    await start();
    const a = await urgentEnquiry();
    const { path: first } = await pagedLink(h, ON_CALL);
    await urgentEnquiry({ phone: '+447911123402', subject: 'Road closed' });
    const { path: second } = await pagedLink(h, ON_CALL, 2);
    await sql`UPDATE enquiry SET erased_at = now() WHERE reference = ${a}`.execute(h.database.db);
    expect((await h.app.request(first)).status).toBe(410);
    expect((await h.app.request(second)).status).toBe(200);
    // An import or a fix in SQL, which revokes no link: the link still checks who it acts for.
    await sql`UPDATE person SET phone = '+447911200009' WHERE phone = ${ON_CALL}`.execute(h.database.db);
    expect((await h.app.request(second)).status).toBe(410);
    await sql`UPDATE person SET phone = ${ON_CALL}, active = false WHERE phone = '+447911200009'`.execute(
      h.database.db,
    );
    expect((await h.app.request(second)).status).toBe(410);
  });

  it('records an opening again only after a quarter of an hour', async () => {
    await start();
    await urgentEnquiry();
    await pagedLink(h, ON_CALL);
    // The second page's link: its id is not its person's, nor its enquiry's.
    await urgentEnquiry({ phone: '+447911123402', subject: 'Road closed' });
    const { path } = await pagedLink(h, ON_CALL, 2);
    const opened = async () =>
      (await h.database.db.selectFrom('audit_log').select('at').where('action', '=', 'oncall.viewed').execute()).length;
    await h.app.request(path);
    h.clock.advance(15 * MINUTE - 1);
    await h.app.request(path);
    expect(await opened()).toBe(1);
    h.clock.advance(1);
    await h.app.request(path);
    expect(await opened()).toBe(2);
  });
});

// The link in the text is the one the page's own URL shows: absolute, under PUBLIC_BASE_URL.
it('puts an absolute link under PUBLIC_BASE_URL in the page text', async () => {
  await start();
  await urgentEnquiry();
  const { body, path } = await pagedLink(h, ON_CALL);
  expect(body).toContain(`\nOpen: ${PUBLIC_BASE_URL}${path}\n`);
});
