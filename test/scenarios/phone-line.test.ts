import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loginAs, deskClient, decodeEntities } from '../support/desk-client.js';
import { PRESS_OFFICE_NUMBER, PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { unsignedFormRequest } from '../support/twilio-webhook.js';

// The press office's phone line (issue 14), call by call, through the real service and a fake
// Twilio that plays out the TwiML as Twilio would.

const VOICE_URL = `${PUBLIC_BASE_URL}/twilio/voice`;
const JOURNALIST = '+447911123401'; // a UK mobile
const LANDLINE = '+441632960555';
const ON_CALL = { name: 'Kim Lee', phone: '+447911200001' };
const DESK = ['+441632960001', '+441632960002'];
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };

// Friday 27 November 2026, 19:30 in London (GMT): closed until Monday 9:00.
const FRIDAY_EVENING = '2026-11-27T19:30:00Z';
// Monday 30 November 2026, 10:00: open.
const MONDAY_MORNING = '2026-11-30T10:00:00Z';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function start(now: string, config: unknown = {}) {
  h = await startHarness({ now, jobs: true, config });
  return h;
}

async function putOnCall() {
  const now = h.clock.now();
  await h.services.rota.addPerson(ON_CALL);
  await h.services.rota.addShift({
    phone: ON_CALL.phone,
    role: 'primary',
    startsAt: new Date(now.getTime() - 3_600_000),
    endsAt: new Date(now.getTime() + 86_400_000 * 4),
    createdBy: 'test',
  });
}

async function enquiries() {
  return h.database.db.selectFrom('enquiry').selectAll().orderBy('id').execute();
}

async function timelineKinds(enquiryId: string) {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .select(['kind', 'data'])
    .where('enquiry_id', '=', enquiryId)
    .orderBy('id')
    .execute();
  return rows;
}

/** What the service answered to the message (the caller has hung up, so Twilio plays it to nobody). */
function afterMessage(log: { steps: Array<{ url: string; twiml: string }> }): string {
  const step = log.steps.find((s) => s.url.endsWith('/twilio/voice/recording'));
  if (!step) throw new Error('no recording action was requested');
  return step.twiml;
}

function spelt(reference: string): string {
  return reference
    .split('-')
    .map((p) => p.split('').join(' '))
    .join(', ');
}

async function call(row: string) {
  return h.database.db.selectFrom('voice_call').selectAll().where('call_sid', '=', row).executeTakeFirstOrThrow();
}

const transcript =
  'Hello, this is Jo Bloggs from the Evening Echo about the warehouse fire on Mill Lane, my deadline is ten tonight.';

