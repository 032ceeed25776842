/**
 * Issue 27, items 1 to 3: the on-call chain guarded. Each person on a shift is reminded
 * `onCall.reminders.beforeStartMinutes` before it starts and confirms by replying OK; a shift
 * still unconfirmed `confirmWithinMinutes` after its start alerts the managers once; its end is
 * texted with who has it now. Out-of-hours stretches of the next `onCall.lookAheadDays` with
 * nobody on call, or with someone whose number failed its last page or test, are gaps: on every
 * desk page and in red on the rota page, texted to the managers once each.
 * The watch and the gap check are called as their every-minute and every-morning tasks (and the
 * job a rota change queues) would, after moving the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { numbersVerified } from '../support/rota.js';
import { replyTo } from '../support/sms-reply.js';

const SAM = '+447911200001';
const JO = '+447911200002';
const DUTY_MANAGER = '+447911300001';
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona@press.example', password: 'correct horse battery 1' };

let h: Harness;
afterEach(async () => h?.close());

async function start(now: string, onCall: Record<string, unknown> = {}) {
  h = await startHarness({
    now,
    jobs: true,
    config: {
      desk: { escalationNumbers: [DUTY_MANAGER] },
      onCall: { bundleSeconds: 0, reminders: { beforeStartMinutes: 120, confirmWithinMinutes: 30 }, ...onCall },
    },
  });
  const sam = await h.services.rota.addPerson({ name: 'Sam Patel', phone: SAM });
  const jo = await h.services.rota.addPerson({ name: 'Jo Smith', phone: JO });
  await numbersVerified(h.database.db);
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  return { sam, jo };
}

async function shift(phone: string, from: string, to: string) {
  return h.services.rota.addShift({
    phone,
    role: 'primary',
    startsAt: new Date(from),
    endsAt: new Date(to),
    createdBy: 'test',
  });
}

/** Moves the clock and runs the every-minute watch, then lets the texts it queued go. */
async function watchAt(at: string) {
  h.clock.set(at);
  const r = await h.services.rotaGuard.watch();
  await h.jobs.settle();
  return r;
}

function textsTo(phone: string): string[] {
  return h.twilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');
}

/** The service's public address, as links in texts start. */
function base(): string {
  return h.services.config.publicBaseUrl.replace(/\/+$/, '');
}

/** The path of the shift link in the last text to `phone`. */
function shiftLinkIn(phone: string): string {
  const m = /\/r\/[A-Za-z0-9_-]+/.exec(textsTo(phone).at(-1) ?? '');
  if (!m) throw new Error(`no shift link in the last text to ${phone}`);
  return m[0];
}

async function manager(): Promise<DeskClient> {
  return loginAs(h, MANAGER.email, MANAGER.password);
}

