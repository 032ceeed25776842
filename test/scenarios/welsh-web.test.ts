/**
 * Issue 31, the web journey in Welsh. A Welsh body (office.languages ["cy","en"]) serves its
 * public form in Welsh unless the journalist asks for English (the switch, or their browser);
 * the errors, the confirmation and the status page speak the language the journalist chose,
 * and the enquiry remembers it. The API takes the same choice as `language`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: open until 5pm.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
// Christmas Eve 2026, 18:00: closed until 9:00am on Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const LINK = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/status/[A-Za-z0-9_-]{22})`);

const valid = {
  name: 'Siân Gohebydd',
  outlet: 'Radio Cymru',
  email: 'sian@radiocymru.example',
  subject: 'Llifogydd yn y dref',
  details: 'Faint o swyddogion oedd yno?',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: WEDNESDAY_10AM,
    config: { intake: { rateLimit: null }, office: { languages: ['cy', 'en'] } },
  });
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

/**
 * Checks that `res` answered `status` with a page marked as in `lang` (its `<html lang>`) that
 * says each of `says`; returns the page's HTML for any further checks.
 */
async function expectPage(res: Response, status: number, lang: 'cy-GB' | 'en-GB', says: readonly string[]) {
  expect(res.status).toBe(status);
  const html = await res.text();
  expect(html).toContain(`<html lang="${lang}">`);
  for (const words of says) expect(html).toContain(words);
  return html;
}

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe('a Welsh-first office: the form', () => {
  it('is in Welsh by default, says so, and offers English in English', async () => {
    const res = await h.app.request('/');
    expect(res.headers.get('content-language')).toBe('cy-GB');
    const html = await expectPage(res, 200, 'cy-GB', [
      'Anfon ymholiad gan y cyfryngau',
      'Eich enw',
      'Mae swyddfa’r wasg ar agor nawr tan 5:00yh heddiw.',
      '<a href="/?lang=en" lang="en-GB" hreflang="en-GB">English</a>',
      '<input type="hidden" name="language" value="cy"/>',
    ]);
    expect(html).not.toContain('Send a media enquiry');
  });

  it('says when a closed office reopens with Welsh day and month names', async () => {
    h.clock.set(CHRISTMAS_EVE_6PM);
    const html = await (await h.app.request('/')).text();
    expect(html).toContain('Mae swyddfa’r wasg ar gau tan 9:00yb ddydd Mawrth 29 Rhagfyr.');
  });

  it('is in English with the switch (?lang=en), and with an English browser', async () => {
    for (const res of [
      await h.app.request('/?lang=en'),
      await h.app.request('/', { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } }),
    ]) {
      expect(res.headers.get('content-language')).toBe('en-GB');
      await expectPage(res, 200, 'en-GB', [
        'Send a media enquiry',
        'The press office is open now until 5:00pm today.',
        '<a href="/?lang=cy" lang="cy-GB" hreflang="cy-GB">Cymraeg</a>',
      ]);
    }
  });

  it('names each field’s problem in Welsh, keeping what was typed', async () => {
    const res = await h.postForm('/enquiries', {
      ...valid,
      name: '',
      email: 'not-an-address',
      deadline: '2026-12-01T09:00',
      language: 'cy',
    });
    const html = await expectPage(res, 422, 'cy-GB', [
      'Gwall: Anfon ymholiad gan y cyfryngau',
      'Mae problem',
      'Rhowch eich enw',
      'Rhowch gyfeiriad e-bost yn y ffurf gywir, fel enw@enghraifft.com',
      'Rhaid i’r terfyn amser fod yn y dyfodol',
      '<span class="visually-hidden">Gwall:</span>',
      'Radio Cymru',
    ]);
    expect(html).not.toContain('Enter your name');
  });

  it('names a field that is too long by its Welsh label', async () => {
    const res = await h.postForm('/enquiries', { ...valid, subject: 'x'.repeat(201), language: 'cy' });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Mae’r maes “Pwnc” yn rhy hir: 200 nod ar y mwyaf');
  });

  it('in English, the errors are the English ones', async () => {
    const res = await h.postForm('/enquiries', { ...valid, name: '', language: 'en' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter your name');
    expect(html).not.toContain('Rhowch eich enw');
  });
});

describe('a Welsh-first office: after sending', () => {
  it('confirms in Welsh, remembers Welsh on the enquiry, and the status page follows it', async () => {
    const res = await h.postForm('/enquiries', { ...valid, language: 'cy' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/enquiries\/PD-[2-9A-Z]{3}-[2-9A-Z]{3}\/confirmation\?lang=cy$/);
    const reference = location.split('/')[2];
    const row = await h.database.db
      .selectFrom('enquiry')
      .select('language')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row.language).toBe('cy');

    const confirmation = await h.app.request(location, { headers: { Cookie: cookiesOf(res) } });
    const html = await expectPage(confirmation, 200, 'cy-GB', [
      'Mae’ch ymholiad wedi cyrraedd',
      'Eich cyfeirnod',
      'Dilyn eich ymholiad',
    ]);
    const link = LINK.exec(html);
    expect(link).not.toBeNull();

    // The status page: Welsh because the enquiry is, whatever the browser says; English by the switch.
    const status = await h.app.request(link![1], { headers: { 'Accept-Language': 'en-GB' } });
    expect(status.headers.get('content-language')).toBe('cy-GB');
    const page = await expectPage(status, 200, 'cy-GB', [
      `Eich ymholiad <strong class="reference">${reference}</strong>`,
      'Daeth i law 10:00yb heddiw drwy’r ffurflen ar y we.',
      'Wedi cyrraedd',
      'Ychwanegu gwybodaeth',
      'Tynnu’ch ymholiad yn ôl',
      `<a href="${link![1]}?lang=en" lang="en-GB" hreflang="en-GB">English</a>`,
    ]);
    expect(page).not.toContain('Add information');

    const english = await (await h.app.request(`${link![1]}?lang=en`)).text();
    expect(english).toContain('<html lang="en-GB">');
    expect(english).toContain('Received 10:00am today through the web form.');
    expect(english).toContain(`<a href="${link![1]}?lang=cy" lang="cy-GB" hreflang="cy-GB">Cymraeg</a>`);
  });

  it('refuses on the status page in Welsh: withdrawing without the box ticked, an empty addition', async () => {
    const res = await h.postJson('/api/enquiries', { ...valid, language: 'cy' });
    expect(res.status).toBe(201);
    const path = LINK.exec(((await res.json()) as { statusUrl: string }).statusUrl)![1];
    const html = await (await h.app.request(path)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    expect(html).toContain(`action="${path}/withdraw?lang=cy"`);

    const withdraw = await h.postForm(`${path}/withdraw?lang=cy`, { _csrf: csrf, reason: '' });
    expect(withdraw.status).toBe(422);
    expect(await withdraw.text()).toContain('Ticiwch y blwch i gadarnhau eich bod eisiau tynnu’ch ymholiad yn ôl');

    const add = await h.postForm(`${path}/add?lang=cy`, { _csrf: csrf, information: '  ' });
    expect(add.status).toBe(422);
    expect(await add.text()).toContain('Rhowch yr hyn rydych chi eisiau ei ychwanegu');

    const done = await h.postForm(`${path}/add?lang=cy`, { _csrf: csrf, information: 'Rhagor o fanylion.' });
    expect(done.status).toBe(303);
    const after = await (await h.app.request(done.headers.get('location')!)).text();
    expect(after).toContain('Diolch. Mae’r hyn a ychwanegoch chi bellach gyda’ch ymholiad');
  });
});

describe('the API', () => {
  it('stores the language it is given, and refuses an unknown one naming the field', async () => {
    const ok = await h.postJson('/api/enquiries', { ...valid, language: 'cy' });
    expect(ok.status).toBe(201);
    const { reference } = (await ok.json()) as { reference: string };
    const row = await h.database.db
      .selectFrom('enquiry')
      .select('language')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row.language).toBe('cy');

    const bad = await h.postJson('/api/enquiries', { ...valid, language: 'fr' });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields).toEqual({ language: 'language must be one of en, cy' });
  });
});