describe('out of hours', () => {
  it('a journalist calls at 19:30 on a Friday, presses 1; the on-call officer accepts → connected, on the timeline, not paged', async () => {
    await start(FRIDAY_EVENING);
    await putOnCall();

    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['1'] },
      parties: { [ON_CALL.phone]: { answers: true, digits: ['1'], talkSeconds: 95 } },
    });

    expect(log.error).toBeNull();
    expect(log.said[0]).toContain('The press office is closed. It opens at nine a.m. on Monday the 30th of November.');
    expect(log.said[0]).toContain(
      'If your enquiry is urgent and cannot wait, press 1. To leave a message for the morning, press 2.',
    );
    expect(log.dials).toHaveLength(1);
    expect(log.dials[0].numbers).toEqual([ON_CALL.phone]);
    // Neither side sees the other's personal number: the officer's phone shows the press office.
    expect(log.dials[0].callerId).toBe(PRESS_OFFICE_NUMBER);
    expect(log.dials[0].bridged).toBe(true);
    expect(log.parties[ON_CALL.phone].said[0]).toBe(
      'Media call for the press office, from 0 7 9 1 1 1 2 3 4 0 1. Press 1 to accept.',
    );

    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({ channel: 'voice', urgent: true, phone: JOURNALIST, needs_on_call: false });
    const events = await timelineKinds(enquiry.id);
    expect(events.map((e) => e.kind)).toEqual(['received', 'call_in', 'call_connected']);
    expect(events[2].data).toMatchObject({ name: ON_CALL.name, to: ON_CALL.phone, seconds: 95 });

    // They took the call: no page about it.
    await h.jobs.settle();
    expect(h.twilio.messages).toEqual([]);
    expect(await h.database.db.selectFrom('page').select('id').execute()).toEqual([]);
  });

  it('nobody accepts (a voicemail box answers and presses nothing) → message → urgent enquiry → page, and the caller gets the reference by text', async () => {
    await start(FRIDAY_EVENING);
    await putOnCall();

    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['1'], message: { seconds: 41, transcript } },
      parties: { [ON_CALL.phone]: { answers: true, digits: [] } },
    });

    expect(log.error).toBeNull();
    expect(log.parties[ON_CALL.phone].accepted).toBe(false);
    expect(log.dials[0].bridged).toBe(false);
    expect(log.said.join(' ')).toContain('The on-call press officer could not take your call.');
    expect(log.recordings).toHaveLength(1);

    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({
      channel: 'voice',
      urgent: true,
      urgent_reason: 'journalist',
      needs_on_call: true,
      phone: JOURNALIST,
    });
    // The caller hears their reference, spelt out, and the truth about what happens next.
    expect(afterMessage(log)).toContain(`Your reference is ${spelt(enquiry.reference)}.`);
    expect(afterMessage(log)).toContain('on-call');

    const events = await timelineKinds(enquiry.id);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['received', 'page_created', 'call_in', 'voicemail', 'transcription']),
    );
    expect(events.find((e) => e.kind === 'call_in')!.data).toMatchObject({ outcome: 'not_accepted', outOfHours: true });
    expect(enquiry.subject).toBe(`Voicemail: ${transcript.slice(0, 69)}…`);
    expect(enquiry.details).toContain(transcript);

    await h.jobs.settle();
    const page = h.twilio.messages.find((m) => m.to === ON_CALL.phone);
    expect(page?.body).toContain(`URGENT media enquiry ${enquiry.reference}`);
    const toCaller = h.twilio.messages.find((m) => m.to === JOURNALIST);
    expect(toCaller?.body).toContain(`Your reference is ${enquiry.reference}.`);
  });

  it('with voice.outOfHoursUrgent "message", 1 goes straight to the message, which pages', async () => {
    await start(FRIDAY_EVENING, { voice: { outOfHoursUrgent: 'message' } });
    await putOnCall();
    const log = await h.twilio.call({
      from: LANDLINE,
      url: VOICE_URL,
      caller: { digits: ['1'], message: { seconds: 20, transcript: 'Urgent, about the fire.' } },
    });
    expect(log.dials).toEqual([]);
    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({ urgent: true, needs_on_call: true });
    await h.jobs.settle();
    expect(h.twilio.messages.map((m) => m.to)).toEqual([ON_CALL.phone]); // a landline gets no text
  });

  it('2, or no key at all, is a message for the morning: not urgent, not paged', async () => {
    await start(FRIDAY_EVENING);
    await putOnCall();
    const pressed2 = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 30, transcript: 'Not urgent.' } },
    });
    const silent = await h.twilio.call({
      from: LANDLINE,
      url: VOICE_URL,
      caller: { digits: [], message: { seconds: 12, transcript: null } },
    });
    expect(pressed2.error).toBeNull();
    expect(silent.error).toBeNull();
    // Asked twice, then taken as 2.
    expect(silent.said.filter((s) => s.includes('press 2')).length).toBe(2);
    const rows = await enquiries();
    expect(rows.map((e) => [e.urgent, e.needs_on_call])).toEqual([
      [false, false],
      [false, false],
    ]);
    const failed = (await timelineKinds(rows[1].id)).find((e) => e.kind === 'transcription');
    expect(failed?.data).toMatchObject({ text: null });
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === ON_CALL.phone)).toEqual([]);
  });

  it('on a bank holiday says so, and when the office opens after it', async () => {
    await start('2026-12-25T11:00:00Z');
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 15, transcript: 'Happy Christmas.' } },
    });
    expect(log.said[0]).toContain('The press office is closed today for Christmas Day.');
    expect(log.said[0]).toContain('It opens at nine a.m. on Tuesday the 29th of December.');
  });

  it('on the night the clocks go back, the opening time is still nine a.m. office time', async () => {
    // 01:30 BST on Sunday 25 October 2026 (the first of the two 01:30s).
    await start('2026-10-25T00:30:00Z');
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 15, transcript: 'Late one.' } },
    });
    expect(log.said[0]).toContain('It opens at nine a.m. tomorrow.');
    const [enquiry] = await enquiries();
    // Monday 26 October 09:00 GMT, plus the 4-hour response target.
    expect(enquiry.respond_by?.toISOString()).toBe('2026-10-26T13:00:00.000Z');
  });

  it('a withheld number: the enquiry says so, and no text is attempted', async () => {
    await start(FRIDAY_EVENING);
    const log = await h.twilio.call({
      from: 'anonymous',
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 25, transcript: 'From a withheld number.' } },
    });
    expect(log.error).toBeNull();
    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({ channel: 'voice', phone: null, email: null });
    const events = await timelineKinds(enquiry.id);
    expect(events.find((e) => e.kind === 'call_in')!.data).toMatchObject({ from: null });
    await h.jobs.settle();
    expect(h.twilio.messages).toEqual([]);
  });

  it('a caller who hangs up before the tone leaves no enquiry, but the call is kept for the digest', async () => {
    await start(FRIDAY_EVENING);
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], hangUpAt: 'record' },
    });
    expect(log.ended).toBe('caller-hung-up');
    expect(await enquiries()).toEqual([]);
    expect(await call(log.sid)).toMatchObject({ from_number: JOURNALIST, enquiry_id: null, recording_sid: null });
  });

  it('a second call from the same number joins the open enquiry, as texts do', async () => {
    await start(FRIDAY_EVENING);
    await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 10, transcript: 'First message.' } },
    });
    h.clock.advance(30 * 60_000);
    const second = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 10, transcript: 'Second message.' } },
    });
    const rows = await enquiries();
    expect(rows).toHaveLength(1);
    expect(afterMessage(second)).toContain(`we have added this to your enquiry ${spelt(rows[0].reference)}`);
    const kinds = (await timelineKinds(rows[0].id)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'voicemail')).toHaveLength(2);
  });
});

