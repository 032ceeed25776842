/**
 * Presence and collision on the enquiry page (issue 29, item 1). An officer sees who else has the
 * enquiry open and who is writing, on load (kept in PostgreSQL with an expiry, so any web process
 * shows it); never themselves; the queue marks the enquiries someone else is on. A send (reply,
 * response, release, status change) from a page loaded before someone else acted is stopped, 409,
 * with what changed, the text kept and "Send anyway"; two sends at once cannot both pass; a form
 * submitted twice sends once. The browser test (test/browser/presence.test.ts) covers the live
 * updates between two web processes.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OMAR = { email: 'omar.officer@press.example', password: 'officer-password-1', name: 'Omar Officer' };
const SAM = { email: 'sam.lee@press.example', password: 'officer-password-2', name: 'Sam Lee' };
const SYSTEM = { userId: null, email: 'test' };
const TAB_A = '0f8fad5b-d9cb-469f-a165-70867728950e';
const TAB_B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

let h: Harness;
let omar: DeskClient;
let sam: DeskClient;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
  for (const u of [OMAR, SAM]) await h.services.users.create({ ...u, role: 'officer' }, SYSTEM);
  omar = await loginAs(h, OMAR.email, OMAR.password);
  sam = await loginAs(h, SAM.email, SAM.password);
}, 60_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

async function submit(): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Alex Reporter',
    outlet: 'Evening Gazette',
    phone: '+447912500106',
    email: 'alex@gazette.example',
    subject: 'Road closure on the A38',
    details: 'Why was the A38 closed overnight?',
  });
  expect(res.status).toBe(201);
  return (await res.json()).reference;
}

/** The live region's sentence on the enquiry page. */
function presence(html: string): string | null {
  const m = /<p id="presence-status"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return m ? decodeEntities(m[1]).trim() : null;
}

