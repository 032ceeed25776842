/**
 * Issue 22, item 1: the link in a bundled page text. When a storm of urgent enquiries is bundled
 * into one text to the on-call officer, the text ends "and N more: {PUBLIC_BASE_URL}/m/list/{token}",
 * which opens a read-only list of that bundle's enquiries (src/oncall/list-link.*): what the
 * officer reads there, word for word, and what the link does (who it works for, until when, what
 * it records, what is stored of it).
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { formatShortTime } from '../../src/hours/format.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { readableText } from '../support/oncall-link.js';
import { OLU, oluAndBeaOnCall } from '../support/rota.js';
import { replyTo } from '../support/sms-reply.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = OLU.phone;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A storm of 12 through the API and the job runner, on a machine shared with other work. */
const STORM_TIMEOUT_MS = 60_000;
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
  await oluAndBeaOnCall(h);
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

/** One urgent enquiry by the API (each journalist from a phone of their own); its reference. */
async function urgentByApi(fields: Record<string, unknown>, phone: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    details: 'What happened, and what is being done?',
    ...fields,
    phone,
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/**
 * The 11 enquiries of the bundle, in the order they come in: some with a deadline (two at the same
 * time, one next year), some without; one texted in (no name, no outlet), one whose outlet is
 * missing (as an emailed enquiry has it).
 */
const BUNDLE = [
  { key: 'ada', name: 'Ada Reporter', outlet: 'Kestrel Evening Chronicle', subject: 'Road closures around the depot' },
  {
    key: 'ben',
    name: 'Ben Writer',
    outlet: 'Harbour Radio',
    subject: 'Is the fire under control yet?',
    deadline: '2026-12-24T23:00',
  },
  {
    key: 'cat',
    name: 'Cat Newsdesk',
    outlet: 'The Daily Lantern',
    subject: 'Casualty numbers from the depot fire',
    deadline: '2026-12-24T21:30',
  },
  { key: 'sms', sms: 'URGENT is anyone hurt in the depot fire? Need a line tonight' },
  {
    key: 'dev',
    name: 'Dev Stringer',
    outlet: 'Northern Wire Service',
    subject: 'Depot fire: the review after the holidays',
    deadline: '2027-01-02T10:00',
  },
  {
    key: 'eve',
    name: 'Eve Editor',
    outlet: 'Valley Times',
    subject: 'Evacuation of the houses on Kestrel Street',
    deadline: '2026-12-24T21:30',
  },
  { key: 'fin', name: 'Fin Freelance', outlet: 'Freelance', subject: 'Which roads reopen tomorrow morning?' },
  { key: 'gus', name: 'Gus Gazette', outlet: 'Evening Gazette', subject: 'Statement from the fire service please' },
  { key: 'hal', name: 'Hal Herald', outlet: 'The Herald', subject: 'Photographs of the depot fire for tonight' },
  { key: 'ivy', name: 'Ivy Inquirer', outlet: 'The Inquirer', subject: 'Who owns the depot on Kestrel Street?' },
  { key: 'jo', name: 'Jo Journal', outlet: 'Journal Online', subject: 'Air quality warning for the town centre' },
] as const;
type Key = (typeof BUNDLE)[number]['key'];

const journalistPhone = (i: number) => `+4479111${String(20_000 + i).padStart(5, '0')}`;

/**
 * A storm at 18:00: one urgent enquiry, whose page goes alone and opens the bundling window, then
 * the 11 of BUNDLE, held; two minutes later, the one bundle text with its list link. Returns the
 * link's path and token, the references by key, and the first (lone) enquiry's reference.
 */
async function bundleWithListLink() {
  await start();
  const first = await urgentByApi(
    { name: 'Zed First', outlet: 'Morning Post', subject: 'Fire at the Kestrel Street depot' },
    journalistPhone(99),
  );
  await h.jobs.settle(120_000);
  expect(textsTo(ON_CALL)).toHaveLength(1);
  expect(textsTo(ON_CALL)[0].body).toContain(first);

  const refs = {} as Record<Key, string>;
  for (const [i, j] of BUNDLE.entries()) {
    if ('sms' in j) {
      const reply = await replyTo(h, journalistPhone(i), j.sms);
      refs[j.key] = /PD-[A-Z0-9]{3}-[A-Z0-9]{3}/.exec(reply)![0];
    } else {
      refs[j.key] = await urgentByApi(
        { name: j.name, outlet: j.outlet, subject: j.subject, ...('deadline' in j ? { deadline: j.deadline } : {}) },
        journalistPhone(i),
      );
    }
  }
  // An emailed enquiry has its sender's name and no outlet; email intake needs a mail server, so
  // this one is given the same shape directly.
  await h.database.db.updateTable('enquiry').set({ outlet: '' }).where('reference', '=', refs.fin).execute();
  await h.jobs.settle(120_000);
  expect(textsTo(ON_CALL)).toHaveLength(1); // the 11 are held for the window

  h.clock.advance(2 * MINUTE);
  await h.jobs.settle(120_000);
  const texts = textsTo(ON_CALL);
  expect(texts).toHaveLength(2);
  const m = LIST_LINK.exec(texts[1].body!);
  expect(m, texts[1].body!).not.toBeNull();
  expect(texts[1].body).toMatch(/^URGENT: 11 more media enquiries:\n/);
  const path = m![3];
  return { path, token: path.slice('/m/list/'.length), refs, first, more: Number(m![1]) };
}

/** The text of the first element matching `open` (an opening tag's regex source), up to `close`. */
function textOf(html: string, open: string, close: string): string | null {
  const m = new RegExp(`${open}([\\s\\S]*?)${close}`).exec(html);
  return m ? readableText(m[1]) : null;
}

/** What the list page says: its title, heading, lead and footer sentences, and each row's parts in order. */
async function readList(path: string, init?: RequestInit) {
  const res = await h.app.request(path, init);
  const html = await res.text();
  const list = /<ol class="timeline"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  const rows = list
    .split(/<li>/)
    .slice(1)
    .map((li) =>
      li
        .split(/<[^>]*>/)
        .map((part) => readableText(part))
        .filter((part) => part !== ''),
    );
  return {
    status: res.status,
    title: textOf(html, '<title>', '</title>'),
    h1: textOf(html, '<h1>', '</h1>'),
    lead: textOf(html, '<p class="lead">', '</p>'),
    footer: textOf(html, '<p class="hint">', '</p>'),
    main: textOf(html, '<main[^>]*>', '</main>'),
    rows,
  };
}

/** Each enquiry's page short code (what ACK and the other commands take), by reference. */
async function shortCodes(): Promise<Map<string, string>> {
  const rows = await h.database.db
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['enquiry.reference', 'page.short_code'])
    .execute();
  return new Map(rows.map((r) => [r.reference, r.short_code]));
}