describe('in office hours', () => {
  it('rings every desk phone at once, showing the caller; the desk answers → no message needed', async () => {
    await start(MONDAY_MORNING, { voice: { deskNumbers: DESK } });
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      parties: { [DESK[1]]: { answers: true, talkSeconds: 240 } },
    });
    expect(log.error).toBeNull();
    expect(log.dials[0]).toMatchObject({ numbers: DESK, timeout: 25, callerId: JOURNALIST, bridged: true });
    expect(await enquiries()).toEqual([]);
    expect(await call(log.sid)).toMatchObject({
      outcome: 'desk_answered',
      connected_seconds: 240,
      out_of_hours: false,
    });
  });

  it('nobody answers → a voicemail enquiry in the queue, found by the words in its transcription', async () => {
    await start(MONDAY_MORNING, { voice: { deskNumbers: DESK, ringSeconds: 20 } });
    await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { message: { seconds: 33, transcript } },
    });
    expect(log.dials[0]).toMatchObject({ numbers: DESK, timeout: 20, bridged: false });
    expect(log.said.join(' ')).toContain('Nobody on the press desk could take your call just now.');
    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({ channel: 'voice', urgent: false, out_of_hours: false, status: 'new' });

    const desk = await loginAs(h, MANAGER.email, MANAGER.password);
    const found = await desk.get('/desk?q=warehouse');
    expect(found.body).toContain(enquiry.reference);
    expect((await desk.get('/desk?channel=voice')).body).toContain(enquiry.reference);
    expect((await desk.get('/desk?q=warehouse&channel=sms')).body).not.toContain(enquiry.reference);
    // Counted as a phone enquiry in the reports and the CSV ("this week" runs up to now).
    h.clock.advance(60_000);
    const figures = JSON.parse((await desk.get('/desk/reports.json')).body) as {
      received: { byChannel: Record<string, number> };
    };
    expect(figures.received.byChannel).toMatchObject({ voice: 1, web: 0, sms: 0 });
    expect((await desk.get('/desk/reports.csv')).body).toMatch(new RegExp(`${enquiry.reference},voice,`));

    // The message plays from the enquiry's page, fetched from Twilio with the account's credentials.
    const page = await desk.get(`/desk/enquiries/${enquiry.reference}`);
    const [recordingSid] = log.recordings;
    expect(decodeEntities(page.body)).toContain(`/desk/recordings/${recordingSid}`);
    const audio = await desk.get(`/desk/recordings/${recordingSid}`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect(audio.headers.get('cache-control')).toContain('no-store');
    // Not for anyone without a session, and never a public Twilio link in the page.
    expect((await deskClient(h).get(`/desk/recordings/${recordingSid}`)).status).toBe(303);
    expect(page.body).not.toContain(h.twilio.baseUrl);
  });
});

