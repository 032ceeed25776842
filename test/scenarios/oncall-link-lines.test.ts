/**
 * Issue 28, item 1, on the on-call officer's link: its reply and response boxes search the
 * library as the officer types (`GET /m/{token}/lines?q=`), answering the desk's JSON: current
 * lines exactly as written (a withdrawn one never), with their SMS segments and a warning on one
 * past its review date, and templates filled from the link's own enquiry. The token alone says
 * which enquiry: another link's token fills from its own, nothing in the query reaches another,
 * and a token that opens nothing (unknown, expired) gets no suggestions. A line inserted from the
 * link and sent reaches the journalist with the exact text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newLinkToken } from '../../src/oncall/link.service.js';
import { startHarness, type Harness } from '../support/harness.js';
import { pagedLink } from '../support/oncall-link.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December; urgent enquiries page on-call.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const ANN = { name: 'Ann Reporter', phone: '+447911123401' };
const BEN = { name: 'Ben Writer', phone: '+447911123402' };
const HOUR = 3_600_000;
const DEPOT_LINE =
  'Fire crews and police are at the depot on Mill Lane. Please avoid the area. We will say more by 21:00.';
const OLD_LINE = 'Enquiries into the depot fire continue; we cannot say more tonight.';
const WITHDRAWN_LINE = 'The depot fire is being treated as deliberate.';
const TEMPLATE = 'Thanks {name}: we have your enquiry {reference} and will come back to you.';

/** What the line search answers. */
interface Suggestions {
  items: Array<{
    kind: 'line' | 'template';
    id: string;
    title: string;
    text: string;
    warning: string | null;
    segments: number;
    characters: number;
  }>;
}

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0 } } });
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({ phone: ON_CALL, role: 'primary', startsAt: from, endsAt: to, createdBy: 'test' });
  // The library, as a manager left it: two current lines (one past its review date), one withdrawn, one template.
  const now = h.clock.now();
  const line = (title: string, text: string, extra: { state?: 'withdrawn'; review_by?: string } = {}) =>
    h.database.db
      .insertInto('line_to_take')
      .values({
        title,
        text,
        approved_by: 'Chief Supt Reid',
        approved_at: now,
        created_at: now,
        created_by: 'head.of.news@press.example.org',
        updated_at: now,
        ...extra,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const depot = await line('Depot fire: at the scene', DEPOT_LINE);
  const old = await line('Depot fire: overnight', OLD_LINE, { review_by: '2026-12-01' });
  await line('Depot fire: deliberate', WITHDRAWN_LINE, { state: 'withdrawn' });
  await h.database.db
    .insertInto('reply_template')
    .values({
      title: 'Acknowledgement',
      body: TEMPLATE,
      created_at: now,
      created_by: 'head.of.news@press.example.org',
      updated_at: now,
    })
    .execute();
  return { depotId: depot.id, oldId: old.id };
}

/** An urgent enquiry out of hours (it pages on-call) from `who`; its reference. */
async function urgentEnquiry(who: { name: string; phone: string }, subject: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: who.name,
    outlet: 'Evening Gazette',
    phone: who.phone,
    subject,
    details: 'Need a line tonight.',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** GET the link's line search; the status and, for a 200, the suggestions. */
async function search(path: string, query: string): Promise<{ status: number; type: string; body: unknown }> {
  const res = await h.app.request(`${path}/lines?${query}`, { headers: { Accept: 'application/json' } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() };
}

describe("the on-call link's line search", () => {
  it('offers current lines exactly as written, with segments and the review warning, and templates filled from its own enquiry', async () => {
    const { depotId, oldId } = await start();
    const ann = await urgentEnquiry(ANN, 'Fire at the depot');
    const { path } = await pagedLink(h, ON_CALL);

    const found = await search(path, 'q=depot');
    expect(found.status).toBe(200);
    expect(found.type).toMatch(/^application\/json/);
    const { items } = found.body as Suggestions;
    // Current lines only: the withdrawn one is never offered.
    expect(items.map((i) => i.text)).not.toContain(WITHDRAWN_LINE);
    const depot = items.find((i) => i.kind === 'line' && i.id === depotId);
    expect(depot).toEqual({
      kind: 'line',
      id: depotId,
      title: 'Depot fire: at the scene',
      text: DEPOT_LINE,
      warning: null,
      segments: 1,
      characters: DEPOT_LINE.length,
    });
    const old = items.find((i) => i.id === oldId && i.kind === 'line');
    expect(old?.text).toBe(OLD_LINE);
    expect(old?.warning).toMatch(/review/i);

    // A template comes filled for this link's enquiry.
    const ack = (await search(path, 'q=acknowledgement')).body as Suggestions;
    expect(ack.items.find((i) => i.kind === 'template')?.text).toBe(
      `Thanks ${ANN.name}: we have your enquiry ${ann} and will come back to you.`,
    );
    // The answer is not kept anywhere on the way (the link's headers say so).
    const res = await h.app.request(`${path}/lines?q=depot`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it("fills templates from the link's enquiry only: another link's token gets its own, and the query cannot name another", async () => {
    await start();
    const ann = await urgentEnquiry(ANN, 'Fire at the depot');
    const annLink = await pagedLink(h, ON_CALL, 1);
    const ben = await urgentEnquiry(BEN, 'Smoke over Mill Lane');
    const benLink = await pagedLink(h, ON_CALL, 2);
    expect(annLink.body).toContain(ann);
    expect(benLink.body).toContain(ben);

    const filled = async (path: string, query: string) =>
      ((await search(path, query)).body as Suggestions).items.find((i) => i.kind === 'template')?.text;
    expect(await filled(benLink.path, 'q=acknowledgement')).toBe(
      `Thanks ${BEN.name}: we have your enquiry ${ben} and will come back to you.`,
    );
    // Naming Ann's enquiry in the query changes nothing: Ben's link fills from Ben's enquiry.
    expect(await filled(benLink.path, `q=acknowledgement&enquiry=${ann}&reference=${ann}`)).toBe(
      `Thanks ${BEN.name}: we have your enquiry ${ben} and will come back to you.`,
    );
    expect(await filled(annLink.path, `q=acknowledgement&enquiry=${ben}`)).toBe(
      `Thanks ${ANN.name}: we have your enquiry ${ann} and will come back to you.`,
    );
  });

  it('gives a token that opens nothing no suggestions: unknown, or expired', async () => {
    await start();
    await urgentEnquiry(ANN, 'Fire at the depot');
    const { path } = await pagedLink(h, ON_CALL);
    expect((await search(path, 'q=depot')).status).toBe(200);

    const unknown = await search(`/m/${newLinkToken()}`, 'q=depot');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'not_found', message: 'This link has expired or is not valid.' } });
    const malformed = await search('/m/not-a-token', 'q=acknowledgement');
    expect(malformed.status).toBe(404);
    expect(malformed.body).not.toHaveProperty('items');

    // Past onCall.linkHours the link's own token opens nothing either.
    h.clock.advance((h.config.onCall.linkHours + 1) * HOUR);
    const expired = await search(path, 'q=acknowledgement');
    expect(expired.status).toBe(404);
    expect(expired.body).not.toHaveProperty('items');
  });

  it('refuses a search longer than a title, naming the limit', async () => {
    await start();
    await urgentEnquiry(ANN, 'Fire at the depot');
    const { path } = await pagedLink(h, ON_CALL);
    const long = await search(path, `q=${encodeURIComponent('depot '.repeat(40))}`);
    expect(long.status).toBe(400);
    expect(long.body).toEqual({
      error: { code: 'bad_request', message: 'The search is too long: at most 200 characters' },
    });
  });

  it('puts the search on the reply and response boxes, and a line inserted in the reply reaches the journalist exactly', async () => {
    const { depotId } = await start();
    await urgentEnquiry(ANN, 'Fire at the depot');
    const { path } = await pagedLink(h, ON_CALL);
    const view = await h.app.request(path);
    const html = await view.text();
    expect(html).toContain('<script src="/assets/insert.js" defer=""></script>');
    expect(html).toMatch(new RegExp(`<textarea id="reply"[^>]*data-insert="${path}/lines"[^>]*data-sms-count=""`));
    expect(html).toMatch(new RegExp(`<textarea id="response"[^>]*data-insert="${path}/lines"`));
    // The script is served, as the page's CSP allows (same origin, no inline code).
    const script = await h.app.request('/assets/insert.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);

    // What the widget puts in the box is the suggestion's text; sent as the reply, it arrives unchanged.
    const { items } = (await search(path, 'q=depot scene')).body as Suggestions;
    const line = items.find((i) => i.id === depotId)!;
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    const res = await h.app.request(`${path}/reply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: field('_csrf'),
        reference: field('reference'),
        key: field('key'),
        reply: line.text,
      }).toString(),
    });
    expect(res.status).toBe(303);
    await h.jobs.settle();
    const toAnn = h.twilio.messages.filter((m) => m.to === ANN.phone).map((m) => m.body);
    expect(toAnn).toContain(DEPOT_LINE);
  });
});
