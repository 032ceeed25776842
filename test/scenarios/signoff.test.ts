/**
 * Issue 26, item 3: drafts and sign-off bound to the exact words. A response is sent for sign-off
 * to an approver from the directory; they approve, approve with edits, or return it, on their link
 * or by text (APPROVE <code>, CHANGES <code> <comment>). When sign-off is required the response is
 * released only in the approved words; changing them voids the approval; a manager may release
 * without it, giving a reason that is recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { eventsOf } from '../support/timeline.js';

// Tuesday 8 December 2026, 10:00 in London (GMT).
const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const SIO = '+447911200001';
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const TEST = { userId: null, email: 'test' };
const LINK = /https:\/\/press\.example\.org(\/s\/[A-Za-z0-9_-]{22})/;

let h: Harness;
afterEach(async () => h?.close());

async function start(signOff: 'always' | 'urgent' | 'never' = 'always') {
  h = await startHarness({
    now: TUESDAY_10AM,
    jobs: true,
    config: { intake: { rateLimit: null }, statements: { signOff } },
  });
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const now = h.clock.now();
  const { id: sio } = await h.database.db
    .insertInto('colleague')
    .values({
      name: 'Det Supt Grey',
      role: 'SIO',
      mobile: SIO,
      email: null,
      usual_hours: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123456',
    subject: 'Fatal collision on the A38',
    details: 'Can you confirm a man died?',
  });
  const { reference, statusUrl } = (await res.json()) as { reference: string; statusUrl: string };
  const otto = await loginAs(h, OFFICER.email, OFFICER.password);
  return { sio, reference, statusPath: new URL(statusUrl).pathname, otto };
}

async function textsTo(to: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === to).map((m) => m.body ?? '');
}

/** Records (and releases) a response from the enquiry page. */
function release(client: DeskClient, reference: string, response: string, extra: Record<string, string> = {}) {
  return client.post(`/desk/enquiries/${reference}/response`, { response, release: 'yes', ...extra });
}

