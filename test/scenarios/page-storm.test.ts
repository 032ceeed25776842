/**
 * Issue 22, item 1: a storm of urgent enquiries at night reaches the on-call phone. 25 and 200
 * urgent enquiries arrive inside one bundling window (the default 120 seconds), with ordinary
 * outlets and subjects and with hostile ones (`&` × 200, `<`, quotes). Against a fake Twilio that
 * refuses what Twilio refuses (a body over 1,600 characters, TwiML over 4,000): nothing is refused
 * as too long, every reference reaches the phone (in a text, or in the list its link opens), and
 * one ACK from the phone acknowledges every one of them, so nothing escalates afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { TWILIO_BODY_LIMIT, TWILIO_TWIML_LIMIT } from '../support/fake-twilio.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const FALLBACK = '+443001234567';
const STAFF = [ON_CALL, BACKUP, FALLBACK];
const MINUTE = 60_000;
/** A storm of 200 takes a while through the API and the job runner on a shared machine. */
const STORM_TIMEOUT_MS = 300_000;
const LIST_LINK = new RegExp(
  `\\nand (\\d+) more: (${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/list/[A-Za-z0-9_-]{22}))\\n`,
);

type Journalist = { name: string; outlet: string; subject: string; details: string };

const ordinary = (i: number): Journalist => ({
  name: `Reporter Number ${i}`,
  outlet: `The Kestrel Evening Chronicle and Gazette ${i}`,
  subject: 'Fire at the Kestrel Street depot: casualties and road closures',
  details: 'How many casualties, which roads are closed, and when will they reopen?',
});
const hostile = (i: number): Journalist => ({
  name: `<${'&'.repeat(150)}> ${i}`,
  outlet: '&'.repeat(200),
  subject: `<&>"'`.repeat(40),
  details: '&'.repeat(500),
});

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  // The default bundling window (120 s); no per-address limits, since every enquiry comes from the test's one address.
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { intake: { rateLimit: null, pageRateLimit: null } },
  });
  expect(h.config.onCall.bundleSeconds).toBe(120);
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: BACKUP });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  await h.services.rota.addShift({ phone: BACKUP, role: 'backup', startsAt: from, endsAt: to, createdBy: 'test' });
}

/** `n` urgent enquiries inside one window (the clock does not move); their references. */
async function storm(n: number, journalist: (i: number) => Journalist): Promise<string[]> {
  const refs: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await h.postJson('/api/enquiries', {
      ...journalist(i),
      phone: `+4479111${String(10_000 + i).padStart(5, '0')}`,
      urgent: true,
    });
    expect(res.status).toBe(201);
    refs.push(((await res.json()) as { reference: string }).reference);
  }
  await h.jobs.settle(120_000);
  return refs;
}

function textsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

/** Every request Twilio refused (the fake answers 400 for a body or TwiML too long). */
function refused() {
  return h.twilio.requests.filter((r) => r.responseStatus >= 400).map((r) => `${r.responseStatus} ${r.path}`);
}

