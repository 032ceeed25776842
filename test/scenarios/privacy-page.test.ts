/**
 * The managers' "Journalists' data" page (/desk/privacy) as a manager reads it: the count and list
 * of a journalist's enquiries, the export link, the open enquiries an erasure will close (one or
 * several, or none), the result of an erasure, and which fields are in error. Written after the
 * issue 24 mutation run of src/privacy/privacy.routes.tsx left its wording, links and error
 * marking untested.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/http/errors.js';
import { decodeEntities, inputValue, loginAs, type DeskClient } from '../support/desk-client.js';
import { apiEnquiry } from '../support/enquiry.js';
import { startHarness, type Harness } from '../support/harness.js';

const MANAGER = { email: 'privacy.page@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
let manager: DeskClient;

beforeAll(async () => {
  h = await startHarness({ now: '2026-03-10T10:00:00Z', config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, name: 'Pat Manager', role: 'manager' }, SYSTEM);
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h?.close();
});

/** An enquiry from Jess at the Daily Planet through the API; its reference. */
async function enquiry(fields: Record<string, unknown>): Promise<string> {
  return (
    await apiEnquiry(h, { name: 'Jess Journalist', outlet: 'Daily Planet', details: 'Numbers please', ...fields })
  ).reference;
}

/** The plain text of an HTML fragment, spaces collapsed. */
function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The list under "N enquiries found": each item's link and text. */
function foundList(html: string) {
  const list = /enquir(?:y|ies) found\s*<\/h2>\s*<ul>([\s\S]*?)<\/ul>/.exec(html)?.[1];
  if (list === undefined) return null;
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => ({
    href: /<a href="([^"]*)"/.exec(m[1])?.[1],
    text: decodeEntities(m[1].replace(/<[^>]*>/g, '')),
  }));
}

/** The "N enquiries found" heading. */
function foundHeading(html: string): string | null {
  const m = /<h2>([^<]*enquir[^<]*found)\s*<\/h2>/.exec(html);
  return m ? text(m[1]) : null;
}

/** The section listing open enquiries before the erase button: its heading, paragraph, and linked rows. */
function openSection(html: string) {
  const m = /<section aria-labelledby="open-title">([\s\S]*?)<\/section>/.exec(html);
  if (!m) return null;
  return {
    heading: text(/<h3 id="open-title">([\s\S]*?)<\/h3>/.exec(m[1])?.[1] ?? ''),
    paragraph: text(/<p>([\s\S]*?)<\/p>/.exec(m[1])?.[1] ?? ''),
    links: [...m[1].matchAll(/<td data-label="Reference">\s*<a href="([^"]*)">([^<]*)<\/a>/g)].map((x) => ({
      href: x[1],
      text: x[2],
    })),
  };
}

/** The notice after an erasure: its sentence and each listed reference (link and text after it). */
function erasedNotice(html: string) {
  const m = /<div class="panel" role="status">([\s\S]*?)<\/div>/.exec(html);
  if (!m) return null;
  return {
    sentence: text(/<p>([\s\S]*?)<\/p>/.exec(m[1])?.[1] ?? ''),
    items: [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((x) => ({
      href: /<a href="([^"]*)"/.exec(x[1])?.[1],
      text: decodeEntities(x[1].replace(/<[^>]*>/g, '')),
    })),
  };
}

function title(html: string): string {
  return decodeEntities(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '');
}

/** The error summary's links, in order: [href, text]. */
function summaryLinks(html: string): Array<[string, string]> {
  const summary = /<div class="error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((x) => [x[1], decodeEntities(x[2])]);
}

/** The class of the div wrapping the field with input id `id`. */
function wrapperClass(html: string, id: string): string | undefined {
  const at = html.indexOf(
    `<input type="${id === 'confirm' ? 'checkbox' : id === 'phone' ? 'tel' : 'email'}" id="${id}"`,
  );
  const before = html.slice(0, at);
  const divs = [...before.matchAll(/<div class="([^"]*)">/g)];
  // The confirm box sits in <div class="checkbox"> inside its field's div.
  const own = id === 'confirm' ? divs.at(-2) : divs.at(-1);
  return own?.[1];
}

/** The aria-describedby of the input with id `id`, or null when it has none. */
function describedByOf(html: string, id: string): string | null {
  const tag = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
  return /aria-describedby="([^"]*)"/.exec(tag)?.[1] ?? null;
}

