/**
 * Issue 31, the desk's view of languages: staff pages stay English, but for an office that offers
 * Welsh the enquiry page says which language the journalist is answered in, the queue filters by
 * it, and the reports count enquiries by language. An English-only office sees none of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
// Friday 27 November 2026, 19:30 in London: the phone line is out of hours.
const FRIDAY_EVENING = '2026-11-27T19:30:00Z';

let h: Harness;
afterEach(async () => h?.close());

/** A phone message left in the language chosen at the start of the call ('' = the office's first). */
async function phoneMessage(from: string, languageKey: '' | '9'): Promise<string> {
  const log = await h.twilio.call({
    from,
    url: `${PUBLIC_BASE_URL}/twilio/voice`,
    caller: { digits: [languageKey, '2'], message: { seconds: 20, transcript: 'Helo.' } },
  });
  expect(log.error).toBeNull();
  const row = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .where('phone', '=', from)
    .executeTakeFirstOrThrow();
  return row.reference;
}

function rows(html: string): string[] {
  return [...html.matchAll(/id="row-(PD-[A-Z0-9-]+)"/g)].map((m) => m[1]).sort();
}

async function office(languages: string[]) {
  h = await startHarness({
    now: FRIDAY_EVENING,
    jobs: true,
    config: { office: { languages }, intake: { rateLimit: null, pageRateLimit: null } },
  });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
}

describe('a Welsh-first office at the desk', () => {
  it('shows the language, filters the queue by it and counts enquiries by language in every report format', async () => {
    await office(['cy', 'en']);
    const welsh1 = await phoneMessage('+447911123401', '');
    const welsh2 = await phoneMessage('+447911123402', '');
    const english = await phoneMessage('+447911123403', '9');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);

    const page = decodeEntities((await mona.get(`/desk/enquiries/${welsh1}`)).body);
    expect(page).toMatch(/<dt>Language<\/dt>\s*<dd id="enquiry-language">Welsh \(Cymraeg\)<\/dd>/);
    expect(decodeEntities((await mona.get(`/desk/enquiries/${english}`)).body)).toContain(
      '<dd id="enquiry-language">English</dd>',
    );

    const queue = await mona.get('/desk');
    expect(queue.body).toContain('name="language"');
    expect(rows((await mona.get('/desk?language=cy')).body)).toEqual([welsh1, welsh2].sort());
    expect(rows((await mona.get('/desk?language=en')).body)).toEqual([english]);
    // An unknown language is ignored, as every other choice filter ignores a value it does not offer.
    const unknown = await mona.get('/desk?language=fr');
    expect(unknown.status).toBe(200);
    expect(rows(unknown.body)).toEqual([welsh1, welsh2, english].sort());

    const period = 'period=custom&from=2026-11-23&to=2026-11-29';
    const html = decodeEntities((await mona.get(`/desk/reports?${period}`)).body);
    expect(html).toContain('By language');
    expect(html).toMatch(/<th scope="row">Welsh \(Cymraeg\)<\/th>\s*<td>2<\/td>/);
    expect(html).toMatch(/<th scope="row">English<\/th>\s*<td>1<\/td>/);
    const json = JSON.parse((await mona.get(`/desk/reports.json?${period}`)).body) as {
      received: { byLanguage?: Record<string, number> };
    };
    expect(json.received.byLanguage).toEqual({ cy: 2, en: 1 });
    const csv = (await mona.get(`/desk/reports.csv?${period}`)).body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = csv[0].split(',');
    expect(header.slice(0, 3)).toEqual(['reference', 'channel', 'language']);
    const byRef = Object.fromEntries(csv.slice(1).map((l) => [l.split(',')[0], l.split(',')[2]]));
    expect(byRef).toEqual({ [welsh1]: 'cy', [welsh2]: 'cy', [english]: 'en' });
  });
});

describe('an English-only office', () => {
  it('shows no language anywhere: no row on the enquiry page, no filter, no table, no CSV column', async () => {
    await office(['en']);
    const ref = await phoneMessage('+447911123401', '');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await mona.get(`/desk/enquiries/${ref}`)).body).not.toContain('enquiry-language');
    expect((await mona.get('/desk')).body).not.toContain('name="language"');
    const period = 'period=custom&from=2026-11-23&to=2026-11-29';
    expect((await mona.get(`/desk/reports?${period}`)).body).not.toContain('By language');
    const json = JSON.parse((await mona.get(`/desk/reports.json?${period}`)).body) as { received: object };
    expect(json.received).not.toHaveProperty('byLanguage');
    const csv = (await mona.get(`/desk/reports.csv?${period}`)).body.replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0].split(',').slice(0, 3)).toEqual(['reference', 'channel', 'status']);
  });
});