describe('handoff reminders', () => {
  it('reminds two hours before a shift across the October clock change, OK confirms it, and the end says who has it now', async () => {
    // Friday 23 October 2026, 12:00 BST. Sam holds the weekend from 17:00 BST to Monday 09:00 GMT
    // (the clocks go back on Sunday 25 October); Jo has it before and after.
    await start('2026-10-23T11:00:00Z');
    await shift(JO, '2026-10-22T16:00:00Z', '2026-10-23T16:00:00Z');
    await shift(SAM, '2026-10-23T16:00:00Z', '2026-10-26T09:00:00Z');
    await shift(JO, '2026-10-26T09:00:00Z', '2026-10-27T09:00:00Z');

    // 14:59 BST: not yet. 15:00 BST (17:00 less two hours): the reminder.
    await watchAt('2026-10-23T13:59:00Z');
    expect(textsTo(SAM)).toEqual([]);
    await watchAt('2026-10-23T14:00:00Z');
    expect(textsTo(SAM)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^You're on call for Press Office from Fri 23 Oct 17:00 to Mon 26 Oct 09:00\\. Before you: Jo Smith\\. After you: Jo Smith\\. Reply OK to confirm, or confirm or ask for cover here: ${base()}/r/[A-Za-z0-9_-]+\\.$`,
        ),
      ),
    ]);
    // Every later minute finds nothing more to remind.
    await watchAt('2026-10-23T14:01:00Z');
    expect(textsTo(SAM)).toHaveLength(1);

    const mona = await manager();
    const before = decodeEntities((await mona.get('/desk/rota')).body);
    expect(before).toContain('not confirmed');

    h.clock.set('2026-10-23T14:20:00Z');
    expect(await replyTo(h, SAM, 'OK')).toBe(
      'Press Desk: thank you, Sam Patel. Your shift from Fri 23 Oct 17:00 to Mon 26 Oct 09:00 is confirmed.',
    );
    const after = decodeEntities((await mona.get('/desk/rota')).body);
    expect(after).toContain('confirmed Fri 23 Oct 15:20');
    expect(after).not.toContain('not confirmed');

    // Confirmed: half an hour after the start nobody is alerted.
    await watchAt('2026-10-23T16:30:00Z');
    expect(textsTo(DUTY_MANAGER)).toEqual([]);

    // Monday 09:00 GMT (the clocks went back): the end, with who has it now.
    await watchAt('2026-10-26T08:59:00Z');
    expect(textsTo(SAM)).toHaveLength(1);
    await watchAt('2026-10-26T09:00:00Z');
    expect(textsTo(SAM).at(-1)).toBe('Press Office: your on-call shift has ended; Jo Smith has it now. Thank you.');
  });

  it('alerts the managers once when a shift is not confirmed half an hour after it starts, by text and on every desk page', async () => {
    // Thursday 24 December 2026: the office closes at 17:00 for Christmas (25th and 28th are bank holidays).
    await start('2026-12-24T12:00:00Z');
    await shift(SAM, '2026-12-24T17:00:00Z', '2026-12-29T09:00:00Z');
    await watchAt('2026-12-24T15:00:00Z');
    expect(textsTo(SAM)).toEqual([
      expect.stringContaining(
        "You're on call for Press Office from Thu 24 Dec 17:00 to Tue 29 Dec 09:00. Before you: nobody. After you: nobody yet. Reply OK to confirm, or confirm or ask for cover here: ",
      ),
    ]);

    await watchAt('2026-12-24T17:29:00Z');
    expect(textsTo(DUTY_MANAGER).filter((t) => t.includes('not confirmed'))).toEqual([]);
    await watchAt('2026-12-24T17:30:00Z');
    await watchAt('2026-12-24T17:31:00Z');
    expect(textsTo(DUTY_MANAGER).filter((t) => t.includes('not confirmed'))).toEqual([
      'Press Office: Sam Patel has not confirmed their on-call shift (Thu 24 Dec 17:00 to Tue 29 Dec 09:00). Check they have the on-call phone: http://localhost:3000/desk/rota'.replace(
        'http://localhost:3000',
        h.services.config.publicBaseUrl.replace(/\/+$/, ''),
      ),
    ]);
    const page = decodeEntities((await (await manager()).get('/desk')).body);
    expect(page).toContain('Sam Patel has not confirmed their on-call shift.');

    // A late OK still confirms, and the banner goes.
    expect(await replyTo(h, SAM, 'ok')).toContain('is confirmed');
    expect(decodeEntities((await (await manager()).get('/desk')).body)).not.toContain('has not confirmed');
  });

  it('an OK from a phone with nothing to confirm is not taken as a confirmation', async () => {
    await start('2026-12-24T12:00:00Z');
    await shift(SAM, '2026-12-24T17:00:00Z', '2026-12-29T09:00:00Z');
    // Before the reminder, there is nothing to confirm yet.
    expect(await replyTo(h, SAM, 'OK')).not.toContain('confirmed');
  });
});