describe('finding a journalist', () => {
  it('shows the blank search form, with no error, when neither phone nor email is given', async () => {
    const page = await manager.get('/desk/privacy');
    expect(page.status).toBe(200);
    expect(title(page.body)).toMatch(/^Journalists’ data – /);
    expect(page.body).not.toContain('error-summary');
    expect(page.body).not.toContain('field--error');
    expect(foundHeading(page.body)).toBeNull();
    expect(inputValue(page.body, 'phone')).toBe('');
    expect(inputValue(page.body, 'email')).toBe('');
  });

  it("says '1 enquiry found' for one, linked, with its subject and the export link carrying both fields", async () => {
    const ref = await enquiry({ email: 'solo@news.example', subject: 'Bridge repairs' });
    const page = await manager.get(`/desk/privacy?email=${encodeURIComponent('solo@news.example')}`);
    expect(page.status).toBe(200);
    expect(title(page.body)).toMatch(/^Journalists’ data – /);
    expect(foundHeading(page.body)).toBe('1 enquiry found');
    expect(foundList(page.body)).toEqual([{ href: `/desk/enquiries/${ref}`, text: `${ref} Bridge repairs ` }]);
    // Searched by email only: the phone box stays empty and the export asks for no phone.
    expect(inputValue(page.body, 'phone')).toBe('');
    expect(page.body).toContain('href="/desk/privacy/export.json?phone=&amp;email=solo%40news.example"');
  });

  it("says '2 enquiries found' for two, each linked to its enquiry, an erased one marked '(already erased)'", async () => {
    const phone = '+447911123501';
    const first = await enquiry({ phone, email: 'two@news.example', subject: 'Flood defences' });
    h.clock.advance(60_000);
    const second = await enquiry({ phone, subject: 'School closures' });
    // Erasure clears the number too, so no erased row is normally found; this one is marked erased
    // directly, to see the page say so rather than list it like the others.
    await sql`UPDATE enquiry SET erased_at = now() WHERE reference = ${second}`.execute(h.database.db);

    const page = await manager.get(
      `/desk/privacy?phone=${encodeURIComponent(phone)}&email=${encodeURIComponent('two@news.example')}`,
    );
    expect(page.status).toBe(200);
    expect(foundHeading(page.body)).toBe('2 enquiries found');
    expect(foundList(page.body)).toEqual([
      { href: `/desk/enquiries/${first}`, text: `${first} Flood defences ` },
      { href: `/desk/enquiries/${second}`, text: `${second} School closures (already erased)` },
    ]);
    const exportHref = decodeEntities(/href="(\/desk\/privacy\/export\.json\?[^"]*)"/.exec(page.body)?.[1] ?? '');
    expect(exportHref).toBe('/desk/privacy/export.json?phone=%2B447911123501&email=two%40news.example');

    // Following the link downloads the journalist's data as a file.
    const exported = await manager.get(exportHref);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="journalist-data.json"');
    const data = JSON.parse(exported.body) as { journalist: unknown; enquiries: Array<{ reference: string }> };
    expect(data.journalist).toEqual({ phone, email: 'two@news.example' });
    expect(data.enquiries.map((e) => e.reference)).toEqual([first, second]);
  });

  it('refuses an export that names nobody, rather than downloading an empty file', async () => {
    const res = await manager.get('/desk/privacy/export.json');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-disposition')).toBeNull();
  });

  it('does not turn a failure that is not about the form into a form error', async () => {
    const spy = vi
      .spyOn(h.services.privacy, 'openEnquiriesOf')
      .mockRejectedValueOnce(new AppError('unavailable', 'The database is not answering'));
    const page = await manager.get(`/desk/privacy?email=${encodeURIComponent('solo@news.example')}`);
    spy.mockRestore();
    expect(page.status).toBe(503);
    expect(foundHeading(page.body)).toBeNull();
    expect(page.body).not.toContain('<h1>Journalists’ personal data</h1>');
  });
});