async function listViewed() {
  return h.database.db
    .selectFrom('audit_log')
    .select(['at', 'action', 'user_email', 'detail'])
    .where('action', '=', 'oncall.list_viewed')
    .orderBy('id')
    .execute();
}

async function theLink() {
  return h.database.db.selectFrom('oncall_list_link').selectAll().executeTakeFirstOrThrow();
}

const INFO_SENTENCE =
  "Text INFO and a reference for an enquiry's details; CALL, REPLY, NOTE and DONE work the same way.";

/** The page every unknown, tampered or expired token gets, as read in its <main>. */
const GONE_PAGE =
  'This link has expired ' +
  'This link has expired or is not valid. Links in page texts work for 12 hours. ' +
  "From the on-call phone, text INFO and the enquiry's reference to the press office number, 07700 100200, for its details. " +
  'CALL, REPLY, NOTE and DONE work by text too; text HELP for how.';

describe('the link in a bundle text', () => {
  it(
    'opens only that bundle, is stored only as a hash, records a real opening once (not a HEAD or a prefetch), and expires after onCall.linkHours',
    async () => {
      await start();
      const refs = await storm(12, ordinary);
      h.clock.advance(2 * MINUTE);
      await h.jobs.settle(120_000);
      const bundle = textsTo(ON_CALL)[1].body!;
      const m = LIST_LINK.exec(bundle);
      expect(m, bundle).not.toBeNull();
      const path = m![3];
      const token = path.slice('/m/list/'.length);

      // Only the token's hash is kept; the stored text has the link redacted.
      const links = await h.database.db.selectFrom('oncall_list_link').selectAll().execute();
      expect(links).toHaveLength(1);
      expect(links[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(links[0].phone).toBe(ON_CALL);
      const stored = await h.database.db
        .selectFrom('outbound_message')
        .select('content')
        .where('owner_kind', '=', 'page_step')
        .execute();
      expect(stored.some((r) => r.content?.includes(`and ${m![1]} more: ${PUBLIC_BASE_URL}/m/list/[link]\n`))).toBe(
        true,
      );
      expect(stored.some((r) => r.content?.includes(token))).toBe(false);

      const opened = async () =>
        h.database.db
          .selectFrom('audit_log')
          .select(['action', 'user_email', 'detail'])
          .where('action', '=', 'oncall.list_viewed')
          .execute();
      expect((await h.app.request(path, { method: 'HEAD' })).status).toBe(200);
      expect((await h.app.request(path, { headers: { 'Sec-Purpose': 'prefetch' } })).status).toBe(200);
      expect(await opened()).toEqual([]);
      const res = await h.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
      const html = await res.text();
      expect(html).toContain('11 urgent enquiries');
      // Every enquiry of the bundle, and not the first page's (the first page job to run), which had its own text.
      const alone = refs.filter((r) => textsTo(ON_CALL)[0].body!.includes(r));
      expect(alone).toHaveLength(1);
      for (const ref of refs.filter((r) => r !== alone[0])) expect(html).toContain(ref);
      expect(html).not.toContain(alone[0]);
      expect(html).toContain('Fire at the Kestrel Street depot: casualties and road closures');
      expect(await opened()).toEqual([
        { action: 'oncall.list_viewed', user_email: 'Olu On-Call', detail: { via: 'link', enquiries: 11 } },
      ]);
      await h.app.request(path);
      expect(await opened()).toHaveLength(1);

      // A tampered token and an expired link get the same answer.
      const tampered = `/m/list/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      expect((await h.app.request(tampered)).status).toBe(410);
      h.clock.advance(h.config.onCall.linkHours * 60 * MINUTE);
      expect((await h.app.request(path)).status).toBe(410);
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'stops working when its officer is taken off the staff list, or their number changes, even if it is changed back',
    async () => {
      await start();
      await storm(12, ordinary);
      h.clock.advance(2 * MINUTE);
      await h.jobs.settle(120_000);
      const path = LIST_LINK.exec(textsTo(ON_CALL)[1].body!)![3];
      expect((await h.app.request(path)).status).toBe(200);
      const olu = (await h.services.rota.findPersonByPhone(ON_CALL))!;
      await h.services.rota.updatePersonPhone(olu.id, '07911 200009');
      expect((await h.app.request(path)).status).toBe(410);
      // Changed back: the link stays dead, as a page link does (it was revoked with the change).
      await h.services.rota.updatePersonPhone(olu.id, ON_CALL);
      expect((await h.app.request(path)).status).toBe(410);
      expect((await theLink()).revoked_at).toEqual(h.clock.now());
      await h.services.rota.deactivatePerson(olu.id);
      expect((await h.app.request(path)).status).toBe(410);
    },
    STORM_TIMEOUT_MS,
  );
});

describe('the list a bundle text links to', () => {
  it(
    'says how many enquiries it lists and how many wait for an ACK; after one ACK from the on-call phone, that all are acknowledged',
    async () => {
      const { path } = await bundleWithListLink();

      const before = await readList(path);
      expect(before.status).toBe(200);
      expect(before.title).toBe('11 urgent enquiries (on call) – Press Office');
      expect(before.h1).toBe('11 urgent enquiries');
      expect(before.lead).toBe(
        `11 waiting for an acknowledgement: reply ACK to the page text to acknowledge every one, or ACK and a code for one. ${INFO_SENTENCE}`,
      );
      expect(before.rows.map((r) => r[2])).toEqual(Array(11).fill('Urgent'));

      expect(await replyTo(h, ON_CALL, 'ACK')).toMatch(/^Press Desk: acknowledged 12 enquiries: /);

      const after = await readList(path);
      expect(after.status).toBe(200);
      expect(after.h1).toBe('11 urgent enquiries');
      expect(after.lead).toBe(`All acknowledged. ${INFO_SENTENCE}`);
      expect(after.rows.map((r) => r[2])).toEqual(Array(11).fill('Acknowledged'));
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'lists each enquiry with its reference, code, journalist and outlet, deadline, status and subject: soonest deadline first, none last, then in the order they came',
    async () => {
      const { path, refs, first } = await bundleWithListLink();
      const codes = await shortCodes();
      const row = (key: Key, journalist: string, deadline: string, subject: string) => [
        refs[key],
        `code ${codes.get(refs[key])}`,
        'Urgent',
        journalist,
        `${deadline} · New`,
        subject,
      ];

      const list = await readList(path);
      expect(list.status).toBe(200);
      expect(list.rows).toEqual([
        row(
          'cat',
          'Cat Newsdesk, The Daily Lantern',
          'Deadline Thu 24 Dec 21:30',
          'Casualty numbers from the depot fire',
        ),
        row(
          'eve',
          'Eve Editor, Valley Times',
          'Deadline Thu 24 Dec 21:30',
          'Evacuation of the houses on Kestrel Street',
        ),
        row('ben', 'Ben Writer, Harbour Radio', 'Deadline Thu 24 Dec 23:00', 'Is the fire under control yet?'),
        row(
          'dev',
          'Dev Stringer, Northern Wire Service',
          'Deadline Sat 2 Jan 2027 10:00',
          'Depot fire: the review after the holidays',
        ),
        row('ada', 'Ada Reporter, Kestrel Evening Chronicle', 'No deadline given', 'Road closures around the depot'),
        row('sms', 'Journalist', 'No deadline given', 'URGENT is anyone hurt in the depot fire? Need a line tonight'),
        row('fin', 'Fin Freelance', 'No deadline given', 'Which roads reopen tomorrow morning?'),
        row('gus', 'Gus Gazette, Evening Gazette', 'No deadline given', 'Statement from the fire service please'),
        row('hal', 'Hal Herald, The Herald', 'No deadline given', 'Photographs of the depot fire for tonight'),
        row('ivy', 'Ivy Inquirer, The Inquirer', 'No deadline given', 'Who owns the depot on Kestrel Street?'),
        row('jo', 'Jo Journal, Journal Online', 'No deadline given', 'Air quality warning for the town centre'),
      ]);
      // Eleven different codes, and not the lone first page's enquiry (it had a text of its own).
      expect(new Set(list.rows.map((r) => r[1])).size).toBe(11);
      expect(list.rows.map((r) => r[0])).not.toContain(first);
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'says "1 urgent enquiry" when the others of the list are erased: erased enquiries drop out of it',
    async () => {
      const { path, refs } = await bundleWithListLink();
      // Every journalist of the bundle but Cat asks to be erased (each wrote from a phone of their own).
      for (const [i, j] of BUNDLE.entries()) {
        if (j.key === 'cat') continue;
        await h.services.privacy.erase(
          { phone: journalistPhone(i), email: null },
          { userId: null, email: 'dpo@press.example' },
        );
      }
      const erased = await h.database.db
        .selectFrom('enquiry')
        .select('reference')
        .where('erased_at', 'is not', null)
        .execute();
      expect(erased).toHaveLength(10);

      const list = await readList(path);
      expect(list.status).toBe(200);
      expect(list.h1).toBe('1 urgent enquiry');
      expect(list.title).toBe('1 urgent enquiry (on call) – Press Office');
      expect(list.lead).toBe(
        `1 waiting for an acknowledgement: reply ACK to the page text to acknowledge every one, or ACK and a code for one. ${INFO_SENTENCE}`,
      );
      expect(list.rows.map((r) => r[0])).toEqual([refs.cat]);
      expect(await listViewed()).toMatchObject([{ detail: { via: 'link', enquiries: 1 } }]);
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'tells a page whose escalation ended, or whose enquiry was closed, from one waiting or acknowledged',
    async () => {
      const { path, refs } = await bundleWithListLink();
      const tags = async () => new Map((await readList(path)).rows.map((r) => [r[0], r[2]]));
      await h.services.casework.setStatus(refs.ada, 'closed', { userId: null, email: 'desk@press.example' });
      // As the last escalation step leaves a page nobody acknowledged.
      await h.database.db
        .updateTable('page')
        .set({ status: 'exhausted' })
        .where('enquiry_id', '=', (eb) => eb.selectFrom('enquiry').select('id').where('reference', '=', refs.ben))
        .execute();
      let list = await readList(path);
      expect(list.lead).toBe(
        `9 waiting for an acknowledgement: reply ACK to the page text to acknowledge every one, or ACK and a code for one. ${INFO_SENTENCE}`,
      );
      let tag = await tags();
      expect([tag.get(refs.ada), tag.get(refs.ben), tag.get(refs.cat)]).toEqual([
        'Escalation stopped',
        'Not acknowledged: escalation ended',
        'Urgent',
      ]);

      // ACK stops what is still running; the page that ran out stays as it was.
      await replyTo(h, ON_CALL, 'ACK');
      list = await readList(path);
      expect(list.lead).toBe(`None waiting for an acknowledgement. ${INFO_SENTENCE}`);
      tag = await tags();
      expect([tag.get(refs.ben), tag.get(refs.cat)]).toEqual(['Not acknowledged: escalation ended', 'Acknowledged']);
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'says until when the link works: its expiry, as the page writes times',
    async () => {
      const { path } = await bundleWithListLink();
      const link = await theLink();
      h.clock.advance(3 * HOUR);

      const list = await readList(path);
      expect(list.status).toBe(200);
      const until = formatShortTime(link.expires_at, h.config.office, h.clock.now());
      expect(until).toBe('Fri 25 Dec 06:02'); // 18:02 on Christmas Eve, plus onCall.linkHours (12)
      expect(list.footer).toBe(
        `This link lists the enquiries of one page text only, and works until ${until}. Do not forward it: it shows journalists' names.`,
      );
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'records a real opening in the audit log, again only 15 minutes after the last one recorded, and never a HEAD, a prefetch or a link preview',
    async () => {
      const { path } = await bundleWithListLink();

      // Not the officer opening it: nothing recorded, though each gets the page.
      const notOpenings: RequestInit[] = [
        { method: 'HEAD' },
        { headers: { 'Sec-Purpose': 'prefetch' } },
        { headers: { Purpose: 'prefetch' } },
        { headers: { 'User-Agent': 'WhatsApp/2.23.20.0 A' } },
        { headers: { 'User-Agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } },
      ];
      for (const init of notOpenings) expect((await h.app.request(path, init)).status).toBe(200);
      expect(await listViewed()).toEqual([]);

      const firstOpened = h.clock.now();
      expect((await h.app.request(path)).status).toBe(200);
      expect(await listViewed()).toEqual([
        {
          at: firstOpened,
          action: 'oncall.list_viewed',
          user_email: 'Olu On-Call',
          detail: { via: 'link', enquiries: 11 },
        },
      ]);

      h.clock.advance(15 * MINUTE - 1);
      expect((await h.app.request(path)).status).toBe(200);
      expect(await listViewed()).toHaveLength(1);

      h.clock.advance(1); // exactly 15 minutes after the recorded opening
      const secondOpened = h.clock.now();
      expect((await h.app.request(path)).status).toBe(200);
      expect((await listViewed()).map((e) => e.at)).toEqual([firstOpened, secondOpened]);

      // The quarter of an hour counts from the last opening recorded, not the first.
      h.clock.advance(15 * MINUTE - 1);
      expect((await h.app.request(path)).status).toBe(200);
      for (const init of notOpenings) expect((await h.app.request(path, init)).status).toBe(200);
      h.clock.advance(1);
      for (const init of notOpenings) expect((await h.app.request(path, init)).status).toBe(200);
      expect(await listViewed()).toHaveLength(2);
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'opens until 1 ms before onCall.linkHours; then, like an unknown, a tampered or a malformed token, gets 410 and the gone page',
    async () => {
      const { path, token } = await bundleWithListLink();
      const link = await theLink();
      expect(h.config.onCall.linkHours).toBe(12);

      const gone = async (p: string) => {
        const res = await readList(p);
        return { status: res.status, title: res.title, main: res.main };
      };
      const GONE = { status: 410, title: 'This link has expired – Press Office', main: GONE_PAGE };
      const unknown = `/m/list/${'Q'.repeat(22)}`;
      const tampered = `/m/list/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      const malformed = `/m/list/${token}x`;
      for (const p of [unknown, tampered, malformed]) expect(await gone(p)).toEqual(GONE);

      h.clock.set(new Date(link.created_at.getTime() + 12 * HOUR - 1));
      expect((await readList(path)).status).toBe(200);
      h.clock.set(new Date(link.created_at.getTime() + 12 * HOUR));
      expect(await gone(path)).toEqual(GONE);
      for (const p of [unknown, tampered, malformed]) expect(await gone(p)).toEqual(GONE);
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'stops working when its officer is taken off the staff list in the database directly, not through the rota service',
    async () => {
      const { path } = await bundleWithListLink();
      expect((await readList(path)).status).toBe(200);

      // No revocation runs: the link itself must check who it belongs to now.
      await h.database.db.updateTable('person').set({ active: false }).where('phone', '=', ON_CALL).execute();
      const after = await readList(path);
      expect(after.status).toBe(410);
      expect(after.main).toBe(GONE_PAGE);
      expect(await listViewed()).toHaveLength(1); // the opening before, and nothing since
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'is stored as its token’s SHA-256 only, expires exactly onCall.linkHours after it was made, and covers exactly the 11 bundled enquiries, each with its own page',
    async () => {
      const { token, refs, more } = await bundleWithListLink();
      const olu = (await h.services.rota.findPersonByPhone(ON_CALL))!;

      const links = await h.database.db.selectFrom('oncall_list_link').selectAll().execute();
      expect(links).toEqual([
        {
          id: links[0].id,
          token_hash: createHash('sha256').update(token).digest('hex'),
          phone: ON_CALL,
          person_id: olu.id,
          created_at: new Date('2026-12-24T18:02:00Z'),
          expires_at: new Date('2026-12-25T06:02:00Z'),
          viewed_at: null,
          revoked_at: null,
        },
      ]);
      expect(links[0].expires_at.getTime() - links[0].created_at.getTime()).toBe(h.config.onCall.linkHours * HOUR);
      expect(more).toBeLessThan(11); // some are listed in the text itself; the list has them all

      const scope = await h.database.db
        .selectFrom('oncall_list_link_enquiry')
        .selectAll()
        .orderBy('enquiry_id')
        .execute();
      const pages = await h.database.db
        .selectFrom('page')
        .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
        .select(['page.id as page_id', 'enquiry.id as enquiry_id', 'enquiry.reference'])
        .where('enquiry.reference', 'in', Object.values(refs))
        .orderBy('enquiry.id')
        .execute();
      expect(pages).toHaveLength(11);
      expect(new Set(pages.map((p) => p.page_id)).size).toBe(11);
      expect(scope).toEqual(pages.map((p) => ({ link_id: links[0].id, enquiry_id: p.enquiry_id, page_id: p.page_id })));
    },
    STORM_TIMEOUT_MS,
  );
});