describe('a Welsh-first office: the error pages a journalist can meet', () => {
  it('says an address that does not exist in Welsh, with the way back to the Welsh form', async () => {
    const res = await h.app.request('/no-such-page');
    const html = await expectPage(res, 404, 'cy-GB', [
      'Heb ddod o hyd i’r dudalen',
      '<a href="/?lang=cy">Mynd i’r ffurflen ymholiad</a>',
    ]);
    expect(html).not.toContain('Page not found');
  });

  it('says it in English to an English browser, in the words it always had', async () => {
    const res = await h.app.request('/no-such-page', { headers: { 'Accept-Language': 'en-GB' } });
    await expectPage(res, 404, 'en-GB', ['The page you asked for does not exist.']);
  });

  it('keeps the desk’s error pages in English', async () => {
    const res = await h.app.request('/desk/no-such-page', { headers: { 'Accept-Language': 'cy' } });
    const html = await res.text();
    expect(html).not.toContain('Heb ddod o hyd');
  });
});

describe('a Welsh-first office with a limit on enquiries', () => {
  it('tells a journalist over the limit, in Welsh, to wait or ring', async () => {
    const limited = await startHarness({
      now: WEDNESDAY_10AM,
      config: { intake: { rateLimit: { points: 1, durationSeconds: 600 } }, office: { languages: ['cy', 'en'] } },
    });
    try {
      expect((await limited.postForm('/enquiries', { ...valid, language: 'cy' })).status).toBe(303);
      const res = await limited.postForm('/enquiries', { ...valid, language: 'cy' });
      await expectPage(res, 429, 'cy-GB', ['Gormod o geisiadau', 'ffoniwch swyddfa’r wasg']);
    } finally {
      await limited.close();
    }
  });
});
