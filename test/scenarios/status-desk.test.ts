/**
 * Issue 17, the desk's side of the journalist's status page: the officer releases the recorded
 * response (and the journalist is told once, by SMS, with a working link), what the journalist
 * adds is marked in the queue until someone opens the enquiry, and a withdrawn enquiry's page
 * says why at the top.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICER = { email: 'rhea.officer@press.example', password: 'officer-password-17' };
const SYSTEM = { userId: null, email: 'test' };
const MARKER = 'New information from the journalist';

let h: Harness;
let officer: DeskClient;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, jobs: true, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...OFFICER, name: 'Rhea Officer', role: 'officer' }, SYSTEM);
  officer = await loginAs(h, OFFICER.email, OFFICER.password);
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

/** Submits through the API as a journalist on a UK mobile; returns the reference and the status link's token. */
async function submit(
  phone: string,
  fields: Record<string, unknown> = {},
): Promise<{ reference: string; token: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Jo Journalist',
    outlet: 'Morning Courier',
    phone,
    subject: 'Library opening hours',
    details: 'Are the libraries closing earlier from January?',
    ...fields,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  const token = body.statusUrl.split('/status/')[1];
  expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  return { reference: body.reference, token };
}

/** The text of a page with tags removed and whitespace folded, as a reader would see it. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** The queue row of `reference` on the queue page (any status), or null. */
async function queueRow(reference: string): Promise<string | null> {
  const page = await officer.get('/desk?status=all');
  expect(page.status).toBe(200);
  return new RegExp(`<tr id="row-${reference}"[\\s\\S]*?</tr>`).exec(page.body)?.[0] ?? null;
}

describe('releasing the response to the status page', () => {
  it('tells the journalist once by SMS with a link that shows the response; a later released response sends nothing more', {
    timeout: 20_000,
  }, async () => {
    const phone = '+447911123456';
    const { reference } = await submit('07911 123456');
    const line = 'The libraries keep their hours until March; a consultation opens in January.';

    const page = await officer.get(`/desk/enquiries/${reference}`);
    expect(text(page.body)).toContain("Show this response on the journalist's status page and tell them");
    const rec = await officer.post(`/desk/enquiries/${reference}/response`, { response: line, release: 'yes' });
    expect(rec.status).toBe(303);

    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const told = h.twilio.messages.filter((m) => m.to === phone);
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain('we have answered');
    expect(told[0].body).toContain(reference);
    const link = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/status/[A-Za-z0-9_-]+)`).exec(
      told[0].body ?? '',
    );
    expect(link, told[0].body).not.toBeNull();

    const status = await h.app.request(link![1]);
    expect(status.status).toBe(200);
    expect(text(await status.text())).toContain(line);

    // The desk sees it is out, and can take it off again.
    const after = text((await officer.get(`/desk/enquiries/${reference}`)).body);
    expect(after).toContain("This response is on the journalist's status page");
    expect(after).toContain('Take it off the status page');

    // A corrected line, released again: on the page, but the journalist was already told.
    const corrected = `${line} Mobile libraries are unaffected.`;
    expect(
      (await officer.post(`/desk/enquiries/${reference}/response`, { response: corrected, release: 'yes' })).status,
    ).toBe(303);
    await h.jobs.settle();
    await new Promise((r) => setTimeout(r, 300));
    await h.jobs.settle();
    expect(h.twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(text(await (await h.app.request(link![1])).text())).toContain('Mobile libraries are unaffected.');
  });

  it('keeps the box ticked when the response is re-shown with an error', async () => {
    const { reference } = await submit('+447911123457');
    const res = await officer.post(`/desk/enquiries/${reference}/response`, { response: '   ', release: 'yes' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'response')).toBe('Enter the response given');
    expect(/<input[^>]*id="release"[^>]*>/.exec(res.body)?.[0]).toContain('checked');
  });

  it('refuses to release before a response is recorded, with the message beside the field', async () => {
    const { reference } = await submit('+447911123458');
    const res = await officer.post(`/desk/enquiries/${reference}/release`, { released: 'yes' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'release')).toBe('Record the response first');
    expect(res.body).toContain('href="#release"');
    const e = await h.database.db
      .selectFrom('enquiry')
      .select(['response_released_at'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(e.response_released_at).toBeNull();
  });
});

describe('what the journalist does on the status page, on the desk', () => {
  it('marks the queue row when the journalist adds information, until someone opens the enquiry', async () => {
    const { reference, token } = await submit('+447911123459');
    expect(await queueRow(reference)).not.toContain(MARKER);

    h.clock.set('2026-12-02T10:20:00Z');
    expect(await h.services.statusPages.addInformation(token, 'The council meets on the 9th; I file on the 8th.')).toBe(
      true,
    );
    const marked = await queueRow(reference);
    expect(marked).toContain(MARKER);
    expect(text(marked!)).toContain('Wed 2 Dec 10:20');

    const opened = text((await officer.get(`/desk/enquiries/${reference}`)).body);
    expect(opened).toContain('The journalist added information at Wed 2 Dec 10:20');
    expect(opened).toContain('The council meets on the 9th; I file on the 8th.');

    expect(await queueRow(reference)).not.toContain(MARKER);
    expect(text((await officer.get(`/desk/enquiries/${reference}`)).body)).not.toContain(
      'The journalist added information at',
    );
  });

  it('shows a withdrawn enquiry as withdrawn, with the journalist’s reason at the top of its page', async () => {
    const { reference, token } = await submit('+447911123460');
    h.clock.set('2026-12-02T11:05:00Z');
    expect(await h.services.statusPages.withdraw(token, 'Our editor dropped the story.')).toBe(true);

    const html = (await officer.get(`/desk/enquiries/${reference}`)).body;
    const panel = /<section class="panel panel--withdrawn"[\s\S]*?<\/section>/.exec(html)?.[0];
    expect(panel).toBeDefined();
    expect(text(panel!)).toContain('Withdrawn by the journalist on Wed 2 Dec 11:05: no longer needed');
    expect(text(panel!)).toContain('Our editor dropped the story.');
    // Before the details, so nobody starts on it.
    expect(html.indexOf('panel--withdrawn')).toBeLessThan(html.indexOf('<h2>Details</h2>'));

    // Off the open queue; found under its own status in the filter.
    expect((await officer.get('/desk')).body).not.toContain(`row-${reference}`);
    const filtered = await officer.get('/desk?status=withdrawn');
    expect(filtered.body).toContain(`row-${reference}`);
    expect(text(filtered.body)).toContain('Withdrawn by the journalist');
  });

  it('tells the desk when the journalist turned messages off', async () => {
    const { reference, token } = await submit('+447911123461');
    const notice = (html: string) => /<p class="panel" id="updates-off">([\s\S]*?)<\/p>/.exec(html)?.[1];
    expect(notice((await officer.get(`/desk/enquiries/${reference}`)).body)).toBeUndefined();
    expect(await h.services.statusPages.setUpdates(token, false)).toBe(true);
    // Beside the reply forms, not only as a line on the timeline.
    const html = (await officer.get(`/desk/enquiries/${reference}`)).body;
    expect(text(notice(html) ?? '')).toContain('The journalist turned off messages about this enquiry');
    expect(html.indexOf('id="updates-off"')).toBeLessThan(html.indexOf('id="reply"'));
  });
});