describe('the webhooks', () => {
  it('refuses an unsigned call with 403 and stores nothing', async () => {
    await start(FRIDAY_EVENING);
    for (const path of [
      '/twilio/voice',
      '/twilio/voice/gather',
      '/twilio/voice/recording',
      '/twilio/voice/transcription',
      '/twilio/voice/dial-result',
      `/twilio/voice/whisper?call=CA${'1'.repeat(32)}`,
    ]) {
      const r = unsignedFormRequest({
        publicBaseUrl: PUBLIC_BASE_URL,
        path,
        params: {
          CallSid: `CA${'1'.repeat(32)}`,
          From: JOURNALIST,
          To: PRESS_OFFICE_NUMBER,
          Digits: '1',
          RecordingSid: `RE${'2'.repeat(32)}`,
          RecordingDuration: '30',
          DialCallStatus: 'completed',
        },
        authToken: h.twilio.authToken,
      });
      const res = await h.app.request(r.path, r.init);
      expect(res.status, path).toBe(403);
    }
    const { rows } = await sql<{
      n: number;
    }>`SELECT (SELECT count(*) FROM voice_call)::int + (SELECT count(*) FROM enquiry)::int AS n`.execute(h.database.db);
    expect(rows[0].n).toBe(0);
  });

  it('answers a signed webhook with bad parameters with 400, not 500', async () => {
    await start(FRIDAY_EVENING);
    expect((await h.webhook('/twilio/voice', { From: JOURNALIST })).status).toBe(400);
    expect(
      (await h.webhook('/twilio/voice/recording', { CallSid: `CA${'1'.repeat(32)}`, RecordingSid: '../../etc' }))
        .status,
    ).toBe(400);
    expect((await h.webhook('/twilio/voice/whisper?call=nope', { CallSid: `CA${'1'.repeat(32)}` })).status).toBe(400);
  });

  it('a retried recording callback makes one enquiry', async () => {
    await start(FRIDAY_EVENING);
    const params = {
      CallSid: `CA${'3'.repeat(32)}`,
      From: JOURNALIST,
      To: PRESS_OFFICE_NUMBER,
      RecordingSid: `RE${'4'.repeat(32)}`,
      RecordingDuration: '30',
    };
    await h.webhook('/twilio/voice', params);
    const first = await h.webhook('/twilio/voice/recording', params);
    const again = await h.webhook('/twilio/voice/recording', params);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await enquiries()).toHaveLength(1);
  });
});

describe('the record', () => {
  it("the morning digest lists the night's calls, including a caller who hung up, for a ring back", async () => {
    await start(FRIDAY_EVENING);
    await putOnCall();
    await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
    await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['1'] },
      parties: { [ON_CALL.phone]: { answers: true, digits: ['1'], talkSeconds: 60 } },
    });
    h.clock.advance(60 * 60_000);
    await h.twilio.call({ from: LANDLINE, url: VOICE_URL, caller: { digits: ['2'], hangUpAt: 'record' } });
    h.clock.set('2026-11-30T09:05:00Z');
    const id = await h.services.digest.generateIfDue();
    expect(id).not.toBeNull();
    const desk = await loginAs(h, MANAGER.email, MANAGER.password);
    const queue = decodeEntities((await desk.get('/desk')).body);
    expect(queue).toContain('Phone calls');
    expect(queue).toContain('07911 123401');
    expect(queue).toContain('put through to the on-call officer (Kim Lee)');
    expect(queue).toMatch(/01632 960555[^<]*ended without leaving a message/);
    await h.jobs.settle();
  });

  it('erasure deletes the recording at Twilio and the number and transcription here; the desk can no longer play it', async () => {
    await start(FRIDAY_EVENING);
    await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['2'], message: { seconds: 30, transcript } },
    });
    await h.twilio.call({ from: JOURNALIST, url: VOICE_URL, caller: { digits: ['2'], hangUpAt: 'record' } });
    const [recordingSid] = log.recordings;
    const desk = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await desk.get(`/desk/recordings/${recordingSid}`)).status).toBe(200);

    await h.services.privacy.erase({ phone: JOURNALIST, email: null }, SYSTEM);
    await h.jobs.settle();

    expect(h.twilio.recordings.get(recordingSid)?.deleted).toBe(true);
    expect((await desk.get(`/desk/recordings/${recordingSid}`)).status).toBe(404);
    const calls = await h.database.db
      .selectFrom('voice_call')
      .select(['from_number', 'transcription', 'recording_deleted_at'])
      .execute();
    expect(calls.map((c) => c.from_number)).toEqual([null, null]);
    expect(calls.every((c) => !c.transcription)).toBe(true);
    const [enquiry] = await enquiries();
    const events = await timelineKinds(enquiry.id);
    expect(events.map((e) => e.kind)).toContain('recording_deleted');
    expect(JSON.stringify(events)).not.toContain('warehouse');
    expect(JSON.stringify(events)).not.toContain(JOURNALIST);
    expect(enquiry.details).not.toContain('warehouse');
  });
});
