/**
 * Anonymous input must not flood the on-call phone (issue 12, finding 6): escalation calls to one
 * phone are bundled like the texts; every per-address limit counts an IPv6 client per /64; a
 * lower per-address page limit stores the enquiry, urgent, but stops paging and tells the
 * journalist to ring the out-of-hours line; the public form refuses cross-site submissions while
 * the JSON API stays open to servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clientEnv } from '../support/client-address.js';
import { deskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { receiptCookie } from '../support/receipt.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const FALLBACK = '+443001234567';
const MINUTE = 60_000;
const ENQUIRY = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  subject: 'Fire at the depot',
  details: 'Need a line tonight',
  urgent: true,
};
const FORM = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  email: 'ann@gazette.example',
  subject: 'Fire at the depot',
  details: 'Need a line tonight',
  urgent: 'true',
};

let h: Harness;
afterEach(async () => h?.close());

async function start(config: Record<string, unknown> = {}, jobs = true) {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs, config: { onCall: { bundleSeconds: 0 }, ...config } });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
}

/** POST /api/enquiries from `address` (the TCP peer the service sees). */
async function postFrom(address: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await h.app.request(
    '/api/enquiries',
    { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) },
    clientEnv(address),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** POST the public form from `address` with extra headers (as a browser would send them). */
function formFrom(address: string, headers: Record<string, string> = {}, fields: Record<string, string> = FORM) {
  return h.app.request(
    '/enquiries',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    },
    clientEnv(address),
  );
}

async function enquiryCount(): Promise<number> {
  const r = await h.database.db
    .selectFrom('enquiry')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('escalation calls are bundled like texts', () => {
  it('six unacknowledged pages ring the on-call phone three times, not six; one keypress acknowledges a whole bundle', async () => {
    await start({ onCall: { bundleSeconds: 120 } });
    const refs: string[] = [];
    for (let i = 0; i < 6; i++)
      refs.push(
        String(
          (await postFrom(`198.51.100.${i + 1}`, { ...ENQUIRY, phone: `+44791112340${i}`, subject: `Incident ${i}` }))
            .body.reference,
        ),
      );
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    h.clock.advance(2 * MINUTE); // the text bundle of five goes out
    await h.twilio.waitForMessages(2);
    await h.jobs.settle();
    h.clock.advance(8 * MINUTE); // 10 minutes after the first text: its call
    await h.twilio.waitForCalls(1);
    await h.jobs.settle();
    h.clock.advance(2 * MINUTE); // 10 minutes after the bundle: five calls due at once
    await h.twilio.waitForCalls(2);
    await h.jobs.settle();
    expect(h.twilio.calls).toHaveLength(2);
    h.clock.advance(2 * MINUTE); // the end of that call's window: the other four, in one call
    await h.twilio.waitForCalls(3);
    await h.jobs.settle();
    h.clock.advance(1 * MINUTE);
    await h.jobs.settle();

    const calls = h.twilio.calls.filter((c) => c.to === ON_CALL);
    expect(calls).toHaveLength(3);
    const bundle = calls[2].twiml!;
    expect(bundle).toContain('4 urgent media enquiries have not been acknowledged');
    expect(bundle).toContain('Press 1 to acknowledge all 4.');
    const gatherUrl = /action="([^"]+)"/.exec(bundle)![1].replace(/&amp;/g, '&');
    // The keypress names the bundled call (its outbound row), not each page: 200 ids would not fit Twilio's 4,000 characters.
    expect(gatherUrl).toMatch(/^https:\/\/press\.example\.org\/twilio\/voice\?bundle=\d+$/);

    const res = await h.webhook(gatherUrl.replace('https://press.example.org', ''), {
      CallSid: calls[2].sid,
      Digits: '1',
      To: ON_CALL,
      From: '+447700100200',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Acknowledged 4 of 4.');
    const pages = await h.database.db
      .selectFrom('page')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .select(['enquiry.reference', 'page.status', 'page.ack_via'])
      .execute();
    expect(pages.filter((p) => p.status === 'acknowledged' && p.ack_via === 'voice')).toHaveLength(4);
    // Still waiting: the first page (its own call) and the one whose call opened the second window.
    const active = pages.filter((p) => p.status === 'active').map((p) => p.reference);
    expect(active).toHaveLength(2);
    expect(active).toContain(refs[0]);
  });
});

describe('IPv6 clients count per /64', () => {
  it('the intake limit: addresses of one /64 share a budget; the next /64 has its own', async () => {
    await start({ intake: { rateLimit: { points: 2, durationSeconds: 60 } } }, false);
    const calm = { ...ENQUIRY, urgent: false, email: 'ann@gazette.example' };
    expect((await postFrom('2001:db8:7:1::a', calm)).status).toBe(201);
    expect((await postFrom('2001:db8:7:1:ffff:1:2:3', calm)).status).toBe(201);
    expect((await postFrom('2001:db8:7:1::9', calm)).status).toBe(429);
    expect((await postFrom('2001:db8:7:2::a', calm)).status).toBe(201);
  });

  it('behind a proxy (trustProxyHops 1): the X-Forwarded-For address counts per /64 too', async () => {
    await start({ intake: { trustProxyHops: 1, rateLimit: { points: 1, durationSeconds: 60 } } }, false);
    const calm = { ...ENQUIRY, urgent: false, email: 'ann@gazette.example' };
    expect((await postFrom('10.0.0.2', calm, { 'X-Forwarded-For': '2001:db8:9:9::1' })).status).toBe(201);
    expect((await postFrom('10.0.0.2', calm, { 'X-Forwarded-For': '2001:db8:9:9::2' })).status).toBe(429);
  });

  it('sign-in attempts: wrong passwords from new addresses of one /64 count against the same address budget', async () => {
    await start({ desk: { loginRateLimit: { perIp: { points: 3, durationSeconds: 900 } } } }, false);
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++)
      statuses.push(
        (await deskClient(h, `2001:db8:5:5::${i}`).login(`someone${i}@press.example`, 'wrong-password-1')).status,
      );
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await deskClient(h, '2001:db8:5:6::1').login('someone@press.example', 'wrong-password-1')).status).toBe(
      401,
    );
  });

  it('the page limit: a new address in the same /64 does not page again', async () => {
    await start({ intake: { pageRateLimit: { points: 1, durationSeconds: 3600 } } });
    expect((await postFrom('2001:db8:3:3::1', { ...ENQUIRY, phone: '+447911123401' })).body.pagedOnCall).toBe(true);
    expect((await postFrom('2001:db8:3:3::2', { ...ENQUIRY, phone: '+447911123402' })).body.pagedOnCall).toBe(false);
  });
});