describe('coverage gaps', () => {
  it('a gap made by deleting a shift is texted once and shown to managers, and disappears when filled', async () => {
    // Monday 30 November 2026, 10:00. Three days ahead: Mon, Tue and Wed evenings and nights.
    await start('2026-11-30T10:00:00Z', { lookAheadDays: 3 });
    const mona = await manager();
    await shift(SAM, '2026-11-30T17:00:00Z', '2026-12-01T09:00:00Z');
    const tuesday = await shift(JO, '2026-12-01T17:00:00Z', '2026-12-02T09:00:00Z');
    await shift(SAM, '2026-12-02T17:00:00Z', '2026-12-03T09:00:00Z');
    // The morning check: nights covered (the rest of Wednesday 3 December from 17:00 is beyond
    // the three days), so no gap.
    expect(await h.services.rotaGuard.checkGaps()).toEqual([]);

    const del = await mona.post(`/desk/rota/shifts/${tuesday.id}/delete`);
    expect(del.status).toBe(303);
    // The change queued the check: it runs on the job runner.
    await h.jobs.settle();
    const gapTexts = () => textsTo(DUTY_MANAGER).filter((t) => t.includes('gap'));
    expect(gapTexts()).toEqual([
      `Press Office: the on-call rota has a new gap in the next 3 days. Tue 1 Dec 17:00 to Wed 2 Dec 09:00: nobody on call. Fill it: ${h.services.config.publicBaseUrl.replace(/\/+$/, '')}/desk/rota`,
    ]);
    const desk = decodeEntities((await mona.get('/desk')).body);
    expect(desk).toContain('The on-call rota has a gap in the next 3 days.');
    const rota = decodeEntities((await mona.get('/desk/rota')).body);
    expect(rota).toContain('A gap in the rota');
    expect(rota).toMatch(/class="is-fallback is-gap"/);

    // Checked again (another change, the morning sweep): the same gap is not texted again.
    await h.services.rotaGuard.checkGaps();
    await h.jobs.settle();
    expect(gapTexts()).toHaveLength(1);

    // Filled: the gap goes, with no text.
    await shift(JO, '2026-12-01T16:00:00Z', '2026-12-02T10:00:00Z');
    expect(await h.services.rotaGuard.checkGaps()).toEqual([]);
    await h.jobs.settle();
    expect(gapTexts()).toHaveLength(1);
    expect(decodeEntities((await mona.get('/desk')).body)).not.toContain('The on-call rota has');
  });

  it('bank holidays count as out of hours: an empty Christmas is one gap from Thursday 17:00 to Tuesday 09:00', async () => {
    await start('2026-12-24T10:00:00Z', { lookAheadDays: 5 });
    const gaps = await h.services.rotaGuard.checkGaps();
    // Open 10:00-17:00 on the 24th; closed 25th (bank holiday), weekend, 28th (bank holiday); open Tue 29th 09:00.
    expect(gaps.map((g) => [g.startsAt.toISOString(), g.endsAt.toISOString(), g.reason])).toEqual([
      ['2026-12-24T17:00:00.000Z', '2026-12-29T09:00:00.000Z', 'nobody'],
    ]);
  });

  it('a number whose last test failed makes its out-of-hours shifts gaps, and a later test that reaches it clears them', async () => {
    const { sam } = await start('2026-11-30T10:00:00Z', { lookAheadDays: 2 });
    await shift(SAM, '2026-11-30T17:00:00Z', '2026-12-02T09:00:00Z');
    expect(await h.services.rotaGuard.checkGaps()).toEqual([]);

    await h.services.rota.queueTestPage(sam.id, TEST);
    await h.jobs.settle();
    const test = h.twilio.messages.find((m) => m.to === SAM)!;
    expect(await h.twilio.sendStatusCallback(test, 'undelivered')).toBeLessThan(300);
    await h.jobs.settle();

    const gaps = await h.services.rotaGuard.checkGaps();
    expect(gaps.map((g) => [g.startsAt.toISOString(), g.endsAt.toISOString(), g.reason, g.personId])).toEqual([
      ['2026-11-30T17:00:00.000Z', '2026-12-01T09:00:00.000Z', 'failed_number', sam.id],
      ['2026-12-01T17:00:00.000Z', '2026-12-02T09:00:00.000Z', 'failed_number', sam.id],
    ]);
    await h.jobs.settle();
    expect(textsTo(DUTY_MANAGER).filter((t) => t.includes('2 new gaps'))).toEqual([
      expect.stringContaining("Mon 30 Nov 17:00 to Tue 1 Dec 09:00: Sam Patel's number failed its last page or test"),
    ]);
    const rota = decodeEntities((await (await manager()).get('/desk/rota')).body);
    expect(rota).toContain('last page or test failed Mon 30 Nov 10:00');

    h.clock.set('2026-11-30T11:00:00Z');
    await h.services.rota.queueTestPage(sam.id, TEST);
    await h.jobs.settle();
    const second = h.twilio.messages.filter((m) => m.to === SAM).at(-1)!;
    expect(await h.twilio.sendStatusCallback(second, 'delivered')).toBeLessThan(300);
    expect(await h.services.rotaGuard.checkGaps()).toEqual([]);
    expect(decodeEntities((await (await manager()).get('/desk/rota')).body)).toContain('Reached Mon 30 Nov 11:00');
  });
});