/** The hidden fields of the first send form (one with the guard's fields) posting to `action` on the page. */
function hiddenFields(html: string, action: string): Record<string, string> {
  for (const form of html.matchAll(
    new RegExp(`<form method="post" action="${action}"[^>]*>([\\s\\S]*?)</form>`, 'g'),
  )) {
    const out: Record<string, string> = {};
    for (const m of form[1].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      out[m[1]] = decodeEntities(m[2]);
    if ('_seen' in out) return out;
  }
  throw new Error(`no send form posting to ${action}`);
}

/** The stale-send notice as text (null: none on the page). */
function staleNotice(html: string): string | null {
  const m = /<section class="panel panel--urgent stale" id="stale"[^>]*>([\s\S]*?)<\/section>/.exec(html);
  return m
    ? decodeEntities(m[1].replace(/<[^>]+>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim()
    : null;
}

/** How many of the enquiry's timeline entries are of `kind`. */
async function count(reference: string, kind: string): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
      WHERE e.reference = ${reference} AND ev.kind = ${kind}`.execute(h.database.db);
  return r.rows[0].n;
}

const beat = (c: DeskClient, ref: string, fields: Record<string, string>) =>
  c.request(`/desk/presence/${ref}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': c.csrf! },
    body: new URLSearchParams(fields).toString(),
  });

describe('who else has the enquiry open', () => {
  it('shows another officer viewing, then writing, on load; never yourself; they drop off when they leave or go quiet', async () => {
    const ref = await submit();
    await sam.get(`/desk/enquiries/${ref}`);
    expect(presence(sam.last!.body)).toBe('Nobody else has this enquiry open.');
    expect((await beat(sam, ref, { tab: TAB_A })).status).toBe(204);

    expect(presence((await omar.get(`/desk/enquiries/${ref}`)).body)).toBe('Sam Lee is viewing.');
    // Sam never sees himself.
    expect(presence((await sam.get(`/desk/enquiries/${ref}`)).body)).toBe('Nobody else has this enquiry open.');

    await beat(sam, ref, { tab: TAB_A, writing: 'reply' });
    expect(presence((await omar.get(`/desk/enquiries/${ref}`)).body)).toBe('Sam Lee is writing a reply.');
    // The queue marks the row, in words.
    const queue = decodeEntities((await omar.get('/desk')).body);
    expect(queue).toMatch(new RegExp(`${ref}[\\s\\S]*?Sam Lee is on this \\(writing a reply\\)`));
    expect(decodeEntities((await sam.get('/desk')).body)).not.toContain('is on this');

    // Closing the page (the beacon) takes him off at once.
    expect((await sam.post(`/desk/presence/${ref}/leave`, { tab: TAB_A })).status).toBe(204);
    expect(presence((await omar.get(`/desk/enquiries/${ref}`)).body)).toBe('Nobody else has this enquiry open.');

    // A page that died without a goodbye drops off when its heartbeat stops (40 s).
    await beat(sam, ref, { tab: TAB_B });
    h.clock.advance(30_000);
    expect(presence((await omar.get(`/desk/enquiries/${ref}`)).body)).toBe('Sam Lee is viewing.');
    h.clock.advance(15_000);
    expect(presence((await omar.get(`/desk/enquiries/${ref}`)).body)).toBe('Nobody else has this enquiry open.');
  });

  it('refuses a heartbeat with no tab or an unknown box, naming the field, and an unknown enquiry', async () => {
    const ref = await submit();
    await sam.get(`/desk/enquiries/${ref}`);
    const noTab = await beat(sam, ref, {});
    expect(noTab.status).toBe(422);
    expect(JSON.parse(noTab.body).error.fields).toHaveProperty('tab');
    const badBox = await beat(sam, ref, { tab: TAB_A, writing: 'poem' });
    expect(badBox.status).toBe(422);
    expect(JSON.parse(badBox.body).error.fields).toHaveProperty('writing');
    expect((await beat(sam, 'PD-ZZZ-ZZZ', { tab: TAB_A })).status).toBe(404);
  });
});

describe('a send from a page loaded before someone else acted', () => {
  it('is stopped with what changed and the text kept; "Send anyway" sends it once', async () => {
    const ref = await submit();
    const omarsPage = (await omar.get(`/desk/enquiries/${ref}`)).body;
    const samsPage = (await sam.get(`/desk/enquiries/${ref}`)).body;

    // Sam replies first.
    const samSent = await sam.post(`/desk/enquiries/${ref}/reply`, {
      ...hiddenFields(samsPage, `/desk/enquiries/${ref}/reply`),
      reply: 'The road reopened at 6am.',
    });
    expect(samSent.status).toBe(303);

    // Omar, on the page he opened before, sends his own.
    const stopped = await omar.post(`/desk/enquiries/${ref}/reply`, {
      ...hiddenFields(omarsPage, `/desk/enquiries/${ref}/reply`),
      reply: 'We will come back to you by noon.',
    });
    expect(stopped.status).toBe(409);
    const text = decodeEntities(stopped.body);
    expect(staleNotice(stopped.body)).toMatch(
      /^Nothing was sent: this enquiry changed after you opened it Sam Lee: Reply by SMS queued at [^:]*10:00: The road reopened at 6am\. /,
    );
    // His words are kept in the form, and nothing of his went.
    expect(text).toContain('>We will come back to you by noon.</textarea>');
    expect(await count(ref, 'reply_queued')).toBe(1);

    // "Send anyway": the same words, now marked as having seen Sam's reply. Twice: sent once.
    const anyway = hiddenFields(stopped.body.slice(stopped.body.indexOf('id="stale"')), `/desk/enquiries/${ref}/reply`);
    expect(anyway.reply).toBe('We will come back to you by noon.');
    expect(anyway._seen).not.toBe(hiddenFields(omarsPage, `/desk/enquiries/${ref}/reply`)._seen);
    const first = await omar.post(`/desk/enquiries/${ref}/reply`, anyway);
    expect(first.status).toBe(303);
    const second = await omar.post(`/desk/enquiries/${ref}/reply`, anyway);
    expect(second.status).toBe(303);
    expect(second.location).toBe(first.location);
    expect(await count(ref, 'reply_queued')).toBe(2);
  });

  it('a form submitted twice sends once, and your own actions do not make your page stale', async () => {
    const ref = await submit();
    const page = (await omar.get(`/desk/enquiries/${ref}`)).body;
    const reply = { ...hiddenFields(page, `/desk/enquiries/${ref}/reply`), reply: 'On its way.' };
    const [a, b] = await Promise.all([
      omar.post(`/desk/enquiries/${ref}/reply`, reply),
      omar.post(`/desk/enquiries/${ref}/reply`, reply),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await count(ref, 'reply_queued')).toBe(1);
    // The response from the same (now older) page goes: only Omar acted since.
    const response = await omar.post(`/desk/enquiries/${ref}/response`, {
      ...hiddenFields(page, `/desk/enquiries/${ref}/response`),
      response: 'The A38 reopened at 6am after resurfacing.',
    });
    expect(response.status).toBe(303);
  });

  it('two officers sending at the same moment from pages loaded together: one goes, the other is stopped', async () => {
    const ref = await submit();
    const omarsPage = (await omar.get(`/desk/enquiries/${ref}`)).body;
    const samsPage = (await sam.get(`/desk/enquiries/${ref}`)).body;
    const [o, s] = await Promise.all([
      omar.post(`/desk/enquiries/${ref}/reply`, {
        ...hiddenFields(omarsPage, `/desk/enquiries/${ref}/reply`),
        reply: 'From Omar.',
      }),
      sam.post(`/desk/enquiries/${ref}/reply`, {
        ...hiddenFields(samsPage, `/desk/enquiries/${ref}/reply`),
        reply: 'From Sam.',
      }),
    ]);
    expect([o.status, s.status].sort()).toEqual([303, 409]);
    expect(await count(ref, 'reply_queued')).toBe(1);
  });

  it('stops a status change, a response and a release from a stale page; a note is no send', async () => {
    const ref = await submit();
    const omarsPage = (await omar.get(`/desk/enquiries/${ref}`)).body;
    const samsPage = (await sam.get(`/desk/enquiries/${ref}`)).body;
    expect(
      (
        await sam.post(`/desk/enquiries/${ref}/response`, {
          ...hiddenFields(samsPage, `/desk/enquiries/${ref}/response`),
          response: 'The A38 reopened at 6am.',
        })
      ).status,
    ).toBe(303);

    const status = await omar.post(`/desk/enquiries/${ref}/status`, {
      ...hiddenFields(omarsPage, `/desk/enquiries/${ref}/status`),
      status: 'answered',
      outcome: 'answered',
    });
    expect(status.status).toBe(409);
    expect(staleNotice(status.body)).toMatch(
      /Sam Lee: Response given \(press line\) at [^:]*10:00: The A38 reopened at 6am\. /,
    );
    expect(decodeEntities(status.body)).toContain('Change the status anyway');

    const response = await omar.post(`/desk/enquiries/${ref}/response`, {
      ...hiddenFields(omarsPage, `/desk/enquiries/${ref}/response`),
      response: 'Omar’s wording.',
    });
    expect(response.status).toBe(409);
    expect(decodeEntities(response.body)).toContain('Omar’s wording.</textarea>');

    // Omar reloads (sees Sam's response) and Sam then releases it: Omar's release form is stale again.
    const reloaded = (await omar.get(`/desk/enquiries/${ref}`)).body;
    const samNow = (await sam.get(`/desk/enquiries/${ref}`)).body;
    expect(
      (await sam.post(`/desk/enquiries/${ref}/release`, hiddenFields(samNow, `/desk/enquiries/${ref}/release`))).status,
    ).toBe(303);
    const release = await omar.post(
      `/desk/enquiries/${ref}/release`,
      hiddenFields(reloaded, `/desk/enquiries/${ref}/release`),
    );
    expect(release.status).toBe(409);
    expect(staleNotice(release.body)).toContain('Sam Lee: Response released to the journalist’s status page');

    // A note is not a send: it goes whatever happened meanwhile.
    const note = await omar.post(`/desk/enquiries/${ref}/note`, { note: 'Checked with highways.' });
    expect(note.status).toBe(303);
    expect(await count(ref, 'response_recorded')).toBe(1);
    expect(await count(ref, 'status_changed')).toBe(0);
  });
});