describe('saying what is wrong with the search', () => {
  it("titles the page 'Error: …', lists phone before email in the summary, and marks both fields", async () => {
    const page = await manager.get('/desk/privacy?phone=12&email=nonsense');
    expect(page.status).toBe(422);
    expect(title(page.body)).toMatch(/^Error: Journalists’ data – /);
    expect(summaryLinks(page.body)).toEqual([
      ['#phone', 'Enter a phone number, like 07911 123456'],
      ['#email', 'Enter an email address, like name@example.com'],
    ]);
    expect(wrapperClass(page.body, 'phone')).toBe('filter field--error');
    expect(wrapperClass(page.body, 'email')).toBe('filter field--error');
    expect(describedByOf(page.body, 'phone')).toBe('phone-error');
    expect(describedByOf(page.body, 'email')).toBe('email-error');
    expect(inputValue(page.body, 'phone')).toBe('12');
    expect(inputValue(page.body, 'email')).toBe('nonsense');
    expect(foundHeading(page.body)).toBeNull();
  });

  it('marks only the phone field when only the phone is wrong', async () => {
    const page = await manager.get('/desk/privacy?phone=12');
    expect(page.status).toBe(422);
    expect(summaryLinks(page.body)).toEqual([['#phone', 'Enter a phone number, like 07911 123456']]);
    expect(wrapperClass(page.body, 'phone')).toBe('filter field--error');
    expect(wrapperClass(page.body, 'email')).toBe('filter');
    expect(describedByOf(page.body, 'phone')).toBe('phone-error');
    expect(describedByOf(page.body, 'email')).toBeNull();
  });

  it('marks only the email field when only the email is wrong', async () => {
    const page = await manager.get('/desk/privacy?email=nonsense');
    expect(page.status).toBe(422);
    expect(summaryLinks(page.body)).toEqual([['#email', 'Enter an email address, like name@example.com']]);
    expect(wrapperClass(page.body, 'phone')).toBe('filter');
    expect(wrapperClass(page.body, 'email')).toBe('filter field--error');
    expect(describedByOf(page.body, 'phone')).toBeNull();
    expect(describedByOf(page.body, 'email')).toBe('email-error');
  });
});