describe('numbers verified before use', () => {
  /** The code in the last verification text to `phone`. */
  function codeSentTo(phone: string): string {
    const body = textsTo(phone)
      .filter((t) => t.includes('is the code to verify'))
      .at(-1);
    return /(\d{6})/.exec(body ?? '')?.[1] ?? '';
  }

  it('a new number is texted a code and cannot go on a shift until it is given back, on the desk or by text', async () => {
    await start('2026-11-30T10:00:00Z', { lookAheadDays: 2 });
    const mona = await manager();
    const KIM = '+447911200003';
    expect((await mona.post('/desk/rota/people', { name: 'Kim Lee', phone: '07911 200003' })).status).toBe(303);
    await h.jobs.settle();
    const code = codeSentTo(KIM);
    expect(code).toMatch(/^\d{6}$/);
    const kim = (await h.services.rota.findPersonByPhone(KIM))!;
    expect(kim.phone_verified_at).toBeNull();

    // Not choosable: the form offers Kim disabled, and a post naming Kim is refused.
    const page = decodeEntities((await mona.get('/desk/rota')).body);
    expect(page).toMatch(
      new RegExp(`<option value="${kim.id}" disabled="">Kim Lee \\(\\+447911200003\\) \\(number not verified\\)`),
    );
    const shiftForm = { personId: kim.id, role: 'primary', startsAt: '2026-11-30T17:00', endsAt: '2026-12-01T09:00' };
    let res = await mona.post('/desk/rota/shifts', shiftForm);
    expect(res.status).toBe(422);
    expect(decodeEntities(res.body)).toContain("Kim Lee's number (+447911200003) is not verified yet");

    // Put on the rota some other way (the CLI, an old shift), an unverified number is a gap.
    await shift(KIM, '2026-11-30T17:00:00Z', '2026-12-01T09:00:00Z');
    expect((await h.services.rotaGuard.checkGaps()).map((g) => [g.reason, g.personId])).toContainEqual([
      'unverified_number',
      kim.id,
    ]);

    // A wrong code is refused beside the field; the right one, typed on the desk, verifies.
    const wrong = code === '000000' ? '111111' : '000000';
    res = await mona.post(`/desk/rota/people/${kim.id}/verify`, { code: wrong });
    expect(res.status).toBe(422);
    expect(decodeEntities(res.body)).toContain('That code is not right: check it and try again');
    res = await mona.post(`/desk/rota/people/${kim.id}/verify`, { code });
    expect(res.status).toBe(303);
    expect((await mona.post('/desk/rota/shifts', shiftForm)).status).toBe(303);
    expect((await h.services.rotaGuard.checkGaps()).filter((g) => g.reason === 'unverified_number')).toEqual([]);

    // A changed number must be verified again: this time Kim texts the code back.
    h.clock.set('2026-11-30T10:05:00Z');
    expect((await mona.post(`/desk/rota/people/${kim.id}/phone`, { phone: '07911 200004' })).status).toBe(303);
    await h.jobs.settle();
    const again = codeSentTo('+447911200004');
    expect((await h.services.rota.findPersonByPhone('+447911200004'))!.phone_verified_at).toBeNull();
    expect(await replyTo(h, '+447911200004', again)).toBe(
      'Press Desk: thank you, Kim Lee. This number is verified for the on-call rota.',
    );
    expect((await h.services.rota.findPersonByPhone('+447911200004'))!.phone_verified_at).not.toBeNull();
  });

  it('stops a code after five wrong tries, and a code expires after 30 minutes', async () => {
    await start('2026-11-30T10:00:00Z');
    const mona = await manager();
    await mona.post('/desk/rota/people', { name: 'Kim Lee', phone: '07911 200003' });
    await h.jobs.settle();
    const code = codeSentTo('+447911200003');
    const kim = (await h.services.rota.findPersonByPhone('+447911200003'))!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await mona.post(`/desk/rota/people/${kim.id}/verify`, { code: wrong });
    const res = await mona.post(`/desk/rota/people/${kim.id}/verify`, { code });
    expect(decodeEntities(res.body)).toContain('Too many wrong codes: send a new one');

    h.clock.set('2026-11-30T10:02:00Z');
    expect((await mona.post(`/desk/rota/people/${kim.id}/send-code`)).status).toBe(303);
    await h.jobs.settle();
    const fresh = codeSentTo('+447911200003');
    h.clock.set('2026-11-30T10:32:00Z');
    expect(decodeEntities((await mona.post(`/desk/rota/people/${kim.id}/verify`, { code: fresh })).body)).toContain(
      'That code has expired: send a new one',
    );
    // The audit log records that codes were sent, never the codes.
    const sentEntries = await h.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'rota.verification_sent')
      .execute();
    expect(sentEntries).toHaveLength(2);
    expect(JSON.stringify(sentEntries)).not.toContain(fresh);
  });
});