/** The text of a TwiML `<Message>` reply, unescaped. */
function replyText(xml: string): string {
  const m = /<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? '';
  return m
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

async function pageStatuses(): Promise<string[]> {
  const rows = await h.database.db.selectFrom('page').select('status').execute();
  return rows.map((r) => r.status);
}

/** References the on-call phone can reach: in its texts, and in the list behind a bundle's link. */
async function reachableFromPhone(): Promise<{ inTexts: Set<string>; inList: Set<string>; links: number }> {
  const inTexts = new Set<string>();
  const inList = new Set<string>();
  let links = 0;
  for (const m of textsTo(ON_CALL)) {
    for (const ref of m.body!.match(/PD-[A-Z0-9]{3}-[A-Z0-9]{3}/g) ?? []) inTexts.add(ref);
    const link = LIST_LINK.exec(m.body!);
    if (!link) continue;
    links += 1;
    const res = await h.app.request(link[3]);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    for (const ref of html.match(/PD-[A-Z0-9]{3}-[A-Z0-9]{3}/g) ?? []) inList.add(ref);
  }
  return { inTexts, inList, links };
}

describe.each([
  { n: 25, kind: 'ordinary', journalist: ordinary },
  { n: 25, kind: 'hostile', journalist: hostile },
  { n: 200, kind: 'ordinary', journalist: ordinary },
  { n: 200, kind: 'hostile', journalist: hostile },
])('a storm of $n urgent enquiries with $kind outlets and subjects, in one bundling window', ({ n, journalist }) => {
  it(
    'reaches the on-call phone in texts Twilio accepts, every reference reachable, and one ACK acknowledges them all',
    async () => {
      await start();
      const refs = await storm(n, journalist);
      expect(textsTo(ON_CALL)).toHaveLength(1); // the first page at once; the rest held for the window

      h.clock.advance(2 * MINUTE);
      await h.jobs.settle(120_000);
      expect(refused()).toEqual([]);
      const texts = textsTo(ON_CALL);
      expect(texts).toHaveLength(2);
      for (const t of texts) expect(t.body!.length).toBeLessThanOrEqual(TWILIO_BODY_LIMIT);
      const bundle = texts[1].body!;
      expect(bundle).toMatch(new RegExp(`^URGENT: ${n - 1} more media enquiries:\\n`));
      expect(bundle).toMatch(/\nReply ACK to acknowledge all, or ACK <code> for one\.$/);

      const { inTexts, inList, links } = await reachableFromPhone();
      expect(links).toBe(1);
      expect(refs.filter((r) => !inTexts.has(r) && !inList.has(r))).toEqual([]);
      // The list holds exactly the bundle's enquiries: the first page's is in its own text (the
      // first page job to run, not necessarily the first enquiry taken).
      const alone = refs.filter((r) => texts[0].body!.includes(r));
      expect(alone).toHaveLength(1);
      const bundled = refs.filter((r) => r !== alone[0]);
      expect([...inList].sort()).toEqual(bundled.sort());
      const more = Number(LIST_LINK.exec(bundle)![1]);
      expect(bundled.filter((r) => bundle.includes(r))).toHaveLength(n - 1 - more);

      const res = await h.sms(ON_CALL, 'ACK');
      expect(res.status).toBe(200);
      const reply = replyText(await res.text());
      expect(reply.length).toBeLessThanOrEqual(TWILIO_BODY_LIMIT);
      expect(reply).toMatch(new RegExp(`^Press Desk: acknowledged ${n} enquiries: `));
      expect(await pageStatuses()).toEqual(Array(n).fill('acknowledged'));

      // Nothing escalates: no call, and no text to anyone on call, for the next hour.
      const textsBefore = h.twilio.messages.filter((m) => STAFF.includes(m.to)).length;
      for (let i = 0; i < 6; i++) {
        h.clock.advance(10 * MINUTE);
        await h.jobs.settle(120_000);
      }
      expect(h.twilio.calls).toEqual([]);
      expect(h.twilio.messages.filter((m) => STAFF.includes(m.to))).toHaveLength(textsBefore);
      expect(refused()).toEqual([]);
    },
    STORM_TIMEOUT_MS,
  );
});

describe('a storm nobody acknowledges by text', () => {
  it(
    'rings the on-call phone with calls Twilio accepts, even with hostile outlets, and one keypress acknowledges a whole bundle',
    async () => {
      await start();
      const refs = await storm(200, hostile);
      h.clock.advance(2 * MINUTE); // the bundle of 199 goes out
      await h.jobs.settle(120_000);
      h.clock.advance(8 * MINUTE); // the first page's call
      await h.jobs.settle(120_000);
      h.clock.advance(2 * MINUTE); // the bundle's 199 calls are due: the first opens a new call window, the rest are held for it
      await h.jobs.settle(120_000);
      h.clock.advance(2 * MINUTE); // one bundled call for the other 198
      await h.jobs.settle(120_000);
      expect(refused()).toEqual([]);
      const calls = h.twilio.calls.filter((c) => c.to === ON_CALL);
      expect(calls).toHaveLength(3);
      for (const c of calls) expect(c.twiml!.length).toBeLessThan(TWILIO_TWIML_LIMIT);
      const bundled = calls[2].twiml!;
      expect(bundled).toContain('198 urgent media enquiries have not been acknowledged');
      expect(bundled).toContain('Press 1 to acknowledge all 198.');
      expect(bundled).toContain('And 193 more, listed in the texts.');
      // Read out without the run of 200 ampersands.
      expect(bundled).not.toContain('&amp;&amp;');

      const log = await h.twilio.answerCall(calls[2], { digits: ['1'] });
      expect(log.error).toBeNull();
      expect(log.said.join(' ')).toContain('Acknowledged 198 of 198.');
      await h.jobs.settle(120_000);
      const statuses = await h.database.db
        .selectFrom('page')
        .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
        .select(['enquiry.reference', 'page.status', 'page.ack_via'])
        .execute();
      const acked = statuses.filter((s) => s.status === 'acknowledged');
      expect(acked).toHaveLength(198);
      // The first page's enquiry (its own text, then its own call) is not one of the bundle's.
      const alone = refs.filter((r) => textsTo(ON_CALL)[0].body!.includes(r));
      expect(alone).toHaveLength(1);
      expect(acked.every((s) => s.ack_via === 'voice' && refs.includes(s.reference) && s.reference !== alone[0])).toBe(
        true,
      );
    },
    STORM_TIMEOUT_MS,
  );
});