describe('before an erasure: the open enquiries it will close', () => {
  it("says 'None of these enquiries is open.' when all are closed, and leaves the unticked box unmarked", async () => {
    const phone = '+447911123510';
    const ref = await enquiry({ phone, subject: 'Old news' });
    await h.services.casework.setStatus(ref, 'closed', SYSTEM);
    const page = await manager.get(`/desk/privacy?phone=${encodeURIComponent(phone)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p>None of these enquiries is open.</p>');
    expect(openSection(page.body)).toBeNull();
    expect(wrapperClass(page.body, 'confirm')).toBe('field');
    expect(describedByOf(page.body, 'confirm')).toBeNull();
    expect(wrapperClass(page.body, 'phone')).toBe('filter');
    expect(wrapperClass(page.body, 'email')).toBe('filter');
  });

  it("says '1 open enquiry will be closed as erased', 'closes it', 'it leaves', 'count it', linked", async () => {
    const phone = '+447911123520';
    const ref = await enquiry({ phone, subject: 'One open' });
    const page = await manager.get(`/desk/privacy?phone=${encodeURIComponent(phone)}`);
    expect(page.body).not.toContain('None of these enquiries is open.');
    const open = openSection(page.body);
    expect(open?.heading).toBe('1 open enquiry will be closed as erased');
    expect(open?.paragraph).toBe(
      'Nobody can answer an enquiry once the journalist’s details are gone, so erasing closes it with the status ' +
        '“erased”: it leaves the queue, and reminders, deadline warnings and on-call pages stop. Reports count it ' +
        'neither as answered nor as missed after the erasure.',
    );
    expect(open?.links).toEqual([{ href: `/desk/enquiries/${ref}`, text: ref }]);
  });

  it("says '2 open enquiries will be closed as erased', 'closes them', 'they leave', 'count them', each linked", async () => {
    const phone = '+447911123530';
    const a = await enquiry({ phone, subject: 'First open' });
    h.clock.advance(60_000);
    const b = await enquiry({ phone, subject: 'Second open' });
    const page = await manager.get(`/desk/privacy?phone=${encodeURIComponent(phone)}`);
    const open = openSection(page.body);
    expect(open?.heading).toBe('2 open enquiries will be closed as erased');
    expect(open?.paragraph).toBe(
      'Nobody can answer an enquiry once the journalist’s details are gone, so erasing closes them with the status ' +
        '“erased”: they leave the queue, and reminders, deadline warnings and on-call pages stop. Reports count them ' +
        'neither as answered nor as missed after the erasure.',
    );
    expect(open?.links).toEqual([
      { href: `/desk/enquiries/${a}`, text: a },
      { href: `/desk/enquiries/${b}`, text: b },
    ]);
  });

  it('marks the confirm box, titled as an error, when it was not ticked', async () => {
    const phone = '+447911123540';
    await enquiry({ phone, subject: 'Unticked' });
    await manager.get(`/desk/privacy?phone=${encodeURIComponent(phone)}`);
    const refused = await manager.post('/desk/privacy/erase', { phone, email: '' });
    expect(refused.status).toBe(422);
    expect(title(refused.body)).toMatch(/^Error: Journalists’ data – /);
    expect(summaryLinks(refused.body)).toEqual([['#confirm', 'Tick the box to confirm the erasure request']]);
    expect(wrapperClass(refused.body, 'confirm')).toBe('field field--error');
    expect(describedByOf(refused.body, 'confirm')).toBe('confirm-error');
    expect(wrapperClass(refused.body, 'phone')).toBe('filter');
    expect(describedByOf(refused.body, 'phone')).toBeNull();
  });

  it('treats a phone or email sent as a file, not text, as not given', async () => {
    const phone = '+447911123550';
    const ref = await enquiry({ phone, email: 'filed@news.example', subject: 'Sent as a file' });
    await manager.get('/desk/privacy');
    const post = (fields: Record<string, string | Blob>) => {
      const form = new FormData();
      form.append('_csrf', manager.csrf ?? '');
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      return manager.request('/desk/privacy/erase', { method: 'POST', body: form });
    };

    const byEmail = await post({ phone: new File(['+447911123550'], 'phone.txt'), email: 'filed@news.example' });
    expect(byEmail.status).toBe(422);
    expect(foundList(byEmail.body)).toEqual([{ href: `/desk/enquiries/${ref}`, text: `${ref} Sent as a file ` }]);
    expect(byEmail.body).toContain('<input type="hidden" name="phone" value=""/>');
    expect(byEmail.body).toContain('<input type="hidden" name="email" value="filed@news.example"/>');

    const byPhone = await post({ phone, email: new File(['filed@news.example'], 'email.txt') });
    expect(byPhone.status).toBe(422);
    expect(foundList(byPhone.body)).toEqual([{ href: `/desk/enquiries/${ref}`, text: `${ref} Sent as a file ` }]);
    expect(byPhone.body).toContain(`<input type="hidden" name="phone" value="${phone}"/>`);
    expect(byPhone.body).toContain('<input type="hidden" name="email" value=""/>');
  });
});

describe('after an erasure', () => {
  it("says 'Erased personal data from 1 enquiry:' and marks the one that was open as closed", async () => {
    const phone = '+447911123560';
    const ref = await enquiry({ phone, subject: 'Erase me' });
    await manager.get(`/desk/privacy?phone=${encodeURIComponent(phone)}`);
    const done = await manager.post('/desk/privacy/erase', { phone, email: '', confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(title(done.body)).toMatch(/^Journalists’ data – /);
    expect(erasedNotice(done.body)).toEqual({
      sentence: 'Erased personal data from 1 enquiry:',
      items: [{ href: `/desk/enquiries/${ref}`, text: `${ref} (was open: closed as erased, off the queue)` }],
    });
  });

  it("says 'Erased personal data from 2 enquiries:', each linked, only the open one marked as closed", async () => {
    const email = 'pair@news.example';
    const closed = await enquiry({ email, subject: 'Closed already' });
    await h.services.casework.setStatus(closed, 'closed', SYSTEM);
    h.clock.advance(60_000);
    const open = await enquiry({ email, subject: 'Still open' });
    await manager.get(`/desk/privacy?email=${encodeURIComponent(email)}`);
    const done = await manager.post('/desk/privacy/erase', { phone: '', email, confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(erasedNotice(done.body)).toEqual({
      sentence: 'Erased personal data from 2 enquiries:',
      items: [
        { href: `/desk/enquiries/${closed}`, text: closed },
        { href: `/desk/enquiries/${open}`, text: `${open} (was open: closed as erased, off the queue)` },
      ],
    });
  });

  it("says 'Erased personal data from 0 enquiries.' with nothing listed when the journalist had none", async () => {
    await manager.get('/desk/privacy');
    const done = await manager.post('/desk/privacy/erase', { phone: '+447911123599', email: '', confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(erasedNotice(done.body)).toEqual({ sentence: 'Erased personal data from 0 enquiries.', items: [] });
    expect(done.body).not.toContain('erased-references');
  });
});