describe("the link in a shift's reminder", () => {
  it('opens that shift on the phone: confirm it, or ask colleagues to cover it; it stops when the shift ends', async () => {
    await start('2026-12-24T12:00:00Z');
    await h.services.rota.addPerson({ name: 'Kim Lee', phone: '+447911200003' });
    await numbersVerified(h.database.db);
    await shift(SAM, '2026-12-24T17:00:00Z', '2026-12-29T09:00:00Z');
    await watchAt('2026-12-24T15:00:00Z');
    const path = shiftLinkIn(SAM);

    const page = await h.app.request(path);
    expect(page.status).toBe(200);
    const html = decodeEntities(await page.text());
    expect(html).toContain('You are on call for Press Office from Thu 24 Dec 17:00 to Tue 29 Dec 09:00.');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const post = (action: string) =>
      h.app.request(`${path}/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });

    // Confirmed from the link, as by OK: nobody is alerted at 17:30.
    h.clock.set('2026-12-24T15:10:00Z');
    let res = await post('confirm');
    expect(res.status).toBe(303);
    expect(decodeEntities(await (await h.app.request(res.headers.get('location')!)).text())).toContain(
      'Confirmed Thu 24 Dec 15:10.',
    );
    await watchAt('2026-12-24T17:30:00Z');
    expect(textsTo(DUTY_MANAGER).filter((t) => t.includes('not confirmed'))).toEqual([]);

    // Something came up: ask for cover of the rest of the shift. Colleagues are texted their links.
    res = await post('cover');
    expect(res.status).toBe(303);
    await h.jobs.settle();
    for (const colleague of [JO, '+447911200003'])
      expect(textsTo(colleague).at(-1)).toMatch(new RegExp(`${base()}/cover/[A-Za-z0-9_-]+`));
    const request = await h.database.db
      .selectFrom('cover_request')
      .select(['starts_at', 'ends_at'])
      .executeTakeFirstOrThrow();
    expect([request.starts_at.toISOString(), request.ends_at.toISOString()]).toEqual([
      '2026-12-24T17:30:00.000Z',
      '2026-12-29T09:00:00.000Z',
    ]);

    // A form from elsewhere is refused; a tampered link and an ended shift's link are 404.
    const forged = await h.app.request(`${path}/confirm`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '_csrf=forged',
    });
    expect(forged.status).toBe(403);
    expect((await h.app.request(`${path}x`)).status).toBe(404);
    h.clock.set('2026-12-29T09:00:00Z');
    expect((await h.app.request(path)).status).toBe(404);
  });
});