describe('sign-off bound to the exact words', () => {
  it('refuses release until signed off, takes the approver’s edits on their link, and releases the approved words', async () => {
    const started = await start();
    const { sio, reference, statusPath } = started;
    let otto = started.otto;
    await otto.get(`/desk/enquiries/${reference}`);

    // Not signed off: release is refused, saying what to do.
    const early = await release(otto, reference, 'A man died at the scene.');
    expect(early.status).toBe(422);
    expect(fieldError(early.body, 'release')).toBe(
      'This response needs sign-off before it is released: send it for sign-off below.',
    );

    // Sent for sign-off by text: the SIO gets a link and a code; the queue says it is awaited.
    const sent = await otto.post(`/desk/enquiries/${reference}/signoff`, {
      draft: 'A man died at the scene.',
      approvers: [sio],
      via: 'sms',
    });
    expect(sent.status).toBe(303);
    const [text] = await textsTo(SIO);
    expect(text).toContain(`please sign off our response to media enquiry ${reference}`);
    expect(text).toMatch(/Or reply APPROVE \d{4}, or CHANGES \d{4} and what to change\./);
    expect(decodeEntities((await otto.get('/desk')).body)).toContain('Awaiting sign-off (0 min)');

    // Twenty minutes on, the SIO opens the link on their phone and approves with an edit.
    h.clock.advance(20 * 60_000);
    const link = LINK.exec(text)![1];
    const page = await h.app.request(link);
    expect(page.status).toBe(200);
    const html = decodeEntities(await page.text());
    expect(html).toContain('A man died at the scene.');
    expect(html).toContain('Can you confirm a man died?');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const edited = await h.postForm(`${link}/edit`, {
      _csrf: csrf,
      text: 'A man in his 40s died at the scene. His family have been informed.',
    });
    expect(edited.status).toBe(303);
    const [decided] = await eventsOf(h.database.db, reference, 'signoff_decided');
    expect(decided.data).toMatchObject({ by: 'Det Supt Grey (SIO)', decision: 'approved_with_edits', via: 'link' });

    // The old words are still refused; the approved ones are offered, and released.
    otto = await loginAs(h, OFFICER.email, OFFICER.password);
    const enquiryPage = await otto.get(`/desk/enquiries/${reference}`);
    expect(decodeEntities(enquiryPage.body)).toContain('Approved by Det Supt Grey (SIO)');
    const stale = await release(otto, reference, 'A man died at the scene.');
    expect(stale.status).toBe(422);
    expect(fieldError(stale.body, 'release')).toContain('These words differ from the ones signed off');
    const released = await release(
      otto,
      reference,
      'A man in his 40s died at the scene. His family have been informed.',
    );
    expect(released.status).toBe(303);
    expect(decodeEntities(await (await h.app.request(statusPath)).text())).toContain(
      'A man in his 40s died at the scene.',
    );
  });

  it('voids the approval when the draft changes after it, and release is refused again', async () => {
    const { sio, reference, otto } = await start();
    await otto.post(`/desk/enquiries/${reference}/signoff`, { draft: 'A man died.', approvers: [sio], via: 'sms' });
    const [text] = await textsTo(SIO);
    // The SIO approves by text with the code.
    const code = /APPROVE (\d{4})/.exec(text)![1];
    expect(await (await h.sms(SIO, `approve ${code}`)).text()).toContain(`you approved our response to ${reference}`);
    expect((await h.database.db.selectFrom('statement_draft').select('state').executeTakeFirstOrThrow()).state).toBe(
      'approved',
    );

    // The officer changes the words afterwards: the approval no longer applies.
    await otto.get(`/desk/enquiries/${reference}`);
    expect(
      (await otto.post(`/desk/enquiries/${reference}/draft`, { draft: 'A man died. Name to follow.' })).status,
    ).toBe(303);
    expect(await eventsOf(h.database.db, reference, 'draft_changed')).toHaveLength(1);
    const refused = await release(otto, reference, 'A man died.');
    expect(refused.status).toBe(422);
    expect((await release(otto, reference, 'A man died. Name to follow.')).status).toBe(422);
    // The SIO's link now says the words changed, and takes no decision.
    const link = LINK.exec(text)![1];
    expect(decodeEntities(await (await h.app.request(link)).text())).toContain(
      'changed this response after sending it to you',
    );
  });

  it('takes CHANGES by text as a return with a comment; a manager may release without sign-off, giving a reason that is recorded', async () => {
    const { sio, reference, otto } = await start();
    await otto.post(`/desk/enquiries/${reference}/signoff`, {
      draft: 'A man died on Kestrel Street.',
      approvers: [sio],
      via: 'sms',
    });
    const [text] = await textsTo(SIO);
    const code = /APPROVE (\d{4})/.exec(text)![1];
    expect(await (await h.sms(SIO, `CHANGES ${code} do not name the street`)).text()).toContain('we have your changes');
    const [returned] = await eventsOf(h.database.db, reference, 'signoff_decided');
    expect(returned.data).toMatchObject({ decision: 'returned', via: 'sms', comment: 'do not name the street' });
    expect(decodeEntities((await otto.get(`/desk/enquiries/${reference}`)).body)).toContain('do not name the street');
    // Returned, so nothing is approved: the release still needs sign-off.
    expect((await h.database.db.selectFrom('statement_draft').select('state').executeTakeFirstOrThrow()).state).toBe(
      'returned',
    );

    // An officer cannot override; a manager can, with a reason.
    const officerTry = await release(otto, reference, 'A man died.', { override: 'Deadline in five minutes' });
    expect(officerTry.status).toBe(422);
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    await mona.get(`/desk/enquiries/${reference}`);
    const noReason = await release(mona, reference, 'A man died.');
    expect(fieldError(noReason.body, 'release')).toContain('or give a reason to release it without');
    const overridden = await release(mona, reference, 'A man died.', {
      override: 'SIO unreachable; deadline at 10:30',
    });
    expect(overridden.status).toBe(303);
    const [override] = await eventsOf(h.database.db, reference, 'signoff_overridden');
    expect(override.data).toEqual({ reason: 'SIO unreachable; deadline at 10:30' });
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'detail'])
      .where('action', '=', 'statement.signoff_overridden')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      user_email: MANAGER.email,
      detail: { reason: 'SIO unreachable; deadline at 10:30' },
    });
  });

  it('erasing the approver from the directory takes their name from the sign-off record; that it was signed off stays', async () => {
    const { sio, reference, otto } = await start();
    await otto.post(`/desk/enquiries/${reference}/signoff`, { draft: 'A man died.', approvers: [sio], via: 'sms' });
    const [text] = await textsTo(SIO);
    const code = /APPROVE (\d{4})/.exec(text)![1];
    await h.sms(SIO, `APPROVE ${code}`);

    await h.services.colleagues.erase(sio, TEST);

    const request = await h.database.db
      .selectFrom('signoff_request')
      .select(['name', 'address', 'state'])
      .executeTakeFirstOrThrow();
    expect(request).toEqual({ name: '[erased]', address: '[erased]', state: 'approved' });
    const draft = await h.database.db
      .selectFrom('statement_draft')
      .select(['state', 'approved_by'])
      .executeTakeFirstOrThrow();
    expect(draft).toEqual({ state: 'approved', approved_by: '[erased]' });
    const [asked] = await eventsOf(h.database.db, reference, 'signoff_requested');
    const [decided] = await eventsOf(h.database.db, reference, 'signoff_decided');
    expect(asked.data.to).toEqual([{ name: '[erased]', via: 'sms' }]);
    expect(decided.data).toMatchObject({ by: '[erased]', decision: 'approved' });
    // The approved words can still be released.
    await otto.get(`/desk/enquiries/${reference}`);
    expect((await release(otto, reference, 'A man died.')).status).toBe(303);
  });

  it('a text reply to the journalist goes only in the approved words; a manager may send other words with a reason', async () => {
    const { sio, reference, otto } = await start();
    const JOURNALIST = '+447911123456';
    await otto.get(`/desk/enquiries/${reference}`);
    const early = await otto.post(`/desk/enquiries/${reference}/reply`, { reply: 'A man died.' });
    expect(early.status).toBe(422);
    expect(fieldError(early.body, 'reply')).toBe(
      'This enquiry needs sign-off: only approved words go to the journalist. Send them for sign-off below.',
    );
    expect(await textsTo(JOURNALIST)).toEqual([]);

    await otto.post(`/desk/enquiries/${reference}/signoff`, { draft: 'A man died.', approvers: [sio], via: 'sms' });
    const code = /APPROVE (\d{4})/.exec((await textsTo(SIO))[0])![1];
    await h.sms(SIO, `APPROVE ${code}`);

    await otto.get(`/desk/enquiries/${reference}`);
    const other = await otto.post(`/desk/enquiries/${reference}/reply`, { reply: 'A man died. More soon.' });
    expect(fieldError(other.body, 'reply')).toContain('These words differ from the ones signed off');
    expect((await otto.post(`/desk/enquiries/${reference}/reply`, { reply: 'A man died.' })).status).toBe(303);
    expect(await textsTo(JOURNALIST)).toEqual(['A man died.']);

    // A manager's different words go with a reason, which the timeline keeps as a reply's override.
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    await mona.get(`/desk/enquiries/${reference}`);
    const sent = await mona.post(`/desk/enquiries/${reference}/reply`, {
      reply: 'We will call you back within the hour.',
      replyOverride: 'Procedural: no facts in it',
    });
    expect(sent.status).toBe(303);
    expect(await textsTo(JOURNALIST)).toEqual(['A man died.', 'We will call you back within the hour.']);
    const [override] = await eventsOf(h.database.db, reference, 'signoff_overridden');
    expect(override.data).toEqual({ reason: 'Procedural: no facts in it', what: 'reply' });
  });

  it('records on the release how the words passed sign-off', async () => {
    const { sio, reference, otto } = await start();
    await otto.post(`/desk/enquiries/${reference}/signoff`, { draft: 'A man died.', approvers: [sio], via: 'sms' });
    const code = /APPROVE (\d{4})/.exec((await textsTo(SIO))[0])![1];
    await h.sms(SIO, `APPROVE ${code}`);
    await otto.get(`/desk/enquiries/${reference}`);
    expect((await release(otto, reference, 'A man died.')).status).toBe(303);
    const [recorded] = await eventsOf(h.database.db, reference, 'response_recorded');
    expect(recorded.data).toMatchObject({ released: true, signOff: 'approved' });
  });

  it('an approver who has not decided hears of the deadline warning, once, with a fresh link and their code', async () => {
    const { sio, reference, otto } = await start();
    await otto.post(`/desk/enquiries/${reference}/signoff`, { draft: 'A man died.', approvers: [sio], via: 'sms' });
    const [ask] = await textsTo(SIO);
    const code = /APPROVE (\d{4})/.exec(ask)![1];
    const { warn_at } = await h.database.db
      .selectFrom('enquiry')
      .select('warn_at')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    h.clock.set(new Date(warn_at!.getTime() + 60_000));
    await h.services.deadlines.sweep();
    await h.services.deadlines.sweep();
    const texts = await textsTo(SIO);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain(`reminder. The journalist's deadline is`);
    expect(texts[1]).toContain(
      `our response to media enquiry ${reference} (Evening Gazette) still waits for your sign-off.`,
    );
    expect(texts[1]).toContain(`Or reply APPROVE ${code}`);
    const fresh = LINK.exec(texts[1])![1];
    expect(fresh).not.toBe(LINK.exec(ask)![1]);
    expect((await h.app.request(fresh)).status).toBe(200);
  });

  it('asks for no sign-off where the office does not require it (statements.signOff)', async () => {
    const { reference, otto } = await start('urgent');
    await otto.get(`/desk/enquiries/${reference}`);
    expect((await release(otto, reference, 'A man died.')).status).toBe(303);
  });
});