describe('a lower limit on pages per address', () => {
  it('past it, the enquiry is stored and urgent but not paged, and the journalist is told to call the out-of-hours line', async () => {
    await start({ intake: { pageRateLimit: { points: 2, durationSeconds: 3600 } } });
    const first = await postFrom('203.0.113.7', { ...ENQUIRY, phone: '+447911123401' });
    const second = await postFrom('203.0.113.7', { ...ENQUIRY, phone: '+447911123402' });
    expect([first.body.pagedOnCall, second.body.pagedOnCall]).toEqual([true, true]);
    expect(first.body.callOutOfHoursLine).toBeNull();

    const third = await postFrom('203.0.113.7', { ...ENQUIRY, phone: '+447911123403', subject: 'Third' });
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({
      urgent: true,
      outOfHours: true,
      pagedOnCall: false,
      callOutOfHoursLine: FALLBACK,
    });
    expect(third.body.nextStep).toContain('call the out-of-hours line now on +44 300 123 4567');
    expect(third.body.nextStep).not.toMatch(/will be notified|is being alerted now/);

    const row = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('reference', '=', String(third.body.reference))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ urgent: true, needs_on_call: true });
    expect(
      await h.database.db.selectFrom('page').select('id').where('enquiry_id', '=', row.id).executeTakeFirst(),
    ).toBeUndefined();
    const events = await h.database.db
      .selectFrom('enquiry_event')
      .select(['kind', 'data'])
      .where('enquiry_id', '=', row.id)
      .execute();
    expect(events.find((e) => e.kind === 'page_withheld')?.data).toEqual({ reason: 'page_limit' });

    // Another address still pages; the closing-time handover leaves the held-back one alone.
    expect((await postFrom('203.0.113.8', { ...ENQUIRY, phone: '+447911123404' })).body.pagedOnCall).toBe(true);
    expect(await h.services.paging.handOverAtClosing()).toBe(0);
    await h.twilio.waitForMessages(3);
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === ON_CALL)).toHaveLength(3);
    expect(h.twilio.messages.some((m) => m.body!.includes(String(third.body.reference)))).toBe(false);
  });

  it('the form says the same on its confirmation page; enquiries that would not page do not spend the budget', async () => {
    await start({ intake: { pageRateLimit: { points: 1, durationSeconds: 3600 } } });
    // Not urgent: stored, not paged, budget untouched.
    expect((await formFrom('203.0.113.9', {}, { ...FORM, urgent: '' })).status).toBe(303);
    const paged = await formFrom('203.0.113.9');
    const held = await formFrom('203.0.113.9');
    for (const [res, expected] of [
      [paged, 'the on-call press officer is being alerted now'],
      [held, 'call the out-of-hours line now on +44 300 123 4567'],
    ] as const) {
      expect(res.status).toBe(303);
      const page = await h.app.request(res.headers.get('location')!, { headers: { Cookie: receiptCookie(res) } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(expected);
    }
  });
});

describe('the public form refuses cross-site submissions', () => {
  it.each([
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['a foreign Origin on a sibling site', { Origin: 'https://www.press.example.org', 'Sec-Fetch-Site': 'same-site' }],
    ['Origin: null', { Origin: 'null' }],
  ])('%s: 403 with a page saying why, nothing stored', async (_label, headers) => {
    await start({}, false);
    const before = await enquiryCount();
    const res = await formFrom('198.51.100.20', headers);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('This enquiry came from another website, so it was not accepted and nothing was stored.');
    expect(html).toContain('https://press.example.org/');
    expect(await enquiryCount()).toBe(before);
  });

  it.each([
    ['from its own page', { Origin: 'https://press.example.org', 'Sec-Fetch-Site': 'same-origin' }],
    ['typed or bookmarked (Sec-Fetch-Site: none)', { 'Sec-Fetch-Site': 'none' }],
    ['without either header (an old browser, curl)', {}],
  ])('%s: accepted', async (_label, headers) => {
    await start({}, false);
    expect((await formFrom('198.51.100.21', headers)).status).toBe(303);
  });

  it('the JSON API stays open to servers, whatever Origin they send', async () => {
    await start({}, false);
    const res = await postFrom(
      '198.51.100.22',
      { ...ENQUIRY, email: 'ann@gazette.example' },
      { Origin: 'https://newsroom.example', 'Sec-Fetch-Site': 'cross-site' },
    );
    expect(res.status).toBe(201);
  });
});