describe('sign-off out of hours, from the on-call link', () => {
  it('the on-call officer sends the response for sign-off from the page link; the SIO approves by text at night', async () => {
    // Christmas Eve 18:00: the office is closed; the urgent enquiry pages on-call.
    const ON_CALL = '+447911200009';
    h = await startHarness({
      now: '2026-12-24T18:00:00Z',
      jobs: true,
      config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null }, statements: { signOff: 'urgent' } },
    });
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });
    const now = h.clock.now();
    const { id: sio } = await h.database.db
      .insertInto('colleague')
      .values({
        name: 'Det Supt Grey',
        role: 'SIO',
        mobile: SIO,
        email: null,
        usual_hours: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: '+447911123456',
      subject: 'Fire at the depot',
      details: 'Was anyone hurt?',
      urgent: true,
    });
    const { reference } = (await res.json()) as { reference: string };
    const [page] = await textsTo(ON_CALL);
    const path = /\/m\/[A-Za-z0-9_-]{22}/.exec(page)![0];

    const view = decodeEntities(await (await h.app.request(path)).text());
    expect(view).toContain('Draft and sign-off');
    expect(view).toContain('Sign-off is required');
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(view)![1];
    const form = (action: string, extra: Array<[string, string]>) =>
      h.app.request(`${path}/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([
          ['_csrf', field('_csrf')],
          ['reference', reference],
          ['key', field('key')],
          ...extra,
        ]).toString(),
      });

    // Nobody chosen: refused, the words kept.
    const refused = await form('signoff', [
      ['draft', 'Nobody was hurt.'],
      ['via', 'sms'],
    ]);
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(fieldError(refusedHtml, 'signoff-approvers')).toBe('Choose who signs it off');
    expect(refusedHtml).toContain('Nobody was hurt.</textarea>');

    const sent = await form('signoff', [
      ['draft', 'Nobody was hurt.'],
      ['approvers', sio],
      ['via', 'sms'],
    ]);
    expect(sent.status).toBe(303);
    const [ask] = await textsTo(SIO);
    expect(ask).toContain(`please sign off our response to media enquiry ${reference}`);
    const [requested] = await eventsOf(h.database.db, reference, 'signoff_requested');
    expect(requested.actor).toBe('Olu On-Call');

    // 23:10: the SIO replies from their phone; the approved words are what the desk can release.
    h.clock.advance(5 * 60 * 60_000 + 10 * 60_000);
    const code = /APPROVE (\d{4})/.exec(ask)![1];
    expect(await (await h.sms(SIO, `APPROVE ${code}`)).text()).toContain(`you approved our response to ${reference}`);
    const draft = await h.database.db
      .selectFrom('statement_draft')
      .select(['state', 'text', 'approved_by'])
      .executeTakeFirstOrThrow();
    expect(draft).toEqual({ state: 'approved', text: 'Nobody was hurt.', approved_by: 'Det Supt Grey (SIO)' });
    expect(decodeEntities(await (await h.app.request(path)).text())).toContain('Approved by Det Supt Grey (SIO)');
  });
});
